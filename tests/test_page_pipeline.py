"""The shortcuts that keep big builds fast must not change what a reader or a searcher gets.

- Raw HTML blocks are set aside while Markdown runs (``stash_html_blocks``): the page must come
  out exactly as Markdown alone would make it.
- The search plugin indexes a lighter copy of each page (``searchable``): citations and
  provenance stay on the page but out of the index; the operative words stay searchable.
- The theme's templates are served without their indentation (``UnindentedLoader``), except where
  spaces show.
"""

from __future__ import annotations

import json
import re

import markdown
import pytest
import yaml

from conftest import ROOT
from kb.load import load
from jinja2 import DictLoader, Environment

from kb.render import Renderer, SiteOptions, UnindentedLoader, searchable, stash_html_blocks, unstash_html_blocks


def _markdown_like_the_site(text: str) -> str:
    # The extensions (and their options) the site's mkdocs.yml sets, so both runs see what MkDocs sees.
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8").split("\nplugins:")[0])
    names, options = [], {}
    for entry in config["markdown_extensions"]:
        name, settings = next(iter(entry.items())) if isinstance(entry, dict) else (entry, {})
        names.append(name)
        options[name] = settings or {}
    return markdown.markdown(text, extensions=names, extension_configs=options)


@pytest.fixture(scope="module")
def generated_pages():
    kb = load(ROOT / "data")
    return Renderer(kb, SiteOptions(edition=kb.edition)).pages()


def test_setting_html_aside_changes_no_generated_page(generated_pages):
    compared = 0
    for path, page in generated_pages.items():
        stashed, blocks = stash_html_blocks(page)
        direct = _markdown_like_the_site(page)
        via_stash = unstash_html_blocks(_markdown_like_the_site(stashed), blocks)
        assert re.sub(r"\n+", "\n", via_stash).strip() == re.sub(r"\n+", "\n", direct).strip(), path
        compared += bool(blocks)
    assert compared > 30  # the instrument pages, matrices and year pages really went through the stash


def test_html_inside_a_code_fence_is_not_set_aside():
    page = "Intro\n\n```html\n<div>literal</div>\n```\n\n<div>block</div>\n"
    assert stash_html_blocks(page) == (page, [])


def test_search_index_leaves_out_citations_but_keeps_the_law(built_site):
    index = json.loads((built_site / "search" / "search_index.json").read_text(encoding="utf-8"))
    pipl = [d for d in index["docs"] if d["location"].startswith("instruments/cn-npcsc-2021-personal-information-protection-law/")]
    text = " ".join(d["text"] for d in pipl)
    assert "处理个人信息应当" in text.replace("\u200b", "")  # operative words of Arts 7, 13 and 14 (jieba segments them)
    page = (built_site / "instruments" / "cn-npcsc-2021-personal-information-protection-law" / "index.html").read_text(encoding="utf-8")
    bluebook = re.search(r'id="cite-bluebook">([^<]+)<', page).group(1)
    assert bluebook in page and bluebook not in text
    assert "Copy the Bluebook citation" in page and "Copy the" not in text
    assert "Coded by" in page and "Coded by" not in text
    assert "data-search-exclude" not in page  # the marks are for the indexer, not the reader


def test_searchable_drops_exactly_the_marked_elements():
    html = ('<p>keep one</p><details class="x" data-search-exclude><summary>s</summary><dl><dt>a</dt></dl></details>'
            '<p class="kb-provenance" data-search-exclude>drop <time>t</time></p><p>keep two</p>')
    assert searchable(html) == "<p>keep one</p><p>keep two</p>"


def test_searchable_agrees_with_the_plain_pattern_on_every_generated_page(generated_pages):
    # The pattern states the rule; searchable() is a faster loop that must do exactly the same.
    pattern = re.compile(r"<(details|div|dl|p|span)\b[^>]*\sdata-search-exclude[^>]*>.*?</\1>", re.DOTALL)
    marked = 0
    for path, page in generated_pages.items():
        assert searchable(page) == pattern.sub("", page), path
        marked += "data-search-exclude" in page
    instrument_pages = [p for p in generated_pages if p.startswith("instruments/") and p != "instruments/index.md"]
    assert marked >= len(instrument_pages) > 0  # every instrument page carries marks
    for html in ('<a data-search-exclude>x</a><p data-search-exclude>y</p>z',
                 '<p>Citations are marked data-search-exclude and left out.</p><p>next</p>',
                 '<div class="x"\n  data-search-exclude>gone</div><span>kept</span>'):
        assert searchable(html) == pattern.sub("", html), html


def _unindented(templates: dict[str, str], name: str, **context) -> str:
    env = Environment(loader=UnindentedLoader(DictLoader(templates)))
    return env.get_template(name).render(**context)


def test_theme_templates_are_served_without_indentation_or_empty_lines_from_control_tags():
    template = ("{% block all %}\n<div>\n    <p>a</p>\n\n\n    {% if show %}\n      <span>x</span>\n    {% endif %}\n"
                "    {# note #}\n</div>\n{% endblock %}\n")
    assert _unindented({"t": template}, "t", show=True) == "<div>\n<p>a</p>\n<span>x</span>\n</div>\n"
    assert _unindented({"t": template}, "t", show=False) == "<div>\n<p>a</p>\n</div>\n"


def test_no_two_words_run_together_when_tag_lines_go():
    template = "Foo\n{% if a %}\nbar\n{% endif %}\n{% include 'i' %}\nbaz\n"
    out = _unindented({"t": template, "i": "inc"}, "t", a=True)
    assert out.split() == ["Foo", "bar", "inc", "baz"]  # an include renders text: its line break stays


def test_templates_with_preformatted_text_are_served_as_written():
    template = "<div>\n    <pre>x\n    indented</pre>\n  <textarea>\n  t</textarea>\n</div>"
    assert _unindented({"t": template}, "t") == template


def test_built_pages_carry_no_theme_indentation(built_site):
    page = (built_site / "instruments" / "cn-saic-2015-consumer-measures" / "index.html").read_text(encoding="utf-8")
    outside_pre = re.sub(r"<(pre|textarea)\b.*?</\1>", "", page, flags=re.DOTALL)
    assert not re.search(r"\n[ \t]", outside_pre)
