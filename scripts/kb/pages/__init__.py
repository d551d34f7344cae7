"""The registry of pages: every page of the site, generated or hand-written, declared once.

Each page type is one module in this package with a function ``pages(site)`` that yields
:class:`Page` objects, and (for a generated page) one template in templates/. A page declares
everything the rest of the project needs to know about it:

- its address (``path``, the source path MkDocs knows it by, e.g. ``instruments/cn-x.md``),
- its title and its place in the navigation (``nav``; None keeps it out of the nav),
- the anchors it publishes (``anchors``: the URL manifest records them, the tests check them),
- the words a reader must find on it (``shows``: the tests check them in the built page),
- whether a big table on it keeps its further rows in a ``rows.json`` beside it (``matrix``).

A module may also declare ``files(site)``, files of the site that are not pages (path -> a function
that makes its bytes; feed.xml), which the downloads carry (kb.exports.files), and ``head(site,
page)``, tags for the ``<head>`` of every page (the feed's discovery link).

Adding a page type is adding a module here and its template: the plugin, the navigation, the URL
manifest and the tests all read this registry. Modules are found by name (every module of this
package that defines ``pages``), in alphabetical order.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import partial

from markupsafe import escape


@dataclass(frozen=True)
class Nav:
    """A page's place in the navigation: in a section (or at the top level) at a weight. A
    generated page is listed under its own title; a hand-written one may be given a shorter one."""

    weight: int
    title: str | None = None  # hand-written pages only; None: the page's own title
    section: str | None = None


@dataclass
class Page:
    path: str  # e.g. "instruments/cn-x.md"; index.md pages get directory URLs
    title: str  # in the navigation and the window title
    heading: str | None = None  # the page's <h1>, if it says more than the title
    template: str | None = None  # None: a hand-written page (docs/ or CONTRIBUTING.md)
    context: dict = field(default_factory=dict)  # what the template gets besides the site's helpers
    nav: Nav | None = None
    hide: tuple[str, ...] = ()  # Material's front matter: "navigation", "toc"
    anchors: tuple[str, ...] = ()  # published anchors (citation contract)
    # text a reader must find on the page (or a function giving it: see shown())
    shows: tuple[str, ...] | Callable[[], tuple[str, ...]] = ()
    matrix: bool = False  # a big table keeps the rows past the page's budget in rows.json beside it
    # extra tags for <head> (reference-manager metadata), or a function giving them (see head_tags()):
    # a thousand instrument pages are listed on every build, and `make serve` writes only a few
    head: str | Callable[[], str] = ""
    source: str | None = None  # hand-written pages: where the text comes from, if not docs/<path>
    # The instruments whose records a page is made from, besides what every page may read (the
    # vocabularies, framework, jurisdictions, editions, claims, bodies and the templates); None:
    # made from the whole knowledge base. `make serve` renders a page again only when one of
    # these records (or the rest) changed; a page that reads another record must name it here.
    depends: tuple[str, ...] | None = None

    def shown(self) -> tuple[str, ...]:
        return self.shows() if callable(self.shows) else self.shows

    def head_tags(self) -> str:
        return self.head() if callable(self.head) else self.head

    @property
    def h1(self) -> str:
        return self.heading or self.title

    @property
    def url(self) -> str:
        return page_url(self.path)

    @property
    def generated(self) -> bool:
        return self.template is not None

    @property
    def rows_path(self) -> str:
        return f"{self.url}rows.json"


def page_url(path: str) -> str:
    """'instruments/x.md' -> 'instruments/x/' (directory URLs), 'index.md' -> ''."""
    if path.endswith("index.md"):
        return path[: -len("index.md")]
    return path[: -len(".md")] + "/"


def page_types() -> list:
    """Every module of this package that declares pages."""
    found = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        if callable(getattr(module, "pages", None)):
            found.append(module)
    return found


def all_pages(site) -> list[Page]:
    pages: list[Page] = []
    for module in page_types():
        pages.extend(module.pages(site))
    seen: dict[str, Page] = {}
    for page in pages:
        if page.path in seen:
            raise ValueError(f"two page types declare {page.path}")
        seen[page.path] = page
    for module in page_types():  # tags some page type puts in every page's <head>
        if callable(getattr(module, "head", None)):
            for page in pages:
                extra = module.head(site, page)
                page.head = partial(_then, page.head, extra) if callable(page.head) else page.head + extra
    return pages


def _then(head: Callable[[], str], extra: str) -> str:
    return head() + extra


def all_files(site) -> dict:
    """The files beside the pages that page types declare (path in the site -> how to make it)."""
    plan: dict = {}
    for module in page_types():
        if callable(getattr(module, "files", None)):
            plan.update(module.files(site))
    return plan


def navigation(pages: Iterable[Page]) -> list:
    """MkDocs' ``nav`` setting, from the pages' Nav entries: sections take the place of their
    lightest page, entries within a section follow their weights."""
    top: list[tuple[int, object]] = []
    sections: dict[str, list[tuple[int, object]]] = {}
    for page in pages:
        if page.nav is None:
            continue
        # MkDocs' themes print navigation titles as HTML; titles here are text (some from the data).
        entry = page.path if page.nav.title is None else {str(escape(page.nav.title)): page.path}
        if page.nav.section is None:
            top.append((page.nav.weight, entry))
        else:
            sections.setdefault(page.nav.section, []).append((page.nav.weight, entry))
    for name, entries in sections.items():
        entries.sort(key=lambda e: e[0])
        top.append((entries[0][0], {str(escape(name)): [entry for _, entry in entries]}))
    return [entry for _, entry in sorted(top, key=lambda e: e[0])]
