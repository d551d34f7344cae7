"""The real site, built from the bundled data: every page, link, anchor and download."""

from __future__ import annotations

import csv
import io
import json
import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
import yaml

from conftest import DATA, KB, PAGES, SITE, run_kb
from kb.exports.tables import FINDING_COLUMNS, INSTRUMENT_COLUMNS
from kb.formatting import canonical
from kb.load.yamlsafe import parse_bytes


class Page(HTMLParser):
    """Collects ids, links and loaded resources of one HTML page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.resources: list[str] = []
        self.scripts_inline: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.chunks: list[str] = []

    def handle_data(self, data):
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join("".join(self.chunks).split())

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.tags.append((tag, attrs))
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag in ("script", "img", "iframe", "audio", "video", "source") and attrs.get("src"):
            self.resources.append(attrs["src"])
        if tag == "link" and attrs.get("href") and attrs.get("rel") in ("stylesheet", "preload", "icon", "manifest"):
            self.resources.append(attrs["href"])


def parse(path: Path) -> Page:
    page = Page()
    page.feed(path.read_text(encoding="utf-8"))
    return page


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def built_file(page) -> str:
    """Where a page of the registry lands in the built site."""
    return page.url + "index.html"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url or "home")
def test_every_page_of_the_registry_is_built_and_shows_what_it_declares(built_site, page):
    path = built_site / built_file(page)
    assert path.is_file()
    parsed = parse(path)
    for words in page.shown():
        assert " ".join(words.split()) in parsed.text, words
    for anchor in page.anchors:
        assert anchor in parsed.ids, anchor
    assert parsed.text.count(page.title) >= 1


def test_the_site_has_no_page_the_registry_does_not_know(built_site):
    known = {built_file(p) for p in PAGES} | {"404.html"}
    built = {p.relative_to(built_site).as_posix() for p in html_pages(built_site)}
    redirects = {p for p in built if "http-equiv=\"refresh\"" in (built_site / p).read_text(encoding="utf-8")[:600]}
    assert built - known - redirects == set()


def test_every_internal_link_and_anchor_resolves(built_site):
    pages = {p: parse(p) for p in html_pages(built_site)}
    broken = []
    checked = 0
    for path, page in pages.items():
        if path.name == "404.html" and path.parent == built_site:
            continue  # MkDocs writes the 404 page with root-relative links, for any URL depth
        base = "file://" + str(path)
        for href in page.links:
            target = urlparse(urljoin(base, href))
            if target.scheme != "file":
                continue
            file = Path(unquote(target.path))
            if file.is_dir():
                file = file / "index.html"
            checked += 1
            if not file.exists():
                broken.append(f"{path.relative_to(built_site)} -> {href}")
            elif target.fragment and file.suffix == ".html" and target.fragment not in pages[file].ids:
                broken.append(f"{path.relative_to(built_site)} -> {href} (no such anchor)")
    assert checked > 500
    assert broken == []


def test_nothing_loads_from_another_host(built_site):
    for path in html_pages(built_site):
        for resource in parse(path).resources:
            assert not urlparse(resource).netloc, f"{path}: loads {resource}"
    for css in built_site.rglob("*.css"):
        text = css.read_text(encoding="utf-8")
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", text), f"{css} loads a remote resource"
        assert "@import" not in text or "//" not in text


@pytest.mark.parametrize("instrument", KB.instruments, ids=lambda i: i.id)
def test_instrument_page_shows_what_a_citer_needs(built_site, instrument):
    path = built_site / "instruments" / instrument.id / "index.html"
    html = path.read_text(encoding="utf-8")
    page = parse(path)
    text = page.text
    assert instrument.title.en in text
    if instrument.title.zh:
        assert instrument.title.zh in text and instrument.title.pinyin in text
    for label in ("Issuer", "Type", "Legal force", "Adopted", "Status", "Official text", "Last verified"):
        assert f"<dt>{label}</dt>" in html
    for provision in instrument.provisions:
        assert provision.id in page.ids
        for block in provision.blocks():  # the words of each paragraph and item, as the page shows them
            for words in block.values():
                assert " ".join(words.split()) in text
    for question in KB.questions:
        assert question.anchor in page.ids
    assert any(href.endswith(f"records/instruments/{instrument.id}.yaml") for href in page.links)
    # the published copy is the record less its reviewers' working notes (review.notes)
    published = yaml.safe_load((built_site / "records" / "instruments" / f"{instrument.id}.yaml").read_bytes())
    record = yaml.safe_load((DATA / "instruments" / f"{instrument.id}.yaml").read_bytes())
    record.get("review", {}).pop("notes", None)
    assert published == record
    for source in instrument.official_sources:
        assert source.url in page.links


@pytest.mark.parametrize("dimension", [d.id for d in KB.dimensions])
def test_every_comparison_cell_links_the_provisions_it_rests_on(built_site, dimension):
    path = built_site / "compare" / dimension / "index.html"
    page = parse(path)
    rows = path.parent / "rows.json"  # rows beyond the page's budget, appended by the table script
    if rows.exists():
        page.feed("".join(json.loads(rows.read_text(encoding="utf-8"))))
    cells = [attrs for tag, attrs in page.tags if tag == "td" and "kb-cell" in attrs.get("class", "")]
    questions = [q for d in KB.dimensions if d.id == dimension for q in d.questions]
    assert len(cells) == len(KB.instruments) * len(questions)
    cite_links = {href for href in page.links if "/instruments/" in href and "#" in href}
    for instrument in KB.instruments:
        for question in questions:
            for provision in instrument.findings[question.id].cite:
                assert f"../../instruments/{instrument.id}/#{provision.id}" in cite_links


def test_gaps_are_marked_with_words_not_only_colour(built_site):
    html = (built_site / "compare" / "consent" / "index.html").read_text(encoding="utf-8")
    rows = built_site / "compare" / "consent" / "rows.json"
    if rows.exists():
        html += "".join(json.loads(rows.read_text(encoding="utf-8")))
    gaps = sum(1 for i in KB.instruments for q in KB.questions if q.dimension_id == "consent" and i.findings[q.id].is_gap)
    assert gaps > 0
    assert html.count('<span class="kb-gap"') == gaps + 1  # plus the legend's example


def test_the_year_pages_show_the_computed_states_and_their_provisions(built_site):
    """Each row of each year page shows the state kb.gaps computes (checked on hand-made data in
    test_gaps.py) and links every provision behind it."""
    views = SITE.gaps
    for year in SITE.years():
        html = (built_site / "gaps" / str(year) / "index.html").read_text(encoding="utf-8")
        for jurisdiction in KB.jurisdictions.values():
            for perspective in views.perspectives:
                for state in views.at(jurisdiction, views.day(year), perspective):
                    row_id = f"{jurisdiction.slug}-{perspective.id}-{state.question.anchor}"
                    if not state.asked:
                        assert f'id="{row_id}"' not in html
                        continue
                    start = html.index(f'id="{row_id}"')
                    row = html[start:html.index("</tr>", start)]
                    assert f"kb-state--{state.state}" in row, (year, row_id, state.state)
                    shown = [f"instruments/{g.instrument.id}/#{p.id}" for g in (*state.grounds, *(g for _, g in state.elsewhere))
                             for p in g.cite]
                    missing = [link for link in shown if link not in row]
                    # A long list names the first few grounds and points to gaps.csv for every provision.
                    assert not missing or "more (every provision is in" in row, (year, row_id, missing)
                    assert shown[:1] == [link for link in shown[:1] if link in row], (year, row_id)
                    if state.caveats:  # marked, and every reason named in the note under the table
                        assert "kb-not-counted" in row, (year, row_id)
                        start = html.index(f'id="{jurisdiction.slug}-{perspective.id}-caveats"')
                        note = html[start:html.index("</p>", start)]
                        if "caveats column" in note:  # a long list names the first few and points to gaps.csv
                            continue
                        for instrument, reason in state.caveats:
                            assert f"instruments/{instrument.id}/" in note and escape(reason) in note, (year, row_id, reason)


def test_the_timeline_draws_every_instrument_and_lists_it_too(built_site):
    html = (built_site / "timeline" / "index.html").read_text(encoding="utf-8")
    start = html.index('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200')
    svg = html[start:html.index("</svg>", start)]
    for i in KB.instruments:
        assert f'href="../instruments/{i.id}/"' in svg
        assert f"<time datetime=\"{i.adopted}\">" in html
    assert "中华人民共和国个人信息保护法" in svg  # Chinese labels are drawn as text


def test_home_page_has_the_headline_table_for_the_seeds(built_site):
    html = (built_site / "index.html").read_text(encoding="utf-8")
    for seed in ("cn-npcsc-2012-network-information", "cn-saic-2015-consumer-measures", "us-eop-2014-big-data-report"):
        assert f'href="instruments/{seed}/"' in html
    assert "instruments/cn-saic-2015-consumer-measures/#art-11" in html
    assert "kb-headline" in html and "How to cite" in html


def _csv(path: Path) -> list[dict]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def test_downloads_match_the_records(built_site):
    instruments = _csv(built_site / "downloads" / "instruments.csv")
    assert list(instruments[0]) == INSTRUMENT_COLUMNS
    assert [row["id"] for row in instruments] == [i.id for i in KB.instruments]
    for row, instrument in zip(instruments, KB.instruments, strict=True):
        assert row["title_zh"] == (instrument.title.zh or "")
        assert row["adopted"] == instrument.adopted and row["legal_force"] == instrument.legal_force.id
        assert row["official_url"] == instrument.official_sources[0].url
    findings = _csv(built_site / "downloads" / "findings.csv")
    assert list(findings[0]) == FINDING_COLUMNS
    assert len(findings) == len(KB.instruments) * len(KB.questions)
    rows = {(r["instrument_id"], r["question"]): r for r in findings}
    for instrument in KB.instruments:
        for question_id, finding in instrument.findings.items():
            row = rows[(instrument.id, question_id)]
            assert row["answer"] == finding.answer and row["cite"] == " ".join(p.id for p in finding.cite)
            for provision in finding.cite:
                assert provision.text["en"] in row["quote_en"]
                if instrument.language in provision.text:
                    assert provision.text[instrument.language] in row["quote_original"]
    gaps = _csv(built_site / "downloads" / "gaps.csv")
    assert list(gaps[0]) == ["jurisdiction", "perspective", "year", "question", "state", "closed_by", "not_counted", "caveats", "day"]
    for row in gaps[:: max(1, len(gaps) // 200)]:  # a sample, each against the computation
        state = next(s for s in SITE.gaps.at(KB.jurisdictions[row["jurisdiction"]], row["day"],
                                            KB.vocabularies["perspective"][row["perspective"]])
                     if s.question.id == row["question"])
        assert row["state"] == state.state and row["closed_by"] == ";".join(state.closed_by)
    # The downloads page says how many rows gaps.csv has.
    assert f"({len(gaps)} rows)" in (built_site / "downloads" / "index.html").read_text(encoding="utf-8")
    document = json.loads((built_site / "downloads" / "kb.json").read_text(encoding="utf-8"))
    assert len(document["gaps"]) == len(gaps) and len(document["claims"]) == len(KB.claims)
    assert [i["id"] for i in document["instruments"]] == [i.id for i in KB.instruments]
    assert document["edition"] == KB.edition
    assert {q["id"] for d in document["framework"] for q in d["questions"]} == {q.id for q in KB.questions}
    schema = json.loads((built_site / "schema" / "instrument.schema.json").read_text(encoding="utf-8"))
    assert "enum" in schema["properties"]["legal_force"]


HOSTILE = '<script>alert("x")</script> <img src=x onerror=alert(1)> [click](javascript:alert(1)) **bold** {#evil}'


def test_text_from_records_is_shown_literally_never_as_markup(data_copy, tmp_path):
    record = data_copy / "instruments" / "cn-saic-2015-consumer-measures.yaml"
    doc, _ = parse_bytes(record.read_bytes(), str(record))
    data = doc.data
    data["short_title"] = HOSTILE
    data["findings"]["consent.defined"]["summary"] = {"en": HOSTILE}
    data["provisions"][1]["label"]["en"] = HOSTILE
    data["provisions"][1]["text"]["en"] = HOSTILE
    data["sources"][0]["title"] = HOSTILE
    record.write_text(canonical(data, "instruments", []), encoding="utf-8")
    site = tmp_path / "site"
    result = run_kb("build", "--data", str(data_copy), "--site", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    for path in html_pages(site):
        html = path.read_text(encoding="utf-8")
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert 'href="javascript:' not in html and "<strong>bold</strong>" not in html, path
        assert 'id="evil"' not in html
    page = (site / "instruments" / "cn-saic-2015-consumer-measures" / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert" in page and "[click](javascript:alert(1))" in page
