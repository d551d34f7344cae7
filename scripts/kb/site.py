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
from .parallel import beside
from .render import Renderer, SiteOptions, in_site_order
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


def generate(data_dir: Path, options: SiteOptions, today: dt.date | None = None,
             parallel: bool = False) -> Generated:
    """Render the site's pages and files; with ``parallel``, the downloads on a second core."""
    data_dir = Path(data_dir).resolve()
    kb = preloaded.pop(data_dir, None) or load(data_dir, today)
    if not options.edition:
        options = SiteOptions(**{**options.__dict__, "edition": edition_of(kb)})
    renderer = Renderer(kb, options)
    # Split so both cores finish together (measured at 1,000 instruments): the helper writes the
    # downloads, then the last 40% of the instrument pages; this process renders the first 60%
    # and the other pages, whose big matrices must stay here (they leave rows.json in assets).
    split = len(kb.instruments) * 3 // 5 if parallel else len(kb.instruments)
    helper = beside(lambda: (downloads(kb, data_dir, renderer.citer, options.edition),
                             renderer.instrument_pages(kb.instruments[split:])), fork=parallel)
    mine = renderer.instrument_pages(kb.instruments[:split])
    others = renderer.other_pages()
    assets, theirs = helper.result()
    assets.update(renderer.assets)
    return Generated(kb, renderer, in_site_order({**mine, **theirs}, others), assets)


def downloads(kb: KnowledgeBase, data_dir: Path, citer: citations.Citer, edition: str) -> dict[str, bytes]:
    """The files beside the pages: downloads, citation files, published records, schemas."""
    assets: dict[str, bytes] = {
        f"downloads/{name}": content for name, content in export.downloads(kb, edition, citer).items()
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
    return assets
