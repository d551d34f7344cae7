"""Public text only: working notes stay in review.notes, and nothing a reader sees points into the
project's own files, its research notes or its to-dos, or shows a record or question by raw id.

Every expectation is read from the data (the reviewer notes, the ids), so the tests survive
contributions; the markers are the ones rule KB051 looks for (kb.load.rules.internal_references).
"""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

import yaml

from conftest import DATA, FIXTURES, KB
from kb.load import check
from kb.load.rules import internal_references

QUESTIONS = [q.id for q in KB.questions.values()] if isinstance(KB.questions, dict) else [q.id for q in KB.questions]
RECORD_IDS = {b.id for b in KB.bodies} | {i.id for i in KB.instruments}


# Pages written for contributors, which name the data files, fields and question ids on purpose.
CONTRIBUTOR_PAGES = ("contributing/", "reference/", "method/", "downloads/index.html")


def _records():
    for folder in ("instruments", "bodies"):
        for path in sorted((DATA / folder).glob("*.yaml")):
            yield folder, path, yaml.safe_load(path.read_text(encoding="utf-8"))


def _reviewer_notes() -> list[str]:
    return [" ".join(note.split()) for _, _, record in _records()
            for note in ((record.get("review") or {}).get("notes") or [])]


def _visible_text(page: str) -> str:
    """What a reader sees of a page: no scripts, styles, code (the contributor's file names) or tags."""
    page = re.sub(r"<(script|style|code|svg)\b.*?</\1>", " ", page, flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)


def _download_text(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        text = "\n".join(_strings(json.loads(text)))
    return " ".join(text.split())


def _published(site: Path):
    for path in sorted(site.rglob("*")):
        if path.suffix in {".html", ".csv", ".json", ".ris", ".bib", ".yaml", ".xml", ".txt"} and path.is_file():
            rel = path.relative_to(site).as_posix()
            if rel.startswith(("schema/", "assets/", "search/", "pagefind/")):
                continue
            yield rel, path


def test_a_clean_note_passes_and_the_reviewer_field_is_not_checked(data_copy):
    target = data_copy / "instruments" / "cn-test-2015-minimal.yaml"
    text = (FIXTURES / "minimal-instrument.yaml").read_text(encoding="utf-8")
    text = text.replace('url: "https://www.gov.cn/test"}', 'url: "https://www.gov.cn/test"}\n  - {role: text-copy, lang: zh, '
                        'title: LawRefBook/Laws, url: "https://github.com/LawRefBook/Laws/blob/2f4c5c2/行政法/网络安全法(2016-11-07).md"}')
    text = text.replace("note: {en: Silent.}}", "note: {en: \"Silent. Art. 41 reads: 'shall not collect personal "
                        "information unrelated to the services'. See the FTC's page and data.gov.cn.\"}}", 1)
    text = text.replace('review: {last_verified: "2026-11-01"}', 'review:\n  last_verified: "2026-11-01"\n  notes:\n'
                        '  - "TODO before publication: compare consent.form with shared/reference/texts (legal-facts.md A8); '
                        'see samr and data/bodies/saic.yaml."')
    target.write_text(text, encoding="utf-8")
    assert check(data_copy) == []


def test_every_kind_of_internal_reference_is_caught():
    for text in ("the project dossier (A12)", "legal-facts.md", "../shared/reference/texts", "data/bodies/samr.yaml",
                 "宪法.md", "TODO", "Before publication, check it", "replace this URL", "to be confirmed by the team",
                 "(see consent.form)", "Successor: samr.", "We did not use it for text.en.", "see coded_version"):
        assert internal_references(text, QUESTIONS, RECORD_IDS), text
    for text in ("https://github.com/LawRefBook/Laws/blob/x/宪法/宪法.md", "samr.gov.cn", "the SAMR", "personal data/information",
                 "Art. 41(1)", "§ 552a(b)(3)", "see https://www.ftc.gov/", "第十一条第一款第（二）项",
                 "the English text quoted here", "the wording we coded"):
        assert not internal_references(text, QUESTIONS, RECORD_IDS), text


def test_no_published_page_or_download_carries_a_working_note(built_site):
    notes = _reviewer_notes()
    assert notes, "the data has reviewer notes to look for"
    problems = []
    for rel, path in _published(built_site):
        if path.suffix == ".html":
            text = _visible_text(path.read_text(encoding="utf-8"))
            found = internal_references(text, QUESTIONS, RECORD_IDS)
            if rel.startswith(CONTRIBUTOR_PAGES):  # they name the project's files and ids on purpose
                found = [(marker, what) for marker, what in found if what in ("the project's research notes", "a to-do")]
        elif path.suffix == ".yaml":  # the published records: checked value by value, as KB051 does
            text = " ".join(path.read_text(encoding="utf-8").split())
            record = yaml.safe_load(path.read_text(encoding="utf-8"))
            assert "notes" not in (record.get("review") or {}), f"{rel} publishes review.notes"
            found = []
        else:  # downloads carry ids as data; only the markers of paths, research notes and to-dos count
            text = _download_text(path)
            found = internal_references(text)
        problems += [f"{rel}: {marker!r} ({what})" for marker, what in found]
        problems += [f"{rel}: reviewer note {note[:60]!r}..." for note in notes if note in text]
    assert not problems, "\n".join(sorted(set(problems))[:40])


def test_bodies_and_instruments_are_shown_by_name(built_site):
    """A link to a body or an instrument reads as its name, never as its raw id."""
    link = re.compile(r'<a [^>]*href="[^"]*\b(bodies|instruments)/([a-z0-9-]+)/(?:index\.html)?(?:#[^"]*)?"[^>]*>(.*?)</a>', re.DOTALL)
    bad = []
    for path in built_site.rglob("*.html"):
        for kind, record_id, label in link.findall(path.read_text(encoding="utf-8")):
            shown = _visible_text(label)
            if record_id in RECORD_IDS and shown == record_id:
                bad.append(f"{path.relative_to(built_site)}: link to {kind}/{record_id} reads '{shown}'")
    assert not bad, "\n".join(bad[:20])
    for body in KB.bodies:
        page = _visible_text((built_site / "bodies" / body.id / "index.html").read_text(encoding="utf-8"))
        for label, other in (("Predecessor", body.predecessor), ("Successor", body.successor)):
            if other is not None:
                assert f"{label} {other.label}" in page and f"{label} {other.id} " not in page + " "


def test_the_published_record_copy_says_where_the_full_record_is(built_site, tmp_path):
    copied = shutil.copytree(DATA, tmp_path / "data")
    for folder, path, record in _records():
        if (record.get("review") or {}).get("notes"):
            published = (built_site / "records" / folder / path.name).read_text(encoding="utf-8")
            assert f"data/{folder}/{path.name}" in published.splitlines()[2]
            assert yaml.safe_load(published)["id"] == record["id"]
    assert copied.exists()
