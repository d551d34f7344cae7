"""The glossary (/glossary/): every definition a record marks appears under its term, quoted and
linked to its provision, and every term of the vocabulary has its anchor.

Expectations are read from the records (the provisions marked ``defines``) and the defined_term
vocabulary, never listed by hand, so a new record's definitions keep these tests green.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest

from conftest import DATA, KB, PAGES, SITE
from kb import pinpoints
from kb.load.yamlsafe import parse_file
from kb.pages import glossary
from kb.pages.site import relative

GLOSSARY = next((p for p in PAGES if p.path == "glossary/index.md"), None)
TERMS = glossary.terms(KB)
DEFINED = [(i, part, term) for i in KB.instruments for p in i.provisions
           for part in (p, *p.descendants()) for term in part.defines]

pytestmark = pytest.mark.skipif(GLOSSARY is None, reason="the data has no defined_term vocabulary")


class _Sections(HTMLParser):
    """The glossary's HTML read back: per term (its <h2 id>), its text and each definition's block
    (data-instrument, data-provision, its links and its text, with the lang of each run)."""

    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()
        self.sections: dict[str, dict] = {}
        self.term: str | None = None
        self.block: dict | None = None
        self.depth = 0
        self.langs: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "h2" and a.get("id"):
            self.term = a["id"]
            self.sections[self.term] = {"text": "", "definitions": []}
        if self.block is not None and tag == "div":
            self.depth += 1
        if tag == "div" and "kb-definition" in (a.get("class") or "").split() and self.term:
            self.block = {"instrument": a.get("data-instrument"), "provision": a.get("data-provision"),
                          "hrefs": [], "text": "", "zh": ""}
            self.sections[self.term]["definitions"].append(self.block)
            self.depth = 1
        if self.block is not None and tag == "a" and a.get("href"):
            self.block["hrefs"].append(a["href"])
        self.langs.append(a.get("lang", self.langs[-1] if self.langs else None))

    def handle_endtag(self, tag):
        if self.langs:
            self.langs.pop()
        if self.block is not None and tag == "div":
            self.depth -= 1
            if self.depth == 0:
                self.block = None

    def handle_data(self, data):
        if self.term:
            self.sections[self.term]["text"] += data
        if self.block is not None:
            self.block["text"] += data
            if self.langs and self.langs[-1] == "zh-Hans":
                self.block["zh"] += data


@pytest.fixture(scope="module")
def rendered() -> _Sections:
    parsed = _Sections()
    parsed.html = SITE.render(GLOSSARY)
    parsed.feed(parsed.html)
    return parsed


def _squash(text: str) -> str:
    return "".join(text.split())


def test_every_term_of_the_vocabulary_has_its_anchor_and_is_declared(rendered):
    for term in TERMS:
        assert term.id in rendered.sections, term.id
        assert term.id in GLOSSARY.anchors
        assert term.label.en in GLOSSARY.shown()


def test_every_marked_definition_is_quoted_under_its_term_with_a_link_to_its_provision(rendered):
    assert DEFINED, "no provision of the data defines a term"
    for instrument, provision, term in DEFINED:
        blocks = [b for b in rendered.sections[term.id]["definitions"]
                  if (b["instrument"], b["provision"]) == (instrument.id, provision.id)]
        assert len(blocks) == 1, f"{instrument.id} {provision.id} under {term.id}"
        block = blocks[0]
        assert relative(GLOSSARY.path, f"instruments/{instrument.id}/#{provision.id}") in block["hrefs"]
        assert relative(GLOSSARY.path, f"instruments/{instrument.id}/") in block["hrefs"]
        assert _squash(provision.text["en"]) in _squash(block["text"])
        original = provision.text.get(instrument.language) if instrument.language != "en" else None
        if original and instrument.language == "zh":
            assert _squash(original) in _squash(block["zh"]), "the Chinese words are marked lang=zh-Hans"
        assert f'datetime="{instrument.adopted}"' in rendered.html


def test_nothing_else_is_listed_and_the_order_is_china_then_the_us_oldest_first(rendered):
    order = list(KB.jurisdictions)
    for term in TERMS:
        listed = [(b["instrument"], b["provision"]) for b in rendered.sections[term.id]["definitions"]]
        expected = [(i.id, p.id) for i, p, t in DEFINED if t.id == term.id]
        assert sorted(listed) == sorted(expected), term.id
        keys = [(order.index(glossary.country(KB, KB.instrument(i)).code), KB.instrument(i).adopted) for i, _ in listed]
        assert keys == sorted(keys), term.id


def test_a_term_nobody_defines_says_so(rendered):
    for term in TERMS:
        if not any(t.id == term.id for _, _, t in DEFINED):
            assert glossary.NOT_DEFINED in rendered.sections[term.id]["text"], term.id
            assert rendered.sections[term.id]["definitions"] == []


def test_the_model_carries_every_defines_of_the_records():
    """Provision.defines (and a paragraph's or item's) holds exactly what the YAML marks."""
    raw = set()
    for path in sorted((DATA / "instruments").glob("*.yaml")):
        doc, _ = parse_file(path, path.name)
        for provision in doc.data["provisions"]:
            raw |= {(doc.data["id"], provision["id"], t) for t in provision.get("defines", ())}
            raw |= {(doc.data["id"], part["id"], t) for part in pinpoints.parts(provision) for t in part["defines"]}
    assert raw == {(i.id, p.id, t.id) for i, p, t in DEFINED}


def test_the_glossary_is_in_the_navigation():
    assert GLOSSARY.nav is not None


@pytest.mark.browser
def test_following_a_glossary_link_lands_on_the_provision(page, site_url):
    instrument, provision, term = DEFINED[0]
    page.goto(f"{site_url}/{GLOSSARY.url}#{term.id}")
    link = page.locator(f'.kb-definition[data-instrument="{instrument.id}"][data-provision="{provision.id}"] a.kb-cite')
    link.first.click()
    page.wait_for_url(f"**/instruments/{instrument.id}/#{provision.id}")
    target = page.locator(f"[id='{provision.id}']")
    assert target.count() == 1
    box = target.bounding_box()
    assert box is not None and 0 <= box["y"] < page.viewport_size["height"], "the provision is scrolled into view"
    assert page.evaluate("decodeURIComponent(location.hash)") == f"#{provision.id}"
