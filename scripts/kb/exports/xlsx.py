"""findings.xlsx: findings.csv as a workbook for spreadsheet users.

One sheet per dimension of the framework (data/framework.yaml), each with every finding of its
questions, in the columns and the order of findings.csv: a frozen header row, a filter on every
column, wrapped text and widths that fit the columns' content. A first sheet, "About", says what
each column holds, gives the answer scale, the dataset edition and the licence.

Built deterministically: the workbook's properties carry the edition's date, not the time of the
build, and the zip entries are rewritten with that date, so two builds of the same data give the
same bytes. Values are written as text (never as formulas), so a note beginning with "=" stays a
note; the year is a number, so that it sorts and filters as one.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from copy import copy

from ..citations import Citer
from ..model import KnowledgeBase
from .tables import FINDING_COLUMNS, finding_rows

ABOUT = "About"

# What each column holds (the About sheet; the Downloads page says the same of findings.csv).
COLUMN_NOTES = {
    "instrument_id": "The instrument's id: its page is instruments/<id>/ on the site, its record data/instruments/<id>.yaml.",
    "dimension": "The framework dimension the question belongs to (one sheet each).",
    "question": "The framework question's id.",
    "answer": "The answer, one of the answer scale below.",
    "cite": "The provisions the answer rests on, as provision ids separated by spaces (anchors on the instrument's page).",
    "quote_original": "The operative words of the cited provisions in the original language; several are joined with \" | \".",
    "quote_en": "The same words in English.",
    "note": "Why the answer is what it is: what the coder read, exceptions, doubts.",
    "title_en": "The instrument's title in English.",
    "title_zh": "The instrument's title in Chinese (Chinese instruments only).",
    "jurisdiction": "The jurisdiction's code (cn, us, us-ca ...), as in instruments.csv.",
    "year": "The year the instrument was adopted.",
    "question_text_en": "The framework question in words.",
    "gap": "\"yes\" where the answer is one the framework counts as a gap for this question (it leaves the reader without the protection asked about), else \"no\".",
    "url": "The finding on the site, relative to the site's address: the instrument's page at the first provision cited, or at the question's row when nothing is cited.",
    "citation": "The Bluebook citation of the first provision cited (of the instrument when nothing is cited).",
}

# Column widths in characters: enough for ids and codes, wider for prose (which wraps).
WIDTHS = {"instrument_id": 30, "dimension": 13, "question": 24, "answer": 14, "cite": 16, "quote_original": 50,
          "quote_en": 50, "note": 60, "title_en": 40, "title_zh": 26, "jurisdiction": 12, "year": 8,
          "question_text_en": 44, "gap": 7, "url": 44, "citation": 50}

LICENCE = ("Data: Creative Commons Attribution 4.0 International (CC BY 4.0), "
           "https://creativecommons.org/licenses/by/4.0/. Attribute as \"Privacy Law Compared contributors\", "
           "with the URL of the page or record used.")

# Characters XML 1.0 cannot hold (openpyxl refuses them); the validator keeps them out of the
# records, this only makes sure a stray one cannot stop the build.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _sheet_title(name: str) -> str:
    """A valid sheet name: at most 31 characters, none of []:*?/\\."""
    return re.sub(r"[\[\]:*?/\\]", "-", name)[:31]


def _text(value) -> str:
    return _ILLEGAL.sub("", "" if value is None else str(value))


def _edition_datetime(edition: str) -> dt.datetime:
    try:
        day = dt.date.fromisoformat(edition)
    except (TypeError, ValueError):
        day = dt.date(2026, 1, 1)
    return dt.datetime(day.year, day.month, day.day)


def workbook(kb: KnowledgeBase, citer: Citer, edition: str):
    """The workbook (openpyxl), before it is saved."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    rows = finding_rows(kb, citer)
    book = Workbook()
    stamp = _edition_datetime(edition)
    props = book.properties
    props.creator = props.lastModifiedBy = "Privacy Law Compared contributors"
    props.title = f"Privacy Law Compared: findings, edition {edition}"
    props.subject = "Chinese and US data-protection law compared, every finding tied to the article that makes it"
    props.created = props.modified = stamp
    props.lastPrinted = None

    bold = Font(bold=True)
    head_fill = PatternFill("solid", fgColor="E8EAF6")
    wrap = Alignment(wrap_text=True, vertical="top")

    about = book.active
    about.title = ABOUT
    lines: list[tuple[str, str]] = [
        ("Privacy Law Compared: findings", ""),
        ("Edition", edition),
        ("Licence", LICENCE),
        ("What this is", "Every instrument's answer to every framework question, with the provisions it rests on. "
                         "The same rows as findings.csv, one sheet per dimension; instruments.csv, gaps.csv and "
                         "kb.json are on the site's Downloads page."),
        ("", ""),
        ("Sheets", ""),
    ]
    lines += [(_sheet_title(d.id), f"{d.title.en}: {d.description.en} ({len(d.questions)} questions)")
              for d in kb.dimensions]
    lines += [("", ""), ("Columns", "")]
    lines += [(column, COLUMN_NOTES[column]) for column in FINDING_COLUMNS]
    lines += [("", ""), ("Answer scale", "")]
    lines += [(term.id, f"{term.label.en}: {term.definition.en}") for term in kb.vocabularies["answer"].terms.values()]
    for row in lines:
        about.append([_text(v) for v in row])
    for cell in about["A"]:
        cell.font = bold
        cell.alignment = wrap
    for cell in about["B"]:
        cell.alignment = wrap
    about["A1"].font = Font(bold=True, size=14)
    about.column_dimensions["A"].width = 22
    about.column_dimensions["B"].width = 110

    last = get_column_letter(len(FINDING_COLUMNS))
    for dimension in kb.dimensions:
        sheet = book.create_sheet(_sheet_title(dimension.id))
        sheet.append(FINDING_COLUMNS)
        order = {q.id: n for n, q in enumerate(dimension.questions)}
        mine = [r for r in rows if r["question"] in order]
        mine.sort(key=lambda r: order[r["question"]])  # stable: instruments stay in their order
        for row in mine:
            sheet.append([int(row[c]) if c == "year" and str(row[c]).isdigit() else _text(row[c])
                          for c in FINDING_COLUMNS])
        for cell in sheet[1]:
            cell.font = bold
            cell.fill = head_fill
            cell.alignment = wrap
        wrapped = None  # the style of a wrapped cell, made once and copied (setting it per cell is slow)
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                if wrapped is None:
                    cell.alignment = wrap
                    wrapped = copy(cell._style)
                else:
                    cell._style = copy(wrapped)
                if cell.data_type == "f":  # text beginning with "=" is a note, not a formula
                    cell.data_type = "s"
        for n, column in enumerate(FINDING_COLUMNS, start=1):
            sheet.column_dimensions[get_column_letter(n)].width = WIDTHS[column]
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{last}{max(1, len(mine) + 1)}"
        sheet.print_title_rows = "1:1"
    return book


def findings_xlsx(kb: KnowledgeBase, citer: Citer, edition: str = "") -> bytes:
    edition = edition or kb.edition
    from openpyxl.writer.excel import ExcelWriter

    buffer = io.BytesIO()
    # Workbook.save() would stamp "modified" with the time of the build; the writer it calls keeps
    # the properties as set (the edition's date).
    ExcelWriter(workbook(kb, citer, edition), zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED)).save()
    return _fixed_zip(buffer.getvalue(), _edition_datetime(edition))


def _fixed_zip(data: bytes, stamp: dt.datetime) -> bytes:
    """The same zip with every entry dated ``stamp`` (zipfile dates entries with the time of
    writing), in the same order, so that equal content gives equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=stamp.timetuple()[:6])
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return out.getvalue()
