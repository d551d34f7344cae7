"""kb.json: the whole checked model, field for field, plus what the build derives from it.

The model's classes follow the records' shape (kb.model), so the dump walks their fields: a field
added to a record and to the model reaches kb.json with nothing more to do. What is not in the
records (addresses, rendered citations, gap flags) is added at the end, by name.
"""

from __future__ import annotations

import dataclasses
import json

from ..citations import Citer
from ..model import KnowledgeBase
from .tables import gap_rows


def to_data(value):
    """Plain JSON data from model objects: references become ids, internal fields are left out."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {}
        for field in dataclasses.fields(value):
            if field.metadata.get("internal"):
                continue
            item = getattr(value, field.name)
            out[field.name] = _reference(item) if field.metadata.get("ref") else to_data(item)
        return out
    if isinstance(value, dict):
        return {key: to_data(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_data(item) for item in value]
    return value


def _reference(value):
    if value is None:
        return None
    if isinstance(value, (list, tuple)):
        return [_reference(item) for item in value]
    return getattr(value, "id", None) or value.code


def document(kb: KnowledgeBase, edition: str, citer: Citer, views=None, claims=None, years=()) -> dict:
    instruments = []
    for instrument in kb.instruments:
        data = to_data(instrument)
        data["url"] = f"instruments/{instrument.id}/"
        # "citation" keeps the meaning it had in earlier editions (the formatted citations); the
        # record's own citation parts, new in this edition, go under "citation_parts".
        data["citation_parts"] = data.pop("citation")
        data["citation"] = citer.cite(instrument)
        # Provisions and their parts (款, 项: findings may cite them): each with its anchor and citation.
        pairs = list(zip(instrument.provisions, data["provisions"], strict=True))
        while pairs:
            provision, entry = pairs.pop()
            entry["anchor"] = f"instruments/{instrument.id}/#{provision.id}"
            entry["citation"] = {"bluebook": citer.cite(instrument, provision)["bluebook"]}
            pairs.extend(zip(provision.parts, entry.get("parts") or [], strict=True))
        for question_id, entry in data["findings"].items():
            entry["gap"] = instrument.findings[question_id].is_gap
        instruments.append(data)
    bodies = []
    for body in kb.bodies:
        data = to_data(body)
        data["url"] = f"bodies/{body.id}/"
        bodies.append(data)
    return {
        "edition": edition,
        "framework": to_data(kb.dimensions),
        "vocabularies": {name: {"description": v.description, "terms": to_data(list(v.terms.values()))}
                         for name, v in kb.vocabularies.items()},
        "jurisdictions": to_data(list(kb.jurisdictions.values())),
        "bodies": bodies,
        "instruments": instruments,
        # The gap views, as in gaps.csv, and the claims of the source essay with their verdicts: for
        # the claim's year and today, but an instrument claim only for the wording coded (its year).
        "gaps": gap_rows(kb, views, list(years)) if views is not None else [],
        "claims": [{**to_data(claim), "verdicts": {
                       str(year): claims.verdict(claim, year).verdict
                       for year in sorted({int(claim.year)} | (set() if claim.kind == "instrument" else {years[-1]}))}}
                   for claim in kb.claims] if claims is not None and years else [],
    }


def kb_json(kb: KnowledgeBase, edition: str, citer: Citer, views=None, claims=None, years=()) -> bytes:
    data = document(kb, edition, citer, views, claims, years)
    return (json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
