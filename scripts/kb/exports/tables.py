"""The CSV downloads, generated from the same model as the pages.

CSV files are UTF-8 with a byte-order mark so that spreadsheet programs show Chinese correctly;
cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io

from ..citations import Citer
from ..model import Instrument, KnowledgeBase

INSTRUMENT_COLUMNS = [
    "id", "jurisdiction", "title_en", "title_zh", "issuer_en", "instrument_type", "legal_force",
    "adopted", "effective", "status", "official_url",
]
FINDING_COLUMNS = [
    "instrument_id", "dimension", "question", "answer", "cite", "quote_original", "quote_en", "note",
    # added in the 2026-12-01 edition, after the first eight so that scripts reading those keep working
    "title_en", "title_zh", "jurisdiction", "year", "question_text_en", "gap", "url", "citation",
]


def _cell(value) -> str:
    text = "" if value is None else str(value)
    # A leading =, +, -, @ (or tab/CR) makes spreadsheets evaluate the cell as a formula.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + text
    return text


def _csv(header: list[str], rows: list[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(v) for v in row])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def instruments_csv(kb: KnowledgeBase) -> bytes:
    rows = [
        [i.id, i.jurisdiction.code, i.title.en, i.title.zh, i.issuer.en, i.instrument_type.id, i.legal_force.id,
         i.adopted, i.effective, i.status.id, i.official_sources[0].url]
        for i in kb.instruments
    ]
    return _csv(INSTRUMENT_COLUMNS, rows)


def _quotes(instrument: Instrument, provisions) -> tuple[str, str]:
    original = " | ".join(p.text.get(instrument.language, "") for p in provisions)
    english = " | ".join(p.text.get("en", "") for p in provisions)
    return original, english


def finding_url(instrument: Instrument, finding) -> str:
    """Where a finding can be read, relative to the site's root like every link of the site: the
    first provision it cites, on the instrument's page, or its question's row there if it cites none."""
    anchor = finding.cite[0].id if finding.cite else finding.question.anchor
    return f"instruments/{instrument.id}/#{anchor}"


def finding_rows(kb: KnowledgeBase, citer: Citer) -> list[dict]:
    """One row per instrument and framework question, column name -> value (findings.csv and
    findings.xlsx); in the instruments' order, then the framework's."""
    rows = []
    for i in kb.instruments:
        for f in i.findings.values():
            original, english = _quotes(i, f.cite)
            rows.append(dict(zip(FINDING_COLUMNS, [
                i.id, f.question.dimension_id, f.question.id, f.answer, " ".join(p.id for p in f.cite),
                original, english, f.note.en if f.note else "",
                i.title.en, i.title.zh or "", i.jurisdiction.code, i.year, f.question.text.en,
                "yes" if f.is_gap else "no", finding_url(i, f),
                citer.cite(i, f.cite[0] if f.cite else None)["bluebook"],
            ], strict=True)))
    return rows


def findings_csv(kb: KnowledgeBase, citer: Citer) -> bytes:
    return _csv(FINDING_COLUMNS, [list(row.values()) for row in finding_rows(kb, citer)])


# The first six are the published contract; then the instruments in force that day but not counted
# (a wording we did not code), every reason to read the state with care, and the day read (the
# year's last, or the edition's).
GAP_COLUMNS = ["jurisdiction", "perspective", "year", "question", "state", "closed_by", "not_counted", "caveats", "day"]


def gaps_csv(kb: KnowledgeBase, views, years: list[int]) -> bytes:
    """One row per jurisdiction x perspective x year x question asked from that perspective."""
    return _csv(GAP_COLUMNS, [[row[c] for c in GAP_COLUMNS] for row in gap_rows(kb, views, years)])


def gap_row_count(kb: KnowledgeBase, views, years: list[int]) -> int:
    """How many rows gap_rows gives, without reading any gap view."""
    asked = sum(views.asks(q, p) for p in views.perspectives for q in kb.questions)
    return len(kb.jurisdictions) * len(years) * asked


def gap_rows(kb: KnowledgeBase, views, years: list[int]) -> list[dict]:
    rows = []
    for jurisdiction in kb.jurisdictions.values():
        for perspective in views.perspectives:
            for year in years:
                day = views.day(year)
                for state in views.at(jurisdiction, day, perspective):
                    if state.asked:
                        rows.append({"jurisdiction": jurisdiction.code, "perspective": perspective.id, "year": year,
                                     "day": day, "question": state.question.id, "state": state.state,
                                     "closed_by": ";".join(state.closed_by),
                                     "not_counted": ";".join(i.id for i in state.not_counted),
                                     "caveats": "; ".join(f"{i.id}: {why}" for i, why in state.caveats)})
    return rows
