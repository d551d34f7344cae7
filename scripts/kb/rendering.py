"""What a build renders (every generated page and every download), run in a worker process while
MkDocs builds the site on the other core.

MkDocs works through the pages one by one, and at 1,000 instruments most of its time goes to the
theme and the search index, page by page. Our pages and files do not depend on MkDocs, so the
plugin (kb.plugin) hands them to a worker: one process, forked when the MkDocs command starts
(before `mkdocs serve` starts any thread) and kept for all its builds, through the standard
library's ProcessPoolExecutor. It runs the functions below in the order the plugin submits them
(one worker: first in, first out) and sends back strings and bytes; whatever goes wrong in it
comes back with its traceback when the plugin asks for the result.

Where fork does not exist, ``InlineExecutor`` runs the same functions in the build's own process.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from concurrent.futures import Future
from pathlib import Path

from . import exports
from .load import load_unchanged
from .model import KnowledgeBase
from .pages.site import Site, SiteOptions, environment

# Set by the plugin before the worker is forked when the data is already checked (`kb build`
# checks it before it builds): the worker's first build uses it instead of reading the folder.
inherited: KnowledgeBase | None = None
_site: Site | None = None
_pages: dict = {}
_env = None  # the templates' environment, kept from one build to the next (each template compiles once)


def watch_parent(parent: int) -> None:
    """Run in the worker when it starts: if the build that started it is killed, stop too (a
    worker waiting for work would otherwise wait for ever)."""

    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="kb-watch-parent", daemon=True).start()


def forget_last_build() -> None:
    """Free what the last build of this process left (its model and pages hold reference
    cycles, which only the garbage collector frees): once, before the data is read again."""
    gc.unfreeze()
    gc.collect()


def keep_until_next_build() -> None:
    """Put everything alive now (the model, the pages' plan) out of the garbage collector's
    sight until forget_last_build(): at 1,000 instruments the collector would otherwise walk the
    model again and again as the build allocates (listing the pages took ten times as long)."""
    gc.freeze()


def start(data_dir: str, options: SiteOptions) -> tuple | None:
    """Read the data (the build's process reads it at the same time) and plan the pages. Returns
    the folder's fingerprint as read (None if it changed meanwhile), for the build to compare."""
    global inherited, _site, _pages, _env
    if inherited is not None:  # `kb build` has checked it, and frozen it
        kb, read, inherited = inherited, None, None
    else:
        _site, _pages = None, {}
        forget_last_build()
        kb, read = load_unchanged(Path(data_dir))
    _env = _env or environment()
    _site = Site(kb, options, env=_env)
    _pages = {page.path: page for page in _site.pages()}
    keep_until_next_build()
    return read


def page(path: str) -> tuple[str, bytes | None]:
    """A generated page's HTML, and its rows.json if it is a matrix page."""
    entry = _pages[path]
    html = _site.render(entry)
    return html, (_site.rows.get(entry.rows_path, b"[]") if entry.matrix else None)


def fragment(name: str, path: str) -> str | None:
    """A generated part of a hand-written page (its ``<!-- kb:NAME -->`` line)."""
    return _site.fragment(name, path)


def files(data_dir: str, into: str) -> int:
    """Write every download, citation file, published record and schema under ``into``."""
    plan = exports.files(_site, Path(data_dir))
    exports.write(plan, Path(into))
    return len(plan)


class InlineExecutor:
    """The executor's interface, running each function at once in this process."""

    def submit(self, function, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(function(*args, **kwargs))
        except Exception as err:  # noqa: BLE001 - handed to whoever asks for the result, as a pool would
            future.set_exception(err)
        return future

    def shutdown(self, wait: bool = True, cancel_futures: bool = False) -> None:
        pass
