"""The downloads for spreadsheet users: findings.csv's columns and findings.xlsx, read from the
built site. Every expectation is read from the data (the records, the framework, the citations),
so a contribution keeps these green."""

from __future__ import annotations

import csv
import io
from html.parser import HTMLParser

import pytest

from conftest import KB, SITE
from kb.exports.tables import FINDING_COLUMNS
from kb.exports.xlsx import ABOUT, findings_xlsx

# The published contract: these columns first, in this order (scripts written against the first
# edition read them by position), then the columns added in 2026-12-01.
FIRST_EDITION = ["instrument_id", "dimension", "question", "answer", "cite", "quote_original", "quote_en", "note"]
ADDED = ["title_en", "title_zh", "jurisdiction", "year", "question_text_en", "gap", "url", "citation"]


def expected(instrument, finding) -> dict[str, str]:
    """A finding's row as the data says it should read (the new columns)."""
    first = finding.cite[0] if finding.cite else None
    return {
        "instrument_id": instrument.id, "dimension": finding.question.dimension_id,
        "question": finding.question.id, "answer": finding.answer, "cite": " ".join(p.id for p in finding.cite),
        "title_en": instrument.title.en, "title_zh": instrument.title.zh or "",
        "jurisdiction": instrument.jurisdiction.code, "year": instrument.adopted[:4],
        "question_text_en": finding.question.text.en, "gap": "yes" if finding.is_gap else "no",
        "url": f"instruments/{instrument.id}/#{first.id if first else finding.question.anchor}",
        "citation": SITE.citer.cite(instrument, first)["bluebook"],
    }


def _csv_cell(value: str) -> str:
    """As the CSV writes a cell (a leading =, +, - or @ is neutralised with an apostrophe)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        self.ids.update(value for name, value in attrs if name == "id" and value)


def _ids(path) -> set[str]:
    parser = _Ids()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser.ids


@pytest.fixture(scope="module")
def findings(built_site) -> list[dict]:
    raw = (built_site / "downloads" / "findings.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark, for spreadsheets
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


@pytest.fixture(scope="module")
def workbook(built_site):
    from openpyxl import load_workbook

    return load_workbook(built_site / "downloads" / "findings.xlsx")


def test_findings_csv_keeps_its_columns_first_and_adds_the_new_ones(findings):
    assert FINDING_COLUMNS == FIRST_EDITION + ADDED
    assert list(findings[0]) == FIRST_EDITION + ADDED


def test_every_finding_is_in_findings_csv_once_with_the_right_values(findings, built_site):
    keys = [(r["instrument_id"], r["question"]) for r in findings]
    assert len(keys) == len(set(keys))
    assert set(keys) == {(i.id, q) for i in KB.instruments for q in i.findings}
    rows = {(r["instrument_id"], r["question"]): r for r in findings}
    pages: dict[str, set[str]] = {}
    for instrument in KB.instruments:
        ids = pages.setdefault(instrument.id, _ids(built_site / "instruments" / instrument.id / "index.html"))
        for finding in instrument.findings.values():
            row = rows[(instrument.id, finding.question.id)]
            for column, value in expected(instrument, finding).items():
                assert row[column] == _csv_cell(value), (instrument.id, finding.question.id, column)
            # the url lands on the page and on an element of it (the provision, or the question's row)
            path, _, anchor = row["url"].partition("#")
            assert path == f"instruments/{instrument.id}/" and anchor in ids, row["url"]


def test_the_downloads_page_lists_the_workbook_and_the_new_columns(built_site):
    html = (built_site / "downloads" / "index.html").read_text(encoding="utf-8")
    assert 'href="findings.xlsx"' in html or 'href="../downloads/findings.xlsx"' in html
    for column in ADDED:
        assert f"<code>{column}</code>" in html, column


def test_findings_xlsx_has_a_sheet_per_dimension_and_an_about_sheet(workbook):
    assert workbook.sheetnames == [ABOUT] + [d.id for d in KB.dimensions]
    about = [[cell for cell in row] for row in workbook[ABOUT].iter_rows(values_only=True)]
    text = "\n".join(" ".join(str(c) for c in row if c is not None) for row in about)
    assert KB.edition in text and "CC BY 4.0" in text
    labels = {row[0] for row in about}
    assert set(FINDING_COLUMNS) <= labels  # every column explained
    assert set(KB.vocabularies["answer"].terms) <= labels  # and every answer of the scale
    for dimension in KB.dimensions:
        assert dimension.id in labels


@pytest.mark.parametrize("dimension", KB.dimensions, ids=lambda d: d.id)
def test_each_sheet_holds_its_dimensions_findings_with_a_frozen_header_and_a_filter(workbook, dimension):
    from openpyxl.utils import get_column_letter

    sheet = workbook[dimension.id]
    rows = list(sheet.iter_rows(values_only=True))
    assert list(rows[0]) == FINDING_COLUMNS
    assert sheet.freeze_panes == "A2"  # the header row stays in view
    assert sheet.auto_filter.ref == f"A1:{get_column_letter(len(FINDING_COLUMNS))}{len(rows)}"
    assert all(sheet.column_dimensions[get_column_letter(n)].width >= 7 for n in range(1, len(FINDING_COLUMNS) + 1))
    assert sheet.cell(row=2, column=FINDING_COLUMNS.index("note") + 1).alignment.wrap_text
    body = [dict(zip(FINDING_COLUMNS, ("" if v is None else v for v in row), strict=True)) for row in rows[1:]]
    keys = [(r["instrument_id"], r["question"]) for r in body]
    assert len(keys) == len(set(keys))
    assert set(keys) == {(i.id, q.id) for i in KB.instruments for q in dimension.questions}
    by_key = dict(zip(keys, body, strict=True))
    for instrument in KB.instruments:
        for question in dimension.questions:
            finding = instrument.findings[question.id]
            row = by_key[(instrument.id, question.id)]
            want = expected(instrument, finding)
            want["year"] = int(want["year"])  # a number in the workbook, so it sorts as one
            for column, value in want.items():
                assert row[column] == value, (instrument.id, question.id, column)
            assert row["note"] == (finding.note.en if finding.note else "")


def test_findings_xlsx_is_the_same_bytes_every_build(built_site):
    """Fixed workbook dates (the edition's) and zip entry dates: this process makes the same file
    as the build did."""
    again = findings_xlsx(KB, SITE.citer, SITE.options.edition)
    assert again == (built_site / "downloads" / "findings.xlsx").read_bytes()
