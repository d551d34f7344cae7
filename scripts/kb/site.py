"""Everything the site needs from a data folder, as files.

``generate`` returns pages (Markdown) and assets (bytes) keyed by their path in the site, either
rendered in memory or being rendered by a helper process (kb.parallel). The MkDocs hook hands
them to MkDocs; another generator could write them to disk instead.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from . import citations, export
from .load import load
from .model import KnowledgeBase
from .parallel import Helper, can_fork
from .render import Renderer, SiteOptions
from .schema import filled_schemas


@dataclass
class Generated:
    """The site's pages (Markdown) and other files (bytes), by path in the site, in site order.

    With ``helper``, a helper process renders them while the build runs: the values are None;
    ``helper.read(page)`` gives a page once it is ready, and ``helper.deliver`` the files.
    """

    kb: KnowledgeBase
    renderer: Renderer
    pages: dict[str, str | None]
    assets: dict[str, bytes | None]
    helper: Helper | None = None


def edition_of(kb: KnowledgeBase) -> str:
    """The dataset edition: the newest entry of data/editions.yaml (reproducible, data-driven)."""
    return kb.edition


# The command line validates the data before it builds; it leaves the model here so that the
# MkDocs hook, running in the same process, does not read and check every file a second time.
preloaded: dict[Path, KnowledgeBase] = {}


def generate(data_dir: Path, options: SiteOptions, today: dt.date | None = None,
             parallel: bool = False, near: Path | None = None) -> Generated:
    """Everything the site needs; with ``parallel`` (and fork), rendered by a helper process
    while the caller goes on, into a folder in ``near`` (see kb.parallel)."""
    data_dir = Path(data_dir).resolve()
    kb = preloaded.pop(data_dir, None) or load(data_dir, today)
    if not options.edition:
        options = SiteOptions(**{**options.__dict__, "edition": edition_of(kb)})
    renderer = Renderer(kb, options)
    pages = renderer.page_plan()
    assets = {**download_plan(kb, data_dir, renderer.citer, options.edition), **renderer.rows_plan()}
    if parallel and can_fork():
        try:
            return Generated(kb, renderer, dict.fromkeys(pages), dict.fromkeys(assets), Helper(pages, assets, near))
        except OSError:  # no helper (e.g. no memory to fork, or no scratch folder): render here
            pass
    rendered = {path: render() for path, render in pages.items()}
    return Generated(kb, renderer, rendered, {path: render() for path, render in assets.items()})


def download_plan(kb: KnowledgeBase, data_dir: Path, citer: citations.Citer,
                  edition: str) -> dict[str, Callable[[], bytes]]:
    """The files beside the pages (downloads, citation files, published records, schemas), as
    path -> how to make it."""
    plan: dict[str, Callable[[], bytes]] = {
        "downloads/instruments.csv": partial(export.instruments_csv, kb),
        "downloads/findings.csv": partial(export.findings_csv, kb),
        "downloads/kb.json": partial(export.kb_json, kb, edition, citer),
    }
    instruments = kb.instruments
    plan["downloads/citations.json"] = partial(citations.csl_json, instruments)
    plan["downloads/citations.ris"] = partial(citations.ris, instruments)
    plan["downloads/citations.bib"] = partial(citations.bibtex, instruments)
    for instrument in instruments:
        plan[f"downloads/citations/{instrument.id}.json"] = partial(citations.csl_json, [instrument])
        plan[f"downloads/citations/{instrument.id}.ris"] = partial(citations.ris, [instrument])
        plan[f"downloads/citations/{instrument.id}.bib"] = partial(citations.bibtex, [instrument])
    # The records as contributors wrote them, so "edit this record" always has a target.
    for instrument in kb.instruments:
        plan[f"records/instruments/{instrument.id}.yaml"] = (data_dir / "instruments" / f"{instrument.id}.yaml").read_bytes
    for body in kb.bodies:
        plan[f"records/bodies/{body.id}.yaml"] = (data_dir / "bodies" / f"{body.id}.yaml").read_bytes
    terms = {name: list(v.terms) for name, v in kb.vocabularies.items()}
    terms["jurisdiction"] = list(kb.jurisdictions)
    for name, schema in filled_schemas(terms).items():
        plan[f"schema/{name}.schema.json"] = partial(_json_file, schema)
    return plan


def _json_file(document) -> bytes:
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
