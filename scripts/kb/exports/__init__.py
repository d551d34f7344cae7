"""The files beside the pages: downloads, citation files, the published records and the schemas.

``files(site, data_dir)`` lists every one as path in the site -> how to make it, so the plugin can
put them all in MkDocs' file list (any page may link any of them) before rendering anything.
``PUBLISHED`` are the downloads whose addresses are part of the citation contract.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from functools import partial
from pathlib import Path

from .. import citations
from ..load.schema import filled_schemas
from ..pages import all_files
from . import tables
from .kbjson import kb_json
from .xlsx import findings_xlsx

PUBLISHED = ("downloads/instruments.csv", "downloads/findings.csv", "downloads/kb.json", "downloads/gaps.csv",
             "downloads/citations.json", "downloads/citations.ris", "downloads/citations.bib", "feed.xml",
             "downloads/findings.xlsx")


def files(site, data_dir: Path) -> dict[str, Callable[[], bytes]]:
    kb = site.kb
    plan: dict[str, Callable[[], bytes]] = {
        "downloads/instruments.csv": partial(tables.instruments_csv, kb),
        "downloads/findings.csv": partial(tables.findings_csv, kb, site.citer),
        "downloads/findings.xlsx": partial(findings_xlsx, kb, site.citer, site.options.edition),
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
    # The records as contributors wrote them, so that "Edit this record" always has a target, but
    # without the reviewers' working notes (review.notes), which are never published.
    for instrument in kb.instruments:
        plan[f"records/instruments/{instrument.id}.yaml"] = partial(published_record, data_dir, "instruments", instrument.id)
    for body in kb.bodies:
        plan[f"records/bodies/{body.id}.yaml"] = partial(published_record, data_dir, "bodies", body.id)
    terms = {name: [{"id": t.id, "requires": list(t.requires)} for t in v.terms.values()]
             for name, v in kb.vocabularies.items()}
    terms["jurisdiction"] = [{"id": code} for code in kb.jurisdictions]
    for name, schema in filled_schemas(terms).items():
        plan[f"schema/{name}.schema.json"] = partial(_json_file, schema)
    plan.update(all_files(site))  # files the page registry declares (feed.xml)
    return plan


_REVIEW_BLOCK = re.compile(r"^review:\n(?:(?:  .*|)\n)*", re.MULTILINE)
_NOTES_IN_REVIEW = re.compile(r"^  notes:\n(?:(?:  - |    ).*\n)*", re.MULTILINE)

PUBLISHED_COPY_NOTE = ("# Published copy: the reviewers' working notes (review.notes) are left out. The full record is\n"
                       "# data/{folder}/{id}.yaml in the project's repository.\n")


def published_record(data_dir: Path, folder: str, record_id: str) -> bytes:
    """The record as published: the file itself, less review.notes (and review, if nothing else is
    left in it), in the canonical format the file is kept in, with a line saying what was left out."""
    from ..formatting import _question_order, canonical
    from ..load.yamlsafe import parse_bytes

    raw = (data_dir / folder / f"{record_id}.yaml").read_bytes()
    text = raw.decode("utf-8")
    # Records are kept in the canonical format (a test checks it), where review is a top-level
    # block and notes a list in it: cut those lines rather than parse and re-dump the record,
    # which took most of the downloads' time at a thousand records. Anything else: the slow way.
    review = _REVIEW_BLOCK.search(text)
    if review is None or "\n  notes:" not in review.group(0):
        if "notes:" not in text:
            return raw
    else:
        found = _NOTES_IN_REVIEW.search(review.group(0))
        block = review.group(0)[:found.start()] + review.group(0)[found.end():] if found else review.group(0)
        if block.strip() == "review:":  # nothing left in review (a body's review holds only notes)
            block = ""
        after = review.group(0)[found.end():] if found else ""
        # the cut is clean if what follows is the next key of review (or nothing): no line of a note left
        if found and not after.startswith(("  - ", "    ", "\n")) and "\n  notes:" not in "\n" + block:
            modeline, _, rest = (text[:review.start()] + block + text[review.end():]).partition("\n")
            return (modeline + "\n" + PUBLISHED_COPY_NOTE.format(folder=folder, id=record_id) + rest).encode("utf-8")
    doc, _ = parse_bytes(raw, record_id)
    review = doc.data.get("review") if doc is not None else None
    if not isinstance(review, dict) or "notes" not in review:
        return raw
    data = dict(doc.data)
    data["review"] = {k: v for k, v in review.items() if k != "notes"}
    if not data["review"]:
        del data["review"]
    modeline, _, rest = canonical(data, folder, _question_order(data_dir)).partition("\n")
    return (modeline + "\n" + PUBLISHED_COPY_NOTE.format(folder=folder, id=record_id) + rest).encode("utf-8")


def _json_file(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write(plan: dict[str, Callable[[], bytes]], into: Path, cancelled=None) -> None:
    """Make every file of ``plan`` and write it under ``into`` (until ``cancelled``, a
    threading.Event, is set: checked between files)."""
    made: set[Path] = set()
    for path, make in plan.items():
        if cancelled is not None and cancelled.is_set():
            return
        target = into / path
        if target.parent not in made:
            target.parent.mkdir(parents=True, exist_ok=True)
            made.add(target.parent)
        # Whole or not at all: `make serve` may stop this between any two instructions.
        partial = target.with_name(target.name + ".part")
        partial.write_bytes(make())
        os.replace(partial, target)
