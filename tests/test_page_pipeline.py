"""How generated pages reach the reader: HTML straight from the templates (no Markdown), headings
with anchors and a table of contents, and a search index without the citation boxes."""

from __future__ import annotations

import gzip
import json
import re
from html import unescape
from pathlib import Path

import pytest
from markupsafe import escape as markup_escape

from conftest import PAGES, SITE
from kb.pages.site import toc_tokens
from kb.plugin import SKIP_END, SKIP_START


@pytest.fixture(scope="module")
def generated():
    """Every generated page of the registry, rendered as the worker renders it."""
    return {page.path: SITE.render(page) for page in PAGES if page.generated}


def test_every_generated_page_has_its_title_and_a_table_of_contents(generated):
    for path, html in generated.items():
        page = next(p for p in PAGES if p.path == path)
        assert html.count("<h1 ") == 1, path
        [title] = toc_tokens(html)
        assert title["level"] == 1 and title["name"] == str(markup_escape(page.h1)), path
        sections = re.findall(r'<h2 id="([^"]+)">', html)
        assert [c["id"] for c in title["children"]] == sections, path
        ids = re.findall(r' id="([^"]+)"', html)
        assert len(set(ids)) == len(ids), f"{path}: two elements share an id"


def test_the_table_of_contents_nests_the_headings():
    html = ('<h1 id="t">T<a class="headerlink" href="#t">x</a></h1><h2 id="a">A &amp; B<a class="headerlink" href="#a">x</a></h2>'
            '<h3 id="a1">A1<a class="headerlink" href="#a1">x</a></h3><h2 id="b">B<a class="headerlink" href="#b">x</a></h2>')
    [title] = toc_tokens(html)
    assert title["id"] == "t" and [c["id"] for c in title["children"]] == ["a", "b"]
    assert title["children"][0]["name"] == "A &amp; B"
    assert [c["id"] for c in title["children"][0]["children"]] == ["a1"]


def test_the_parts_left_out_of_the_search_index_are_marked_in_pairs(generated):
    marked = 0
    for path, html in generated.items():
        starts = [m.start() for m in re.finditer(re.escape(SKIP_START), html)]
        ends = [m.start() for m in re.finditer(re.escape(SKIP_END), html)]
        assert len(starts) == len(ends), path
        for start, end, following in zip(starts, ends, [*starts[1:], len(html)][:len(starts)], strict=True):
            assert start < end < following, f"{path}: an excluded part is not closed before the next opens"
        marked += bool(starts)
    assert marked >= len([p for p in PAGES if p.path.startswith("instruments/") and p.path != "instruments/index.md"])


def _pagefind_fragments(site: Path) -> dict[str, str]:
    """What Pagefind indexed of each page (url -> text), read from its bundle in the site: each
    fragment is gzip-compressed JSON after a short signature."""
    texts = {}
    for fragment in (site / "pagefind" / "fragment").glob("*.pf_fragment"):
        raw = gzip.decompress(fragment.read_bytes())
        data = json.loads(raw[raw.index(b"{"):])
        texts[data["url"]] = " ".join(data["content"].replace("\u200b", "").split())
    return texts


def _text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_search_index_leaves_out_citations_but_keeps_the_law(built_site):
    fragments = _pagefind_fragments(built_site)
    instruments = [p for p in PAGES if p.path.startswith("instruments/") and p.path != "instruments/index.md"]
    assert {f"/{p.url}" for p in instruments} <= set(fragments)  # every instrument page is indexed
    excluded_blocks = 0
    for entry in instruments:
        page = (built_site / entry.url / "index.html").read_text(encoding="utf-8")
        indexed = fragments[f"/{entry.url}"]
        instrument = SITE.kb.instrument(entry.path.removeprefix("instruments/").removesuffix(".md"))
        quote = instrument.provisions[0].text["en"].split(".")[0]
        assert " ".join(quote.split()) in indexed  # the operative words are found
        # Every part the templates mark for leaving out: none of its text is in the index.
        for block in re.findall(r'<div class="kb-search-exclude" data-pagefind-ignore="all">(.*?)</div><!--kb-search-exclude-end-->',
                                page, re.DOTALL):
            excluded_blocks += 1
            assert _text(block) not in indexed, f"{entry.url}: {_text(block)[:80]}"
        bluebook = re.search(r'id="cite-bluebook">([^<]+)<', page).group(1)
        assert _text(bluebook) not in indexed and "Copy the" not in indexed and "Coded by" not in indexed
        assert "Copy the Bluebook citation" in page and "Coded by" in page  # while the reader has them
        assert SKIP_START not in page and SKIP_END not in page
    assert excluded_blocks >= 3 * len(instruments)
