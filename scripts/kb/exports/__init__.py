"""The files beside the pages: downloads, citation files, the published records and the schemas.

``files(site, data_dir)`` lists every one as path in the site -> how to make it, so the plugin can
put them all in MkDocs' file list (any page may link any of them) before rendering anything.
``PUBLISHED`` are the downloads whose addresses are part of the citation contract.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import partial
from pathlib import Path

from .. import citations
from ..load.schema import filled_schemas
from . import tables
from .kbjson import kb_json

PUBLISHED = ("downloads/instruments.csv", "downloads/findings.csv", "downloads/kb.json", "downloads/gaps.csv",
             "downloads/citations.json", "downloads/citations.ris", "downloads/citations.bib")


def files(site, data_dir: Path) -> dict[str, Callable[[], bytes]]:
    kb = site.kb
    plan: dict[str, Callable[[], bytes]] = {
        "downloads/instruments.csv": partial(tables.instruments_csv, kb),
        "downloads/findings.csv": partial(tables.findings_csv, kb),
        "downloads/kb.json": partial(kb_json, kb, site.options.edition, site.citer, site.gaps, site.claims, site.years()),
        "downloads/gaps.csv": partial(tables.gaps_csv, kb, site.gaps, site.years()),
        "downloads/citations.json": partial(citations.csl_json, kb.instruments),
        "downloads/citations.ris": partial(citations.ris, kb.instruments),
        "downloads/citations.bib": partial(citations.bibtex, kb.instruments),
    }
    for instrument in kb.instruments:
        plan[f"downloads/citations/{instrument.id}.json"] = partial(citations.csl_json, [instrument])
        plan[f"downloads/citations/{instrument.id}.ris"] = partial(citations.ris, [instrument])
        plan[f"downloads/citations/{instrument.id}.bib"] = partial(citations.bibtex, [instrument])
    # The records as contributors wrote them, so that "Edit this record" always has a target.
    for instrument in kb.instruments:
        plan[f"records/instruments/{instrument.id}.yaml"] = (data_dir / "instruments" / f"{instrument.id}.yaml").read_bytes
    for body in kb.bodies:
        plan[f"records/bodies/{body.id}.yaml"] = (data_dir / "bodies" / f"{body.id}.yaml").read_bytes
    terms = {name: [{"id": t.id, "requires": list(t.requires)} for t in v.terms.values()]
             for name, v in kb.vocabularies.items()}
    terms["jurisdiction"] = [{"id": code} for code in kb.jurisdictions]
    for name, schema in filled_schemas(terms).items():
        plan[f"schema/{name}.schema.json"] = partial(_json_file, schema)
    return plan


def _json_file(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write(plan: dict[str, Callable[[], bytes]], into: Path) -> None:
    """Make every file of ``plan`` and write it under ``into``."""
    made: set[Path] = set()
    for path, make in plan.items():
        target = into / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        target.write_bytes(make())
