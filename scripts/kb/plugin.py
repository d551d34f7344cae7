"""The MkDocs plugin: hands the knowledge base's pages and files to MkDocs. The only module that
imports MkDocs; moving to another static-site generator means replacing this file.

Registered as ``kb`` through the ``mkdocs.plugins`` entry point (pyproject.toml). One path for
``mkdocs build``, ``kb build`` and ``mkdocs serve``:

- on_startup: start the worker process that renders our pages and files (kb.rendering), before
  `mkdocs serve` starts any thread; it lives as long as the command;
- on_config: read and check the data folder (or take the model `kb build` has checked), list
  every page from the registry (kb.pages), set the navigation from it, and have the worker read
  the data too;
- on_files: add every generated page, rows.json, download and redirect to MkDocs' files (so any
  page may link any of them), and have the worker render them in the order MkDocs reads them;
- on_page_markdown: generated pages skip Markdown (their title and front matter come from the
  registry); hand-written pages get their ``<!-- kb:NAME -->`` lines filled in;
- on_page_context: a generated page's HTML and table of contents, from the worker; the parts
  marked for leaving out of the search index become elements Pagefind ignores;
- on_post_build: the worker has written the downloads into the site; the rows.json files too;
  then Pagefind indexes the built site (kb.plugin.search_index), under `mkdocs serve` as well;
- on_env: keep the theme's compiled templates between `serve` rebuilds;
- on_post_page: reference-manager metadata in the <head> of instrument pages.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import multiprocessing
import os
import re
import signal
import subprocess
import threading
import time
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from functools import partial
from pathlib import Path

from jinja2 import BytecodeCache
from markupsafe import escape
from mkdocs import exceptions
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import config_options as c
from mkdocs.config import load_config
from mkdocs.config.base import Config
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.toc import get_toc

from . import exports, rendering
from .load import load_unchanged
from .load.problems import DataError
from .manifest import redirect_page, redirects
from .model import KnowledgeBase
from .pages import navigation
from .pages.site import Site, SiteOptions, environment, toc_tokens

log = logging.getLogger("mkdocs.plugins.kb")

MARKER = re.compile(r"^<!-- kb:([a-z-]+) -->$", re.MULTILINE)
# Parts of a page the search index leaves out (citations, provenance, copy buttons): the templates
# put them between these comments, which no record text can contain (it is escaped). The plugin
# turns each pair into a <div> that Pagefind skips with everything inside it; the reader sees the
# same page. (The marks only ever enclose whole blocks: paragraphs, <details>, a <div>.)
SKIP_START, SKIP_END = "<!--search-exclude-->", "<!--/search-exclude-->"
IGNORED_START = '<div class="kb-search-exclude" data-pagefind-ignore="all">'
IGNORED_END = "</div><!--kb-search-exclude-end-->"


class KnowledgeBaseConfig(Config):
    data_folder = c.Type(str, default="data")  # relative to mkdocs.yml (not "data": Config keeps its own .data)
    headline = c.ListOfItems(c.Type(str), default=[])  # the home page's seed instruments
    edit_base = c.Type(str, default="")  # "Edit this record" goes to edit_base + data/instruments/<id>.yaml


class CompiledTemplates(BytecodeCache):
    """Compiled theme templates kept between the builds of one `make serve`.

    Compiling Material's templates again after every edit was a fifth of a rebuild. Entries are
    keyed by the template's source checksum, so an edited template is compiled afresh.
    """

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket):
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket):
        self._code[bucket.key] = bucket.bytecode_to_string()


class _WrittenByThePlugin(File):
    """A file of the site that the worker (or the plugin) writes into the site folder itself:
    MkDocs lists it like any other, so pages may link it, but has nothing to copy."""

    def copy_file(self, dirty: bool = False) -> None:
        pass

    def is_modified(self) -> bool:
        return True


class _GeneratedPage(File):
    """A generated page. In a dirty build (`make serve`) MkDocs builds only the pages that say
    they are modified: this one is, unless its inputs are those of the last build (see
    KnowledgeBasePlugin.page_keys) and its HTML is still in the site."""

    unchanged = False

    def is_modified(self) -> bool:
        return not (self.unchanged and os.path.isfile(self.abs_dest_path))


class _DirtyBuildNotice(logging.Filter):
    """MkDocs warns that a dirty build may leave navigation and links stale. Here it does not:
    the navigation lists the sections only (the same whatever the data), and this plugin decides
    which pages a dirty build renders (every page whose inputs changed, and every page made from
    the whole knowledge base). The warning would otherwise stop `make serve` in strict mode."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith("A 'dirty' build is being performed")


def _downloads_and_search(plan: dict, site_dir: Path, cancelled: threading.Event | None = None) -> None:
    """The downloads and the search index of a `make serve` build, after its pages. A new edit
    stops this (in a thread: between two files; the next build writes them all again)."""
    try:
        exports.write(plan, site_dir, cancelled=cancelled)
        if cancelled is None or not cancelled.is_set():
            search_index(site_dir, cancelled=cancelled)
    except Exception as err:  # noqa: BLE001 (the pages are served: say what failed; the next edit tries again)
        log.warning("kb: writing the downloads or the search index failed: %s: %s", type(err).__name__, err)


def _downloads_and_search_apart(plan: dict, site_dir: Path) -> None:
    """_downloads_and_search in a forked process of its own process group (so that stopping the
    group stops Pagefind too)."""
    with contextlib.suppress(OSError):
        os.setpgid(0, 0)
    _downloads_and_search(plan, site_dir)
    # Leave without flushing the streams this process shares with mkdocs serve (a lock another
    # thread held when it was forked would stay held here).
    os._exit(0)


def _handwritten_file(page, config) -> Path:
    """Where a hand-written page's text is: docs/<path>, or its own source (CONTRIBUTING.md)."""
    return Path(config.config_file_path).parent / page.source if page.source else Path(config.docs_dir) / page.path


def _still_missing(path: str) -> bool:
    """Whether a page whose inputs have not changed must be written all the same (it is not in the site)."""
    return not os.path.isfile(path)


def _digest(*parts: bytes) -> bytes:
    h = hashlib.blake2b(digest_size=16)
    for part in parts:
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.digest()


TEMPLATE_FOLDERS = (Path(__file__).parent / "pages" / "templates", Path(__file__).parent / "citations" / "templates")


class KnowledgeBasePlugin(BasePlugin[KnowledgeBaseConfig]):
    def __init__(self):
        self.command = "build"
        self.dirty = False  # `mkdocs serve --dirty` (make serve): rebuild only what an edit changed
        self.last_keys: dict[str, bytes] = {}  # page -> its inputs' digest, as of the last build that finished
        self.keys: dict[str, bytes] = {}
        self.last_outputs: set[str] = set()  # what the last build wrote (pages and files), by site path
        self.background: threading.Thread | None = None
        self.cancel = threading.Event()
        self.checked: KnowledgeBase | None = None  # handed over by `kb build`, which has checked it
        self.worker = None  # the executor that renders our pages and files (kb.rendering)
        self.env = environment()
        self.theme_templates = CompiledTemplates()
        self.timings: dict[str, float] = {}  # seconds of our own work, for `make bench`
        self.pending: list[Future] = []
        self.fragments: dict[tuple[str, str], Future] = {}  # (page, marker name) -> its HTML, from the worker

    # --- once per command ------------------------------------------------------------------
    def on_startup(self, *, command, dirty):
        self.command = command
        self.dirty = dirty
        if dirty and not any(isinstance(f, _DirtyBuildNotice) for f in logging.getLogger("mkdocs.commands.build").filters):
            logging.getLogger("mkdocs.commands.build").addFilter(_DirtyBuildNotice())
        rendering.inherited = self.checked  # the worker, forked now, starts with it
        try:
            pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"),
                                       initializer=rendering.watch_parent, initargs=(os.getpid(),))
            pool.submit(int).result()  # fork it now, while this process runs no other thread
            self.worker = pool
        except (ValueError, OSError):  # no fork on this system (or no memory to fork): render here
            self.worker = rendering.InlineExecutor()

    def on_shutdown(self):
        self._finish_background()
        if self.worker is not None:
            self.worker.shutdown(wait=True, cancel_futures=True)
            self.worker = None

    def data_dir(self, config) -> Path:
        return (Path(config.config_file_path).parent / self.config.data_folder).resolve()

    # --- once per build ----------------------------------------------------------------------
    def on_config(self, config):
        self._finish_background()  # the last build's downloads and search index (make serve)
        started = time.perf_counter()
        self.timings = {"page_wait_s": 0.0, "page_events_s": 0.0, "search_s": 0.0}
        if self.worker is None:  # a build without on_startup (MkDocs' API used directly)
            self.worker = rendering.InlineExecutor()
        data_dir = self.data_dir(config)
        checked, self.checked = self.checked, None  # `serve` reads the folder again on the next rebuild
        options = SiteOptions(headline=tuple(self.config.headline), edit_base=self.config.edit_base,
                              site_name=config.site_name, site_url=config.site_url or "")
        # The worker reads the data while this process does (or starts from what `kb build` checked).
        try:
            self.started = self.worker.submit(rendering.start, str(data_dir), options)
        except BrokenProcessPool:  # it died (killed, out of memory): carry on without it
            log.warning("kb: the rendering worker has stopped; rendering in this process from now on")
            self.worker = rendering.InlineExecutor()
            self.started = self.worker.submit(rendering.start, str(data_dir), options)
        if not checked:
            self.site = self.pages = self.plan = None  # the last build's, for the collector to free
            rendering.forget_last_build()
        try:
            kb, self.read = (checked, None) if checked else load_unchanged(data_dir)
            self.compare_reads = checked is None  # `kb build` hands both processes the same checked data
        except DataError as err:
            raise DataProblems(data_dir, err) from None
        self.site = Site(kb, replace(options, edition=kb.edition), env=self.env)
        self.pages = {page.path: page for page in self.site.pages()}
        self.rendered: dict[str, Future] = {}
        self.rows: dict[str, bytes] = {}
        config.nav = navigation(self.pages.values())
        config.extra["kb_edition"] = kb.edition
        rendering.keep_until_next_build()
        self.timings["load_s"] = time.perf_counter() - started
        return config

    def on_files(self, files, *, config):
        started = time.perf_counter()
        try:
            read = self.started.result()  # the worker has read the data and planned the pages
        except DataError:  # the folder changed between our read and the worker's
            raise PluginError("kb: the data folder changed while it was being read; the next build reads it again") from None
        except Exception as err:
            raise PluginError(f"the rendering worker could not start: {type(err).__name__}: {err}") from err
        if self.compare_reads and (read is None or read != self.read):
            raise PluginError("kb: the data folder changed while it was being read; the next build reads it again")
        self.keys = self.page_keys(config) if self.dirty else {}  # only a dirty build compares them
        # The hand-written pages' generated parts first: MkDocs reads those pages before it writes
        # any page, and the worker, which has the gap views, renders them while it does.
        self.fragments = {}
        for page in self.pages.values():
            if not page.generated:
                for name in MARKER.findall(_handwritten_file(page, config).read_text(encoding="utf-8")):
                    if (page.path, name) not in self.fragments:
                        self.fragments[(page.path, name)] = self.worker.submit(rendering.fragment, name, page.path)
        for page in self.pages.values():
            inclusion = InclusionLevel.UNDEFINED if page.nav else InclusionLevel.NOT_IN_NAV
            if page.generated:
                file = _GeneratedPage.generated(config, page.path, content="", inclusion=inclusion)
                key = self.keys.get(page.path)
                file.unchanged = self.dirty and key is not None and self.last_keys.get(page.path) == key
                files.append(file)
                if file.is_modified():
                    self.rendered[page.path] = self.worker.submit(rendering.page, page.path)
                if page.matrix:
                    files.append(_WrittenByThePlugin.generated(config, page.rows_path, content=b""))
            else:
                if page.source:  # e.g. CONTRIBUTING.md at the top of the repository is /contributing/
                    file = File.generated(config, page.path, content=_handwritten_file(page, config).read_text(encoding="utf-8"),
                                          inclusion=inclusion)
                    files.append(file)
                else:
                    file = files.get_file_from_path(page.path)
                    if file is None:
                        raise PluginError(f"the page registry lists {page.path}, which is not in {config.docs_dir}")
                    file.inclusion = inclusion
                if self.dirty:  # rendered again unless its file and what wraps it are as last time (page_keys)
                    key = self.keys.get(page.path)
                    unchanged = key is not None and self.last_keys.get(page.path) == key
                    file.is_modified = partial(_still_missing, file.abs_dest_path) if unchanged else (lambda: True)
        self.timings["pages_rendered"] = len(self.rendered)
        # The downloads: the worker writes them into the site once it has rendered the pages.
        self.plan = exports.files(self.site, self.data_dir(config))  # (how each is made: used by a dirty build)
        for path in self.plan:
            files.append(_WrittenByThePlugin.generated(config, path, content=b""))
        if self.dirty:  # `make serve`: written after the pages, in the background (on_post_build)
            self.downloads = None
            self.pending = list(self.rendered.values())
        else:
            self.downloads = self.worker.submit(rendering.files, str(self.data_dir(config)), config.site_dir)
            self.pending = [*self.rendered.values(), self.downloads]
        # Moved pages keep answering at their old address (see redirects.yaml).
        for old, new in redirects().items():
            if files.get_file_from_path(old + "index.html") or files.get_file_from_path(old.rstrip("/") + ".md"):
                raise PluginError(f"redirects.yaml: '{old}' is still a page; a redirect may only replace a page that is gone")
            files.append(File.generated(config, old + "index.html", content=redirect_page(new, old.count("/"))))
        self.timings["plan_s"] = time.perf_counter() - started
        return files

    def on_env(self, env, *, config, files):
        env.bytecode_cache = self.theme_templates
        return env

    def page_keys(self, config) -> dict[str, bytes]:
        """For each generated page that names the records it is made from (Page.depends), a
        digest of everything it is rendered from: those records' files, every file of the data
        folder that is not an instrument, the generator's templates, the theme's overrides,
        mkdocs.yml and the plugin's options. Two builds with the same key make the same page
        (tests/test_serve_rebuild.py checks a dirty rebuild against a full build)."""
        data = self.data_dir(config)
        instruments = {p.stem: p for p in (data / "instruments").glob("*.yaml")}
        shared = sorted(p for p in data.rglob("*") if p.is_file() and p.parent != data / "instruments")
        # the generator's templates, and the theme's overrides and mkdocs.yml (they wrap every page)
        overrides = [Path(config.theme.custom_dir)] if config.theme.custom_dir else []
        shared += sorted(p for folder in [*TEMPLATE_FOLDERS, *overrides] for p in folder.rglob("*") if p.is_file())
        shared.append(Path(config.config_file_path))
        everyone = _digest(repr(self.site.options).encode(), *(str(p).encode() + p.read_bytes() for p in shared))
        records: dict[str, bytes] = {}
        keys = {}
        for page in self.pages.values():
            if not page.generated:
                # A hand-written page is made from its own file, unless it has <!-- kb: --> parts
                # (they come from the whole knowledge base).
                text = _handwritten_file(page, config).read_bytes()
                if b"<!-- kb:" not in text:
                    keys[page.path] = _digest(everyone, text)
                continue
            if page.depends is None:
                continue
            for record in page.depends:
                if record not in records:
                    records[record] = instruments[record].read_bytes() if record in instruments else b""
            keys[page.path] = _digest(everyone, *(records[r] for r in page.depends))
        return keys

    def on_post_build(self, *, config):
        started = time.perf_counter()
        for path, content in self.rows.items():
            target = Path(config.site_dir) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        outputs = self._outputs(config)
        if self.dirty:  # a dirty build leaves the site as it was: take away what is no longer in it
            site = Path(config.site_dir)
            for gone in self.last_outputs - outputs:
                path = site / gone
                path.unlink(missing_ok=True)
                while path.parent != site and path.parent.is_dir() and not any(path.parent.iterdir()):
                    path = path.parent
                    path.rmdir()
        self.last_outputs = outputs
        if self.dirty:
            # `make serve`: the pages are written, so the browser may reload now; the downloads
            # and the search index follow in the background, in a process of their own (forked
            # from this one, which holds what they are made from), so that they take nothing from
            # the next build, which stops them at once. Without fork, in a thread.
            self.last_keys = self.keys
            self.cancel = threading.Event()
            args = (self.plan, Path(config.site_dir))
            try:
                self.background = multiprocessing.get_context("fork").Process(
                    target=_downloads_and_search_apart, args=args, name="kb-downloads-and-search", daemon=True)
                self.background.start()
                with contextlib.suppress(OSError):  # (the child does the same: whichever comes first)
                    os.setpgid(self.background.pid, self.background.pid)
            except (ValueError, OSError):
                self.background = threading.Thread(target=_downloads_and_search, args=(*args, self.cancel),
                                                   name="kb-downloads-and-search", daemon=True)
                self.background.start()
            return
        try:
            self.downloads.result()  # raises whatever stopped the worker
        except Exception as err:
            raise PluginError(f"writing the site's files failed: {type(err).__name__}: {err}") from err
        self.timings["page_wait_s"] += time.perf_counter() - started
        started = time.perf_counter()
        search_index(Path(config.site_dir))
        self.timings["search_s"] = time.perf_counter() - started

    def _outputs(self, config) -> set[str]:
        """The site paths of every page and file this build made (not Pagefind's bundle)."""
        out = {File.generated(config, path, content="").dest_uri for path in self.pages}
        out |= {entry.rows_path for entry in self.pages.values() if entry.matrix}
        out |= set(self.plan)
        return out

    def _finish_background(self, cancel: bool = True) -> None:
        if self.background is not None:
            if cancel:
                self.cancel.set()
                if isinstance(self.background, multiprocessing.process.BaseProcess) and self.background.is_alive():
                    try:  # it and its Pagefind; the next build writes everything again
                        os.killpg(self.background.pid, signal.SIGKILL)
                    except OSError:  # not a group of its own after all: it alone
                        self.background.kill()
            self.background.join()
            self.background = None

    def on_build_error(self, *, error):
        for future in self.pending:  # nothing more for a build that has failed
            future.cancel()
        self.last_keys = {}  # what the site holds is not known: the next build renders every page

    # --- once per page -------------------------------------------------------------------------
    def on_page_markdown(self, markdown, *, page, config, files):
        entry = self.pages.get(page.file.src_uri)
        if entry is not None and entry.generated:
            page.meta["hide"] = list(entry.hide)
            # Themes print a page's title as HTML, in the navigation, the header and <title>; this
            # one is text, and may come from the data, so it is escaped here.
            page.meta["title"] = str(escape(entry.title))
            return ""  # its HTML comes from the worker
        if "<!-- kb:" in markdown:
            return self._fill_markers(markdown, page.file.src_uri)
        return markdown

    def _fill_markers(self, markdown: str, path: str) -> str:
        def replace_marker(match):
            rendered = self.fragments.pop((path, match.group(1)), None)
            try:
                fragment = rendered.result() if rendered else self.site.fragment(match.group(1), path)
            except BrokenProcessPool:  # the worker died: the page's own render says so; render it here
                fragment = self.site.fragment(match.group(1), path)
            if fragment is None:
                raise PluginError(f"{path}: unknown marker <!-- kb:{match.group(1)} -->; "
                                  f"known: {', '.join(self.site.fragment_names())}")
            return fragment

        return MARKER.sub(replace_marker, markdown)

    def on_page_context(self, context, *, page, config, nav):
        started = time.perf_counter()
        path = page.file.src_uri
        html = page.content
        if path in self.rendered:
            try:
                html, rows = self.rendered.pop(path).result()
            except Exception as err:
                raise PluginError(f"rendering {path} failed: {type(err).__name__}: {err}") from err
            if rows is not None:
                self.rows[self.pages[path].rows_path] = rows
            page.toc = get_toc(toc_tokens(html))
        if SKIP_START in html:
            html = html.replace(SKIP_START, IGNORED_START).replace(SKIP_END, IGNORED_END)
        page.content = html
        self.timings["page_wait_s"] += time.perf_counter() - started
        return context

    def on_post_page(self, output, *, page, config):
        entry = self.pages.get(page.file.src_uri)
        head = entry.head_tags() if entry is not None else ""
        if head:
            output = output.replace("</head>", head + "</head>", 1)
        return output

    def on_serve(self, server, *, config, builder):
        server.watch(str(self.data_dir(config)))  # also for `make serve DATA=elsewhere`
        return server


# Pagefind's options, the same for every build. Every page is indexed as Chinese: Pagefind splits
# an index by page language and segments Chinese text into words (extended binary) only in a
# Chinese index, at indexing time and in the browser for the query. English words are indexed as
# they are written (no stemming in a Chinese index; Pagefind still matches the start of a word,
# so "consent" finds "consented"). The pilcrows of heading permalinks are not text. The tables
# that list instruments across the knowledge base (the gap tables, comparison matrices, year
# tables and indexes) are left out: each row repeats an instrument's name and answers, which its
# own page holds, so indexing them would put those pages above the instrument's own for its name,
# and make the index grow with instruments times pages. The pages' own text stays in.
PAGEFIND_ARGS = ("--force-language", "zh", "--quiet",
                 "--exclude-selectors", ".headerlink",
                 "--exclude-selectors", ".kb-gaps, .kb-matrix, .kb-years, .kb-index:not(.kb-reference)")


def pagefind_executable() -> str:
    try:
        from pagefind_bin_extended import get_executable
    except ImportError:  # pragma: no cover - a pinned dependency (requirements.txt)
        raise PluginError("kb: Pagefind's extended binary is missing; run `make build` (or "
                          "pip install -r requirements.txt) to install the pinned pagefind-bin-extended") from None
    return str(get_executable())


def search_index(site_dir: Path, cancelled: threading.Event | None = None) -> None:
    """Index the built site with Pagefind: it writes its bundle (index chunks, page fragments, the
    search script and its WebAssembly) to ``site_dir/pagefind/``, which the header's search box
    loads from the site itself. Only pages with ``data-pagefind-body`` (the theme's article,
    docs/overrides/main.html) are indexed, without anything under ``data-pagefind-ignore``."""
    process = subprocess.Popen([pagefind_executable(), "--site", str(site_dir), *PAGEFIND_ARGS],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    deadline = time.monotonic() + 600
    while True:
        try:
            output, _ = process.communicate(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            if (cancelled is not None and cancelled.is_set()) or time.monotonic() > deadline:
                process.kill()
                process.communicate()
                if cancelled is not None and cancelled.is_set():
                    return  # a newer build indexes the site again
                raise PluginError("kb: Pagefind did not finish indexing the site in 10 minutes") from None
    if process.returncode != 0:
        raise PluginError(f"kb: Pagefind could not index the site:\n{output}")
    for line in output.splitlines():
        if line.startswith(("Error", "Warning", "WARN", "ERROR")):
            log.warning("kb: Pagefind: %s", line)


class DataProblems(PluginError):
    """The data folder has problems: every one of them, as `make validate` prints them."""

    def __init__(self, data_dir: Path, error: DataError):
        self.error = error
        super().__init__(f"the data in {data_dir} has problems:\n{error.report()}")


def build_site(config_file: Path, site_dir: Path, checked: KnowledgeBase, data_dir: Path) -> tuple[str, dict]:
    """Build the site into ``site_dir`` from an already checked model, in this process (strict).

    Returns an error message ('' on success) and our own timings.
    """
    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            messages.append(f"{record.levelname}: {record.getMessage()}")

    logger = logging.getLogger("mkdocs")
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    timings: dict = {}
    try:
        config = load_config(config_file=str(config_file), site_dir=str(site_dir), strict=True)
        plugin = config.plugins["kb"]
        plugin.config.data_folder = str(data_dir)
        plugin.checked = checked
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build.build(config)
            timings = plugin.timings
        finally:
            config.plugins.on_shutdown()
    except (exceptions.MkDocsException, exceptions.ConfigurationError) as err:
        return "\n".join([*messages, str(err)]), timings
    except Exception as err:
        if os.environ.get("KB_DEBUG"):
            raise
        return "\n".join([*messages, f"internal error while building the site: {type(err).__name__}: {err}",
                          "This is a bug in the generator, not in your data; run with KB_DEBUG=1 for the "
                          "traceback and please report it."]), timings
    finally:
        logger.removeHandler(handler)
    return "", timings
