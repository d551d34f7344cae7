"""Everything the site needs from a data folder, as in-memory files.

``generate`` returns pages (Markdown) and assets (bytes) keyed by their path in the site.
The MkDocs hook hands them to MkDocs; another generator could write them to disk instead.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path

from . import citations, export
from .load import load
from .model import KnowledgeBase
from .render import Renderer, SiteOptions
from .schema import filled_schemas


@dataclass
class Generated:
    kb: KnowledgeBase
    renderer: Renderer
    pages: dict[str, str]
    assets: dict[str, bytes]


def edition_of(kb: KnowledgeBase) -> str:
    """The dataset edition: the newest entry of data/editions.yaml (reproducible, data-driven)."""
    return kb.edition


# The command line validates the data before it builds; it leaves the model here so that the
# MkDocs hook, running in the same process, does not read and check every file a second time.
preloaded: dict[Path, KnowledgeBase] = {}


def generate(data_dir: Path, options: SiteOptions, today: dt.date | None = None) -> Generated:
    data_dir = Path(data_dir).resolve()
    kb = preloaded.pop(data_dir, None) or load(data_dir, today)
    if not options.edition:
        options = SiteOptions(**{**options.__dict__, "edition": edition_of(kb)})
    renderer = Renderer(kb, options)
    assets: dict[str, bytes] = {
        f"downloads/{name}": content
        for name, content in export.downloads(kb, options.edition, renderer.citer).items()
    }
    instruments = kb.instruments
    assets["downloads/citations.json"] = citations.csl_json(instruments)
    assets["downloads/citations.ris"] = citations.ris(instruments)
    assets["downloads/citations.bib"] = citations.bibtex(instruments)
    for instrument in instruments:
        assets[f"downloads/citations/{instrument.id}.json"] = citations.csl_json([instrument])
        assets[f"downloads/citations/{instrument.id}.ris"] = citations.ris([instrument])
        assets[f"downloads/citations/{instrument.id}.bib"] = citations.bibtex([instrument])
    # The records as contributors wrote them, so "edit this record" always has a target.
    for instrument in kb.instruments:
        assets[f"records/instruments/{instrument.id}.yaml"] = (data_dir / "instruments" / f"{instrument.id}.yaml").read_bytes()
    for body in kb.bodies:
        assets[f"records/bodies/{body.id}.yaml"] = (data_dir / "bodies" / f"{body.id}.yaml").read_bytes()
    terms = {name: list(v.terms) for name, v in kb.vocabularies.items()}
    terms["jurisdiction"] = list(kb.jurisdictions)
    for name, schema in filled_schemas(terms).items():
        assets[f"schema/{name}.schema.json"] = (json.dumps(schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    pages = renderer.pages()
    assets.update(renderer.assets)
    return Generated(kb, renderer, pages, assets)
