"""The Atom feed of the editions (/feed.xml): valid Atom (RFC 4287) by the RFC's own RELAX NG
schema (vendored in tests/vendor/atom/), one entry per edition of data/editions.yaml, newest
first, each linking its entry in the changelog; ids that never depend on where the site is hosted;
and a discovery link on every page. Expectations come from the data."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from urllib.parse import urljoin

import pytest
from lxml import etree

from conftest import KB, PAGES, SITE
from kb.pages import feed
from kb.pages.site import Site, page_url

SCHEMA = Path(__file__).parent / "vendor" / "atom" / "atom.rng"
ATOM = "{http://www.w3.org/2005/Atom}"
XHTML = "{http://www.w3.org/1999/xhtml}"


@pytest.fixture(scope="module")
def atom_schema() -> etree.RelaxNG:
    return etree.RelaxNG(etree.parse(str(SCHEMA)))


def _valid(schema: etree.RelaxNG, document: bytes) -> etree._Element:
    root = etree.fromstring(document)
    assert schema.validate(root), "\n".join(str(e) for e in schema.error_log)
    # The two rules of RFC 4287 that its schema states in Schematron, which RELAX NG does not check.
    for entry in root.iter(f"{ATOM}entry"):
        assert root.find(f"{ATOM}author") is not None or entry.find(f"{ATOM}author") is not None
        assert entry.find(f"{ATOM}link[@rel='alternate']") is not None or entry.find(f"{ATOM}content") is not None
    return root


def test_the_schema_refuses_what_is_not_atom(atom_schema):
    """The check has teeth: a feed without its id, or with a date that is not a date-time, fails."""
    good = feed.atom(SITE)
    _valid(atom_schema, good)
    root = etree.fromstring(good)
    root.remove(root.find(f"{ATOM}id"))
    assert not atom_schema.validate(root)
    root = etree.fromstring(good)
    root.find(f"{ATOM}updated").text = KB.edition  # a date, not a date-time
    assert not atom_schema.validate(root)


def test_the_built_feed_is_valid_atom_with_one_entry_per_edition(built_site, atom_schema):
    root = _valid(atom_schema, (built_site / feed.FEED).read_bytes())
    entries = root.findall(f"{ATOM}entry")
    newest_first = list(reversed(KB.editions))
    assert [e.findtext(f"{ATOM}title") for e in entries] == [f"Edition {e.edition}" for e in newest_first]
    assert root.findtext(f"{ATOM}updated") == f"{KB.edition}T00:00:00Z"
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("urn:uuid:") for i in ids)
    for entry, edition in zip(entries, newest_first, strict=True):
        assert entry.findtext(f"{ATOM}updated").startswith(edition.edition)
        assert entry.findtext(f"{ATOM}summary") == edition.summary.en
        items = [li.text for li in entry.iter(f"{XHTML}li")]
        assert items == [c.en for c in edition.changes]
        # The link resolves, against the feed's own address, to the edition's entry on the site.
        href = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        target = urljoin("https://host.example/some/folder/feed.xml", href)
        assert target.startswith("https://host.example/some/folder/")
        path, _, anchor = target[len("https://host.example/some/folder/"):].partition("#")
        assert anchor == f"edition-{edition.edition}"
        html = (built_site / path / "index.html").read_text(encoding="utf-8")
        assert f'id="{anchor}"' in html


def test_the_changelog_page_publishes_each_edition_anchor():
    owners = [p for p in PAGES if all(f"edition-{e.edition}" in p.anchors for e in KB.editions)]
    assert len(owners) == 1


def test_ids_are_stable_and_links_take_a_configured_base(atom_schema):
    assert feed.entry_id(KB.edition) == feed.entry_id(KB.edition) != feed.entry_id("1999-01-01")
    hosted = Site(KB, replace(SITE.options, site_url="https://example.org/kb"))
    root = _valid(atom_schema, feed.atom(hosted))
    assert root.get("{http://www.w3.org/XML/1998/namespace}base") == "https://example.org/kb/"
    plain = etree.fromstring(feed.atom(SITE))
    assert plain.get("{http://www.w3.org/XML/1998/namespace}base") is None
    # Where the site is published changes no id.
    assert [e.findtext(f"{ATOM}id") for e in root.iter(f"{ATOM}entry")] == \
           [e.findtext(f"{ATOM}id") for e in plain.iter(f"{ATOM}entry")]


def test_every_page_links_the_feed_for_discovery(built_site):
    for page in PAGES:
        path = built_site / page_url(page.path) / "index.html"
        html = path.read_text(encoding="utf-8")
        head = html.split("</head>", 1)[0]
        assert 'type="application/atom+xml"' in head, page.path
        href = head.split('type="application/atom+xml"', 1)[1].split('href="', 1)[1].split('"', 1)[0]
        assert (path.parent / href).resolve() == (built_site / feed.FEED).resolve(), page.path
