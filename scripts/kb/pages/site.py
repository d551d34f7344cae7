"""What every page template may use: the knowledge base, the site's options, links and tables.

Templates emit HTML directly (no Markdown runs over generated pages). Text from the records is
autoescaped, so a contributor's ``<script>`` shows as typed; headings come from the ``heading``
macro, which gives each its anchor and permalink, and the plugin reads them back for the table
of contents (``toc_tokens``).
"""

from __future__ import annotations

import json
import posixpath
import re
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown.extensions.toc import slugify
from markupsafe import Markup, escape

from ..citations import STYLES, Citer, romanize
from ..claims import ClaimCheck
from ..gaps import GapViews, caveats_on, counted_on, in_force_on, not_counted_because, years
from ..model import Instrument, KnowledgeBase
from . import Page, all_pages, page_url

TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class SiteOptions:
    headline: tuple[str, ...] = ()  # instrument ids for the home page's table of the seed instruments
    edit_base: str = ""  # e.g. https://example.org/repo/edit/main/ ; empty: link the published YAML
    site_name: str = "Privacy Law Compared"
    site_url: str = ""  # MkDocs' site_url, for the absolute addresses in reference-manager metadata
    edition: str = ""
    first_gap_year: int = 2012  # the year-by-year gap pages start here (the 2012 Decision)
    static_rows: int = 60  # rows a matrix page holds at most; the rest load from rows.json beside it
    static_rows_bytes: int = 90_000  # ... and at most this much HTML of rows


@lru_cache(maxsize=65536)
def relative(from_page: str, target: str) -> str:
    """Relative link from the page built from ``from_page`` to site path ``target``."""
    base = page_url(from_page) or "."
    anchor = ""
    if "#" in target:
        target, anchor = target.split("#", 1)
        anchor = "#" + anchor
    if base != "." and target.startswith(base):  # the page's own folder (its anchors, its rows.json)
        return (target[len(base):] or "./") + anchor
    rel = posixpath.relpath(target or ".", base.rstrip("/") or ".")
    if target.endswith("/") and not rel.endswith("/"):
        rel += "/"
    return rel + anchor


def environment() -> Environment:
    """The templates' environment; one per process, so `make serve` compiles each template once."""
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=True, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


_HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)<a class="headerlink"', re.DOTALL)


def toc_tokens(page_html: str) -> list[dict]:
    """The page's headings as nested tokens, the shape Python-Markdown's toc extension gives."""
    root: list[dict] = []
    stack: list[dict] = []
    for level, anchor, title in _HEADING.findall(page_html):
        token = {"level": int(level), "id": anchor, "name": title, "children": []}
        while stack and stack[-1]["level"] >= token["level"]:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


def heading_slug(title: str) -> str:
    """A page title's anchor, made as Python-Markdown made it when these pages were Markdown (from
    the HTML-escaped title: "People's" gives "peoples39s"), so that published anchors stay."""
    return slugify(str(escape(title)), "-")


class Site:
    """The knowledge base with everything needed to render its pages, for one build."""

    def __init__(self, kb: KnowledgeBase, options: SiteOptions, env: Environment | None = None):
        if not options.edition:
            options = replace(options, edition=kb.edition)
        self.kb = kb
        self.options = options
        self.citer = Citer(kb, options.edition)
        self.rows: dict[str, bytes] = {}  # rows.json of each matrix page, filled in as it renders
        self.env = env or environment()
        self.globals = {
            "kb": kb, "options": options, "answer_term": kb.answer, "cite": self.citer.cite,
            "cite_page": self.citer.page, "STYLES": STYLES, "romanize": romanize,
            "answer_rank": self.answer_rank, "edit_url": self.edit_url, "slug": heading_slug, "zip": zip,
            "in_force_on": in_force_on, "counted_on": counted_on, "not_counted_because": not_counted_because, "caveats_on": caveats_on,
        }
        # The year pages, the gap history, the home page and the jurisdiction pages ask for the same days.
        self.gaps = GapViews(kb, options.edition or kb.edition)
        self.claims = ClaimCheck(kb, self.gaps)
        self.globals.update(gaps=self.gaps, perspectives=self.gaps.perspectives, states=kb.vocabularies["gap_state"].terms,
                            top_jurisdictions=[j for j in kb.jurisdictions.values() if not j.parent],
                            inner_jurisdictions=[j for j in kb.jurisdictions.values() if j.parent])
        self._rank = {term: n for n, term in enumerate(reversed(kb.vocabularies["answer"].terms))}

    def pages(self) -> list[Page]:
        return all_pages(self)

    def headline(self) -> list[Instrument]:
        """The instruments of the home page's table (the three that started the project)."""
        return [self.kb.instrument(i) for i in self.options.headline] or self.kb.instruments[:3]

    def years(self) -> list[int]:
        """The years of the gap views: from the first one to the edition's."""
        return years(self.options.first_gap_year, self.options.edition or self.kb.edition)

    # --- rendering -----------------------------------------------------------------------
    def links(self, path: str) -> dict:
        """Link helpers for templates, relative to the page being rendered."""
        return {
            "link": lambda target: relative(path, target),
            "cite_link": lambda instrument, provision: relative(path, f"instruments/{instrument.id}/#{provision.id}"),
        }

    def render(self, page: Page) -> str:
        template = self.env.get_template(page.template)
        # A context value may be a function: what only this page needs is computed when it renders.
        context = {key: value() if callable(value) else value for key, value in page.context.items()}
        return template.render(**self.globals, **self.links(page.path), page=page, site=self, **context)

    def fragment(self, name: str, path: str) -> str | None:
        """A piece of generated HTML for a hand-written page (marker line ``<!-- kb:NAME -->``)."""
        template = f"fragment_{name.replace('-', '_')}.html.j2"
        if template not in self.env.list_templates():
            return None
        return self.env.get_template(template).render(**self.globals, **self.links(path), site=self)

    def fragment_names(self) -> list[str]:
        return sorted(t[len("fragment_"):-len(".html.j2")].replace("_", "-") for t in self.env.list_templates()
                      if t.startswith("fragment_"))

    def matrix(self, page: Page, row: str, instruments: list[Instrument], limit: int | None = None,
               budget: int | None = None, **arguments) -> dict:
        """Rows of a sortable table: the first ones in the page, the rest in rows.json beside it.

        Keeps pages light however many instruments there are (a few hundred rows of cells with
        citations would be megabytes); the table script appends the rest, and every row is also
        in the CSV and JSON downloads. The page must declare ``matrix=True``, so that its
        rows.json is among the site's files before anything is rendered.
        """
        if not page.matrix:
            raise RuntimeError(f"{page.path} renders a matrix but does not declare matrix=True")
        module = self.env.get_template("_rows.html.j2").make_module(vars={**self.globals, **self.links(page.path)})
        macro = getattr(module, row)
        order = {code: n for n, code in enumerate(self.kb.jurisdictions)}
        rendered, previous = [], None
        for instrument in instruments:
            group = order[instrument.jurisdiction.code]
            rendered.append(str(macro(instrument, group=group, first=group != previous, **arguments)).strip())
            previous = group
        # Hold rows in the page up to a byte budget (pages stay well under 150 KB), at least a few.
        limit = limit or self.options.static_rows
        budget, used = budget or self.options.static_rows_bytes, 0
        for n, row_html in enumerate(rendered[:limit]):
            used += len(row_html.encode("utf-8"))
            if used > budget and n >= 10:
                limit = n
                break
        rows_url = ""
        if len(rendered) > limit:
            self.rows[page.rows_path] = json.dumps(rendered[limit:], ensure_ascii=False).encode("utf-8")
            rows_url = "rows.json"
        return {"rows": Markup("\n".join(rendered[:limit])), "total": len(rendered),
                "shown": min(limit, len(rendered)), "rows_url": rows_url}

    # --- helpers -------------------------------------------------------------------------
    def answer_rank(self, answer: str) -> int:
        """Sort order of answers in sortable tables: the vocabulary's order, first term highest."""
        return self._rank.get(answer, 0)

    def edit_url(self, instrument: Instrument, path: str) -> str:
        if self.options.edit_base:
            return self.options.edit_base + f"data/instruments/{instrument.id}.yaml"
        return relative(path, f"records/instruments/{instrument.id}.yaml")

