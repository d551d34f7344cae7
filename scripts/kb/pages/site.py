"""What every page template may use: the knowledge base, the site's options, links and tables.

Templates emit HTML directly (no Markdown runs over generated pages). Text from the records is
autoescaped, so a contributor's ``<script>`` shows as typed; headings come from the ``heading``
macro, which gives each its anchor and permalink, and the plugin reads them back for the table
of contents (``toc_tokens``).
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markdown.extensions.toc import slugify
from markupsafe import Markup, escape

from ..citations import STYLES, Citer, romanize
from ..claims import ClaimCheck
from ..gaps import GapViews, caveats_on, counted_on, in_force_on, not_counted_because, years
from ..model import Instrument, KnowledgeBase
from . import Page, all_pages, page_url
from .lang import zh_runs

TEMPLATES = Path(__file__).parent / "templates"


class _KeptParts:
    """Page parts kept from one build to the next in this process (`make serve` keeps its worker
    for all its builds), by everything they are made from. What the last build and this one used
    is kept; the rest is dropped when the next build starts."""

    def __init__(self):
        self.last: dict[tuple, Markup] = {}
        self.now: dict[tuple, Markup] = {}

    def start(self) -> None:
        self.last, self.now = (self.now or self.last), {}

    def get_or_make(self, key: tuple | None, make: Callable[[], str]) -> str:
        """The part kept under ``key``, or ``make()``'s, kept (``key`` None: made, not kept)."""
        if key is None:
            return make()
        part = self.now.get(key) or self.last.get(key)
        if part is None:
            part = make()
        self.now[key] = part
        return part


_KEPT = _KeptParts()


def _templates_digest() -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(TEMPLATES.rglob("*")):
        if path.is_file():
            h.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.digest()


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


def label_on(instrument: Instrument, provision, day: str) -> str:
    """How a provision is cited on ``day``: by the number the text in force gives it, with the
    coded text's number beside it where an amendment renumbered it (anchors keep the old id)."""
    now = instrument.label_on(provision, day)
    if now.en == provision.label.en:
        return provision.label.en
    return f"{now.en} ({provision.label.en} of the {instrument.coded.name.en})"


def when(iso: str) -> str:
    """1 January 2026: how pages write a day in prose."""
    from ..citations import date_oscola
    return date_oscola(iso)


def version_lines(instrument: Instrument, provision, day: str) -> list[str]:
    """What each amendment after the coded wording did to the provision, for its heading on the
    instrument page: "Art. 43 since 1 January 2026 (words not verified)"; an amendment the record
    says nothing about for this provision is said to be unverified, never guessed."""
    lines = []
    for version in instrument.later_versions():
        amendment, change = version.amendment, provision.version_of(version.amendment.date)
        # the day the amended text applied, where the record gives it (else only the amendment's day)
        if amendment.effective:
            since = ("in force since " if version.effective <= day else "in force from ") + when(version.effective)
        else:
            since = f"amended on {when(amendment.date)}"
        if change is None:
            lines.append(f"its number and words in the {version.name.en} ({since}) are not verified")
        elif change.wording.id == "repealed":
            lines.append(f"repealed by the amendment of {when(amendment.date)}")
        else:
            new = instrument.label_on(provision, version.effective)
            words = change.wording.label.en.lower()
            if new.en != provision.label.en:
                lines.append(f"{new.en}{' · ' + new.zh if new.zh else ''} in the {version.name.en}, {since} ({words})")
            else:
                lines.append(f"same number in the {version.name.en}, {since} ({words})")
    return lines


def citation_list(citer: Citer, instrument: Instrument, provision=None, prefix: str = "cite") -> Markup:
    """The ready-made citations of an instrument or provision in every style, each with its copy
    button. Built here rather than in a template macro: an instrument page has one list per
    paragraph and item, and at a thousand instruments the macro calls were a fifth of the build."""
    forms = citer.cite(instrument, provision)
    rows = []
    for style, name in STYLES.items():
        chinese = style == "gbt7714" and instrument.language == "zh"
        text = f' lang="zh-Hans">{escape(forms[style])}' if chinese else f">{zh_runs(forms[style])}"
        rows.append(f'<dt>{escape(name)}</dt>\n<dd><span class="kb-citation" id="{escape(prefix)}-{style}"{text}</span> '
                    f'<button type="button" class="kb-copy" data-copy="{escape(prefix)}-{style}" '
                    f'aria-label="Copy the {escape(name)} citation">Copy</button></dd>')
    return Markup('<dl class="kb-citations">\n' + "\n".join(rows) + "\n</dl>")


def quoted_from(instrument: Instrument, provision):
    """The source the original words were read in: the provision's own, else the record's first
    text copy in the instrument's language, else its official text."""
    whole = provision.whole
    if whole.source:
        return next(s for s in instrument.sources if s.url == whole.source)
    copies = [s for s in instrument.sources if s.role == "text-copy" and s.lang == instrument.language]
    return (copies or instrument.official_sources)[0]


def gap_row_key(state, limit: int) -> tuple:
    """What a row of a year's gap table shows (gaps_year.html.j2), as a key for Site.remembered:
    the state and, for the grounds it lists, the instrument, addressee, answer and the provisions
    under the numbers they had that day."""
    def ground(g):
        return (g.instrument.id, g.addressee.id, g.national_only.code if g.national_only else None, g.answer.answer,
                tuple((p.id, label_on(g.instrument, p, state.day)) for p in g.cite))

    return ("gap-row", state.jurisdiction.code, state.perspective.id, state.question.id, state.state, bool(state.caveats),
            tuple(ground(g) for g in state.grounds[:limit]), len(state.grounds),
            tuple((j.code, ground(g)) for j, g in state.elsewhere[:limit]), len(state.elsewhere))


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
            "label_on": label_on, "version_lines": lambda i, p: version_lines(i, p, self.citer.day), "quoted_from": quoted_from, "when": when,
            "zh_runs": zh_runs, "cite_finding": self.citer.finding,
            "citation_list": lambda i, p=None, prefix="cite": citation_list(self.citer, i, p, prefix), "in_force_on": in_force_on, "counted_on": counted_on, "not_counted_because": not_counted_because, "caveats_on": caveats_on,
        }
        # The year pages, the gap history, the home page and the jurisdiction pages ask for the same days.
        self.gaps = GapViews(kb, options.edition or kb.edition)
        self.claims = ClaimCheck(kb, self.gaps)
        self.globals.update(gaps=self.gaps, perspectives=self.gaps.perspectives, states=kb.vocabularies["gap_state"].terms,
                            top_jurisdictions=[j for j in kb.jurisdictions.values() if not j.parent],
                            inner_jurisdictions=[j for j in kb.jurisdictions.values() if j.parent])
        self._rank = {term: n for n, term in enumerate(reversed(kb.vocabularies["answer"].terms))}
        self._remembered: dict[tuple, Markup] = {}
        self.globals.update(remembered=self.remembered, gap_row_key=gap_row_key)
        _KEPT.start()
        # What every kept part is made from besides its own records (None: keep nothing, the data
        # was not read from files, as in a test's hand-made model).
        shared = kb.fingerprints.get("")
        self._made_from = (shared, _templates_digest(), repr(self.options)) if shared is not None else None

    def remembered(self, *key, caller) -> Markup:
        """``{% call remembered(key...) %}...{% endcall %}``: the block's HTML, rendered once per
        build for each key. The key must hold everything the block shows (the seventeen year
        pages repeat most of their rows from one year to the next)."""
        if key not in self._remembered:
            self._remembered[key] = Markup(caller())
        return self._remembered[key]

    def across_builds(self, *key, records: list[Instrument], caller) -> Markup:
        """``{% call site.across_builds(key..., records=...) %}...{% endcall %}``: the block's HTML,
        kept from the last build if it is made from the same: the key (the page and the part of
        it), these instruments' files, the data folder's other files, the templates and the
        options. The block must show nothing of any other instrument: a year page's section on a
        jurisdiction is made from the instruments in force there and in the states inside it."""
        full = None if self._made_from is None else (
            *key, *self._made_from, tuple(sorted(self.kb.fingerprints[i.id] for i in records)))
        return Markup(_KEPT.get_or_make(full, caller))

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
        # A row is made from its instrument alone: kept from the last build while its file is unchanged.
        key = None if self._made_from is None else ("row", page.path, row, *self._made_from,
                                                     tuple((k, getattr(v, "id", v)) for k, v in sorted(arguments.items())))
        def render_row(instrument, group, first) -> str:
            return str(macro(instrument, group=group, first=first, **arguments)).strip()

        rendered, previous = [], None
        for instrument in instruments:
            group = order[instrument.jurisdiction.code]
            first = group != previous
            row_key = key and (*key, group, first, self.kb.fingerprints[instrument.id])
            rendered.append(_KEPT.get_or_make(row_key, partial(render_row, instrument, group, first)))
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

