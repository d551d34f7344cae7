"""Render the knowledge base into site pages (Markdown with HTML blocks) and fragments.

This module knows nothing of MkDocs: it returns {path: text} for generated pages and
{name: text} for fragments that hand-written pages include with a marker line
``<!-- kb:NAME -->``. Any static-site generator that turns Markdown into pages can host it.

Text from the records is escaped twice over: autoescaping makes it inert HTML, and the
``md`` filter additionally backslash-escapes Markdown syntax where text lands in a Markdown
heading, so a contributor's ``<script>`` or ``[link](javascript:...)`` shows as typed.
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache, partial
from pathlib import Path

from jinja2 import BaseLoader, BytecodeCache, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import metadata, views
from .export import FINDING_COLUMNS, INSTRUMENT_COLUMNS
from .timeline import timeline_svg
from .citations import STYLES, Citer, romanize
from .model import Instrument, KnowledgeBase
from .problems import RULES
from .reference import fields
from .schema import filled_schemas

TEMPLATES = Path(__file__).parent / "templates"

# Sort order of answers in sortable tables: the protective answer first when sorted descending.
ANSWER_RANK = {"yes": 4, "partial": 3, "not-applicable": 2, "no": 1, "not-addressed": 0}

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|])")


def md(text) -> Markup:
    """Escape text for a Markdown heading or paragraph: HTML first, then Markdown syntax."""
    return Markup(_MD_SPECIAL.sub(r"\\\1", str(escape(str(text)))))


def heading_id(anchor: str) -> Markup:
    """The attr_list suffix that pins a Markdown heading's anchor: {#art-11}.

    Anchors come from validated ids (lowercase letters, digits, hyphens), so they are safe here.
    """
    if not re.fullmatch(r"[a-z][a-z0-9-]*", anchor):
        raise ValueError(f"not a valid anchor: {anchor!r}")
    return Markup("{#" + anchor + "}")


class CompiledTemplates(BytecodeCache):
    """Compiled templates kept in memory between builds of one process.

    `make serve` rebuilds everything after each edit; compiling the same templates again was a
    fifth of that time. Entries are keyed by the template's source checksum, so an edited
    template is compiled afresh.
    """

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED = CompiledTemplates()


@dataclass(frozen=True)
class SiteOptions:
    headline: tuple[str, ...] = ()  # instrument ids for the home-page table; empty means all
    edit_base: str = ""  # e.g. https://example.org/repo/edit/main/ ; empty: link the published YAML
    site_name: str = "Privacy Law Compared"
    edition: str = ""
    first_gap_year: int = 2012  # the year-by-year gap pages start here (the 2012 Decision)
    static_rows: int = 60  # rows a matrix page holds at most; the rest load from a JSON file beside it
    static_rows_bytes: int = 90_000  # ... and at most this much HTML of rows


# Chunks (between blank lines) that open with one of these tags are raw HTML to Markdown.
_HTML_BLOCK = re.compile(r"<(?:div|dl|table|details|section|figure|ul|ol|p|blockquote|nav|form|svg|noscript|script|template|h[1-6])[\s>]")
_STASHED = re.compile(r"<!--kb-html-(\d+)-->")


def stash_html_blocks(markdown: str) -> tuple[str, list[str]]:
    """Replace the page's raw HTML blocks with short placeholders; ``unstash`` puts them back.

    Generated pages are mostly HTML that Markdown would only copy through, but Python-Markdown
    parses every such block (and MkDocs walks it) first: at 1,000 instruments that was over half
    of the build. The headings stay Markdown, so the table of contents and anchors are as before.
    Record text is escaped before it gets here, so it can never spell a placeholder.
    """
    if "```" in markdown or "~~~" in markdown:  # a fence could hold HTML that must stay literal
        return markdown, []
    blocks: list[str] = []
    chunks = markdown.split("\n\n")
    for n, chunk in enumerate(chunks):
        if _HTML_BLOCK.match(chunk):
            chunks[n] = f"<!--kb-html-{len(blocks)}-->"
            blocks.append(chunk)
    return "\n\n".join(chunks), blocks


def unstash_html_blocks(html: str, blocks: list[str]) -> str:
    return _STASHED.sub(lambda match: blocks[int(match.group(1))], html) if blocks else html


# Elements marked for leaving out of the search index. Templates only put the mark on elements
# that hold no element of their own kind, so the first closing tag of its kind ends the element.
_SEARCH_MARK = "data-search-exclude"
_MARKABLE = re.compile(r"<(details|div|dl|p|span)\b")


def searchable(html: str) -> str:
    """The page without what the search index leaves out anyway (citations, provenance).

    The search plugin parses every page in full before it skips these parts; handing it only
    what it keeps gives the same index for a fraction of the parsing. (A loop over the marks
    rather than one regular expression: this runs on every page, and a pattern has to try
    every tag of the page.)
    """
    kept, done = [], 0
    mark = html.find(_SEARCH_MARK)
    while mark >= 0:
        start = html.rfind("<", 0, mark)  # the tag holding the mark (record text has no raw "<")
        tag = _MARKABLE.match(html, start) if start >= done and html[mark - 1].isspace() else None
        inside = tag is not None and html.find(">", start, mark) < 0  # an attribute, not text
        end = html.find(f"</{tag.group(1)}>", mark) if inside else -1
        if end < 0:  # text that names the mark, another tag, or inside an element already dropped
            mark = html.find(_SEARCH_MARK, mark + 1)
            continue
        kept.append(html[done:start])
        done = end + len(tag.group(1)) + 3
        mark = html.find(_SEARCH_MARK, done)
    return "".join(kept) + html[done:] if kept else html


def without_search_marks(html: str) -> str:
    return html.replace(" data-search-exclude", "")


_INDENT = re.compile(r"\n[ \t\n]+")
# A line holding only a control tag: a condition, a loop, a set, a block's start or end, a comment.
_SILENT_TAG_LINE = re.compile(
    r"^(\{%-?\s*(?:if|elif|else|endif|for|endfor|set|endset|import|from|macro|endmacro|with|endwith|block|endblock)\b[^\n]*?%\}"
    r"|\{#[^\n]*?#\})\n", re.MULTILINE)


class UnindentedLoader(BaseLoader):
    """Serves a theme's templates with the indentation and blank lines taken off their source.

    The theme indents its HTML for people who read templates, and every page carried that
    indentation (about 8 % of its bytes). Taking it off the template source once is free for
    every page after; cleaning each finished page cost a quarter of a second per 1,000 pages.
    A line that holds only a control tag (if, for, set, block...) loses its line break too, so
    that it leaves no empty line; the line break before it stays, so no two words run together.
    Include tags, which put in text of their own, keep theirs. Templates with <pre> or
    <textarea>, where spaces show, are served as they are.
    """

    def __init__(self, inner: BaseLoader):
        self.inner = inner

    def get_source(self, environment, template):
        source, filename, uptodate = self.inner.get_source(environment, template)
        if "<pre" in source or "<textarea" in source:
            return source, filename, uptodate
        return _SILENT_TAG_LINE.sub(r"\1", _INDENT.sub("\n", source)), filename, uptodate

    def list_templates(self):
        return self.inner.list_templates()


def page_url(path: str) -> str:
    """'instruments/x.md' -> 'instruments/x/' (directory URLs), 'index.md' -> ''."""
    if path.endswith("index.md"):
        return path[: -len("index.md")]
    return path[: -len(".md")] + "/"


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
    if rel == "./":
        rel = "./"
    return rel + anchor


class Renderer:
    def __init__(self, kb: KnowledgeBase, options: SiteOptions):
        self.kb = kb
        self.options = options
        self.env = Environment(
            loader=FileSystemLoader(str(TEMPLATES)),
            autoescape=True,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            bytecode_cache=COMPILED,
        )
        self.env.filters["md"] = md
        self.citer = Citer(kb, options.edition)
        self._by_id = {i.id: i for i in kb.instruments}
        self.assets: dict[str, bytes] = {}  # files pages need beside them (rows of big matrices)
        # The year views, the gap history and the jurisdiction pages ask for the same years.
        self.as_of = lru_cache(maxsize=None)(partial(views.as_of, kb))
        self.env.globals.update(
            kb=kb, options=options, answer_term=kb.answer, page_url_of=self.instrument_path,
            instrument_columns=INSTRUMENT_COLUMNS, finding_columns=FINDING_COLUMNS, hid=heading_id,
            cite=self.citer.cite, cite_page=self.citer.page, STYLES=STYLES,
            answer_rank=lambda answer: ANSWER_RANK.get(answer, 0), romanize=romanize,
        )

    # --- links ---------------------------------------------------------------------------
    @staticmethod
    def instrument_path(instrument: Instrument) -> str:
        return f"instruments/{instrument.id}/"

    @staticmethod
    def _links(page: str) -> dict:
        """Link helpers for templates, relative to the page being rendered."""
        return {
            "page": page,
            "link": lambda target: relative(page, target),
            "cite_link": lambda instrument, provision: relative(page, f"instruments/{instrument.id}/#{provision.id}"),
        }

    def _render(self, template: str, page: str, **context) -> str:
        return self.env.get_template(template).render(**self._links(page), **context)

    def matrix(self, page: str, row: str, instruments: list[Instrument], limit: int | None = None,
               budget: int | None = None, **arguments) -> dict:
        """Rows of a sortable matrix: the first ones in the page, the rest in rows.json beside it.

        Keeps pages light however many instruments there are (a few hundred rows of cells with
        citations would be megabytes); the table script appends the rest, and every row is also
        in the CSV and JSON downloads.
        """
        module = self.env.get_template("_rows.j2").make_module(vars=self._links(page))
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
        for n, html in enumerate(rendered[:limit]):
            used += len(html.encode("utf-8"))
            if used > budget and n >= 10:
                limit = n
                break
        rows_url, rows_path = "", f"{page_url(page)}rows.json"
        if rows_path not in self._rows_paths():  # its rows.json would never be published
            raise RuntimeError(f"matrix page {page} is missing from Renderer._rows_paths")
        if len(rendered) > limit:
            self.assets[rows_path] = json.dumps(rendered[limit:], ensure_ascii=False).encode("utf-8")
            rows_url = "rows.json"
        return {"rows": Markup("\n".join(rendered[:limit])), "total": len(rendered),
                "shown": min(limit, len(rendered)), "rows_url": rows_url}

    # --- pages ---------------------------------------------------------------------------
    def pages(self) -> dict[str, str]:
        """Every generated page, rendered, in site order."""
        return {path: render() for path, render in self.page_plan().items()}

    def page_plan(self) -> dict[str, Callable[[], str]]:
        """Every generated page in site order, as path -> how to render it (nothing rendered yet).

        The paths are known before any page is rendered, so a build can announce every file at
        once and render them elsewhere (kb.parallel); rendered in this order, the matrix pages
        leave their rows in ``self.assets`` before ``rows_plan`` is asked for them.
        """
        kb = self.kb
        plan: dict[str, Callable[[], str]] = {}
        # The many quick pages first, the few slow ones (the big tables) after them: a helper
        # rendering in this order stays ahead of MkDocs reading in this order.
        for instrument in kb.instruments:
            page = f"instruments/{instrument.id}.md"
            plan[page] = partial(self._render, "instrument.md.j2", page, i=instrument,
                                 edit_url=self.edit_url(instrument, page))
        plan["instruments/index.md"] = lambda: self._render(
            "instruments_index.md.j2", "instruments/index.md",
            matrix=self.matrix("instruments/index.md", "index_row", kb.instruments))
        for dimension in kb.dimensions:
            page = f"compare/{dimension.id}.md"
            plan[page] = lambda page=page, dimension=dimension: self._render(
                "compare.md.j2", page, dimension=dimension,
                matrix=self.matrix(page, "compare_row", kb.instruments, dimension=dimension))
        default = [kb.instrument(i) for i in self.options.headline] or kb.instruments[:3]
        plan["compare/index.md"] = partial(self._render, "compare_index.md.j2", "compare/index.md", default=default,
                                           default_ids=[i.id for i in default], chooser_limit=80)
        all_years = views.years(self.options.first_gap_year, self.options.edition or "2026-12-31")
        plan["gaps/index.md"] = lambda: self._render(
            "gaps.md.j2", "gaps/index.md", history=self.gap_history(all_years), all_years=all_years,
            matrix=self.matrix("gaps/index.md", "gaps_row", kb.instruments, budget=40_000))
        for year in all_years:
            page = f"gaps/{year}.md"
            plan[page] = lambda page=page, year=year: self._render("gaps_year.md.j2", page, year=year,
                                                                   all_years=all_years, views=self.year_view(year))
        plan["timeline/index.md"] = lambda: self._render(
            "timeline.md.j2", "timeline/index.md",
            svg=timeline_svg(kb, self.options.edition, relative_to="timeline/index.md"), list_limit=300)
        for jurisdiction in kb.jurisdictions.values():
            page = f"jurisdictions/{jurisdiction.slug}.md"
            own = [i for i in kb.instruments if i.jurisdiction.code == jurisdiction.code]
            plan[page] = lambda page=page, j=jurisdiction, own=own: self._render(
                "jurisdiction.md.j2", page, j=j, own=own, matrix=self.matrix(page, "index_row", own),
                today=self.as_of(j, f"{all_years[-1]}-12-31"), latest_year=all_years[-1])
        plan["bodies/index.md"] = partial(self._render, "bodies_index.md.j2", "bodies/index.md")
        for body in kb.bodies:
            page = f"bodies/{body.id}.md"
            plan[page] = partial(self._render, "body.md.j2", page, body=body)
        plan["downloads/index.md"] = partial(self._render, "downloads.md.j2", "downloads/index.md")
        plan["reference/index.md"] = lambda: self._render("reference.md.j2", "reference/index.md",
                                                          tables=self.reference_tables())
        return plan

    def rows_plan(self) -> dict[str, Callable[[], bytes]]:
        """The rows.json beside every matrix page (an empty list when every row fits the page).

        Always present, so its address is known before the page is rendered; ask for it after
        the pages (``page_plan`` order).
        """
        return {path: partial(self._rows, path) for path in self._rows_paths()}

    def _rows_paths(self) -> list[str]:
        """Where the matrix pages keep their rows; ``matrix`` refuses a page not listed here."""
        pages = ["instruments/index.md", *(f"compare/{d.id}.md" for d in self.kb.dimensions), "gaps/index.md",
                 *(f"jurisdictions/{j.slug}.md" for j in self.kb.jurisdictions.values())]
        return [f"{page_url(page)}rows.json" for page in pages]

    def _rows(self, path: str) -> bytes:
        return self.assets.get(path, b"[]")

    def fragments(self, page: str) -> dict[str, str]:
        """Fragments for hand-written pages, rendered with links relative to ``page``."""
        headline = [self.kb.instrument(i) for i in self.options.headline] or self.kb.instruments
        return {
            "headline": self._render("fragment_headline.md.j2", page, instruments=headline),
            "framework": self._render("fragment_framework.md.j2", page),
            "answer-scale": self._render("fragment_answer_scale.md.j2", page),
            "stats": self._render("fragment_stats.md.j2", page),
            "rule-codes": self._render("fragment_rule_codes.md.j2", page, rules=list(RULES.values())),
        }

    def head(self, page: str, site_url: str = "") -> str:
        """Reference-manager and search-engine metadata for an instrument page's <head>."""
        match = re.fullmatch(r"instruments/([a-z0-9-]+)\.md", page)
        if not match or match.group(1) not in self._by_id:
            return ""
        return metadata.head_tags(self._by_id[match.group(1)], site_url, self.options.site_name)

    def edit_url(self, instrument: Instrument, page: str) -> str:
        if self.options.edit_base:
            return self.options.edit_base + f"data/instruments/{instrument.id}.yaml"
        return relative(page, f"records/instruments/{instrument.id}.yaml")

    def reference_tables(self):
        terms = {name: list(v.terms) for name, v in self.kb.vocabularies.items()}
        terms["jurisdiction"] = list(self.kb.jurisdictions)
        schemas = filled_schemas(terms)
        return [
            ("Instrument records (data/instruments/<id>.yaml)", "instrument", fields("instrument", schemas)),
            ("Body records (data/bodies/<id>.yaml)", "body", fields("body", schemas)),
            ("The framework (data/framework.yaml)", "framework", fields("framework", schemas)),
        ]

    # --- views ---------------------------------------------------------------------------
    def gap_history(self, all_years: list[int]) -> list[dict]:
        history = []
        for jurisdiction in self.kb.jurisdictions.values():
            by_year = [self.as_of(jurisdiction, f"{y}-12-31") for y in all_years]
            rows = [
                {"question": q, "states": [year[n].state for year in by_year], "today": by_year[-1][n]}
                for n, q in enumerate(self.kb.questions)
            ]
            history.append({
                "jurisdiction": jurisdiction,
                "rows": rows,
                "changes": views.changes(self.as_of, jurisdiction, all_years[0], all_years[-1]),
            })
        return history

    def year_view(self, year: int) -> list[dict]:
        day = f"{year}-12-31"
        return [
            {"jurisdiction": j, "answers": self.as_of(j, day),
             "in_force": [i for i in views.members(self.kb, j) if views.in_force_on(i, day)]}
            for j in self.kb.jurisdictions.values()
        ]
