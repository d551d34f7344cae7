"""Machine-readable downloads generated from the same model as the pages.

CSV files are UTF-8 with a byte-order mark so that spreadsheet programs show Chinese correctly;
cells that a spreadsheet would run as a formula are prefixed with an apostrophe.
"""

from __future__ import annotations

import csv
import io
import json

from .citations import Citer
from .model import Instrument, KnowledgeBase, Text

INSTRUMENT_COLUMNS = [
    "id", "jurisdiction", "title_en", "title_zh", "issuer_en", "instrument_type", "legal_force",
    "adopted", "effective", "status", "official_url",
]
FINDING_COLUMNS = [
    "instrument_id", "dimension", "question", "answer", "cite", "quote_original", "quote_en", "note",
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


def findings_csv(kb: KnowledgeBase) -> bytes:
    rows = []
    for i in kb.instruments:
        for f in i.findings.values():
            original, english = _quotes(i, f.cite)
            rows.append([
                i.id, f.question.dimension_id, f.question.id, f.answer, " ".join(p.id for p in f.cite),
                original, english, f.note.en if f.note else "",
            ])
    return _csv(FINDING_COLUMNS, rows)


def _text(value: Text | None):
    if value is None:
        return None
    return {"en": value.en, **({"zh": value.zh} if value.zh else {})}


def _instrument_json(i: Instrument, citer=None) -> dict:
    document = {
        "id": i.id,
        "url": f"instruments/{i.id}/",
        "jurisdiction": i.jurisdiction.code,
        "language": i.language,
        "title": {"en": i.title.en, "zh": i.title.zh, "pinyin": i.pinyin, "aliases": list(i.aliases)},
        "short_title": i.short_title,
        "issuer": _text(i.issuer),
        "document_number": i.document_number,
        "instrument_type": i.instrument_type.id,
        "legal_force": i.legal_force.id,
        "dates": {
            "adopted": i.adopted, "effective": i.effective, "repealed": i.repealed,
            "amended": [{"date": a.date, "note": _text(a.note)} for a in i.amended],
        },
        "status": i.status.id,
        "status_note": _text(i.status_note),
        "summary": _text(i.summary),
        "sources": [s.__dict__ for s in i.sources],
        "provisions": [
            {"id": p.id, "anchor": f"instruments/{i.id}/#{p.id}", "label": _text(p.label), "text": p.text,
             "translation": {"by": p.translation_by, "url": p.translation_url} if p.translation_by else None,
             "note": _text(p.note)}
            for p in i.provisions
        ],
        "findings": {
            qid: {"answer": f.answer, "gap": f.is_gap, "cite": [p.id for p in f.cite],
                  "summary": _text(f.summary), "note": _text(f.note)}
            for qid, f in i.findings.items()
        },
        "oversight": [{"body": o.body.id, "role": _text(o.role), "cite": [p.id for p in o.cite]} for o in i.oversight],
        "review": {"last_verified": i.last_verified, "verified_by": i.verified_by, "note": _text(i.review_note)},
    }
    if citer is not None:
        document["citation"] = citer.cite(i)
        for provision, entry in zip(i.provisions, document["provisions"]):
            entry["citation"] = {"bluebook": citer.cite(i, provision)["bluebook"]}
    return document


def kb_json(kb: KnowledgeBase, edition: str = "", citer: Citer | None = None) -> bytes:
    citer = citer or Citer(kb, edition)
    document = {
        "edition": edition,
        "framework": [
            {"id": d.id, "title": _text(d.title), "description": _text(d.description),
             "questions": [{"id": q.id, "short": _text(q.short), "text": _text(q.text), "guidance": _text(q.guidance),
                            "gap_answers": list(q.gap_answers), "gap_meaning": _text(q.gap_meaning)}
                           for q in d.questions]}
            for d in kb.dimensions
        ],
        "vocabularies": {
            name: {"description": v.description,
                   "terms": [{"id": t.id, "label": _text(t.label), "definition": _text(t.definition), "icon": t.icon}
                             for t in v.terms.values()]}
            for name, v in kb.vocabularies.items()
        },
        "jurisdictions": [{"code": j.code, "name": _text(j.name), "parent": j.parent} for j in kb.jurisdictions.values()],
        "bodies": [
            {"id": b.id, "url": f"bodies/{b.id}/", "jurisdiction": b.jurisdiction.code, "name": _text(b.name),
             "abbreviation": b.abbreviation, "body_type": b.body_type.id, "dedicated": b.dedicated.id,
             "independence": _text(b.independence), "powers": _text(b.powers), "summary": _text(b.summary),
             "established": b.established, "dissolved": b.dissolved, "predecessor": b.predecessor,
             "successor": b.successor, "sources": [s.__dict__ for s in b.sources]}
            for b in kb.bodies
        ],
        "instruments": [_instrument_json(i, citer) for i in kb.instruments],
    }
    return (json.dumps(document, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
