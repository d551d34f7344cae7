"""MkDocs hook: host the knowledge base's generated pages and files in the site.

A thin adapter. All knowledge-base logic lives in the ``kb`` package; this file only
translates between it and MkDocs events:
- on_config: load and validate the data folder (KB_DATA, default data/), plan every page and
  file; for a build a helper process renders them on a second core while MkDocs runs
  (kb.parallel), for `mkdocs serve`'s rebuilds (it runs threads) they are rendered here;
- on_files: add the generated pages and downloads;
- on_page_read_source: wait for a page the helper is rendering (on_post_build moves the helper's
  other files into the site);
- on_page_markdown: replace ``<!-- kb:NAME -->`` marker lines in hand-written pages, and set
  raw HTML blocks aside so that Markdown does not parse them (on_page_content restores them);
- on_page_content / on_page_context: the search plugin indexes the page without the parts marked
  data-search-exclude, and the reader gets the whole page;
- on_env: serve the theme's templates without their indentation (UnindentedLoader);
- on_post_page: add citation metadata to the <head> of instrument pages.

`make bench` counts the time spent in these functions as the knowledge base's own (hook_s).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import sys
import threading
import time
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File

sys.path.insert(0, str(Path(__file__).resolve().parent))

from kb.manifest import redirect_page, redirects  # noqa: E402
from kb.parallel import HelperFailed  # noqa: E402
from kb.problems import DataError  # noqa: E402
from kb.render import (COMPILED, SiteOptions, UnindentedLoader, searchable, stash_html_blocks,  # noqa: E402
                       unstash_html_blocks, without_search_marks)
from kb.site import generate  # noqa: E402

try:  # Material's search plugin segments Chinese with jieba; keep its start-up chatter quiet
    import jieba

    jieba.setLogLevel(logging.WARNING)
except ImportError:
    pass

MARKER = re.compile(r"^<!-- kb:([a-z-]+) -->$", re.MULTILINE)
_generated = None
_stashed: dict[str, list[str]] = {}  # page -> its raw HTML blocks, while Markdown runs
_full: dict[str, str] = {}  # page -> its whole content, while the search plugin indexes a lighter copy
_hook_seconds = 0.0  # time spent in the page events below, for `make bench`


def _timed(event):
    @functools.wraps(event)
    def timed(*args, **kwargs):
        global _hook_seconds
        started = time.perf_counter()
        try:
            return event(*args, **kwargs)
        finally:
            _hook_seconds += time.perf_counter() - started
    return timed


def on_config(config):
    global _generated
    root = Path(config.config_file_path).parent
    data_dir = Path(os.environ.get("KB_DATA") or root / "data")
    kb_extra = config.extra.get("kb", {}) or {}
    options = SiteOptions(
        headline=tuple(kb_extra.get("headline", ())),
        edit_base=kb_extra.get("edit_base", "") or "",
        site_name=config.site_name,
    )
    started = time.perf_counter()
    try:
        # Fork only a single-threaded process: `mkdocs serve` rebuilds while its web server and
        # file watcher run in threads, so its rebuilds render here.
        _generated = generate(data_dir, options, parallel=threading.active_count() == 1,
                              near=_scratch_folder(config))
    except DataError as err:
        listing = "\n".join(p.format() for p in err.problems)
        raise PluginError(f"the data in {data_dir} has {len(err.problems)} problem(s):\n{listing}") from None
    config.extra["kb_edition"] = _generated.renderer.options.edition
    if os.environ.get("KB_TIMINGS"):  # `make bench` reads how long our own part took
        timings = Path(os.environ["KB_TIMINGS"])
        figures = json.loads(timings.read_text()) if timings.exists() else {}
        figures["generate_s"] = time.perf_counter() - started
        timings.write_text(json.dumps(figures))
    return config


def _scratch_folder(config) -> Path | None:
    """Beside the site folder (same file system, so finished files move in without copying)."""
    parent = Path(config.site_dir).resolve().parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        return parent
    except OSError:
        return None


def on_files(files, config):
    # CONTRIBUTING.md at the repository root is also the site's /contributing/ page: one text.
    contributing = Path(config.config_file_path).parent / "CONTRIBUTING.md"
    files.append(File.generated(config, "contributing.md", content=contributing.read_text(encoding="utf-8")))
    for path, content in _generated.pages.items():
        # A page the helper is rendering gets its text from on_page_read_source, which waits for it.
        files.append(File.generated(config, path, content="" if content is None else content))
    for path, content in _generated.assets.items():
        if content is not None:  # (files the helper renders are moved into the site by on_post_build)
            files.append(File.generated(config, path, content=content))
    # Moved pages keep answering at their old address (see redirects.yaml).
    for old, new in redirects().items():
        if files.get_file_from_path(old + "index.html") or files.get_file_from_path(old.rstrip("/") + ".md"):
            raise PluginError(f"redirects.yaml: '{old}' is still a page; a redirect may only replace a page that is gone")
        files.append(File.generated(config, old + "index.html", content=redirect_page(new, old.count("/"))))
    return files


@_timed  # waiting for the helper is our own time, too
def on_page_read_source(page, config):
    if _generated.helper and page.file.src_uri in _generated.pages:
        try:
            return _generated.helper.read(page.file.src_uri).decode("utf-8")
        except HelperFailed as err:
            raise PluginError(str(err)) from None
    return None


def on_env(env, config, files):
    env.bytecode_cache = COMPILED  # the theme's templates, too, are compiled once per `make serve`
    env.loader = UnindentedLoader(env.loader)  # pages without the theme's indentation
    return env


@_timed
def on_page_markdown(markdown, page, config, files):
    markdown = _fill_markers(markdown, page)
    markdown, _stashed[page.file.src_uri] = stash_html_blocks(markdown)
    return markdown


@_timed
def on_page_content(html, page, config, files):
    html = unstash_html_blocks(html, _stashed.pop(page.file.src_uri, []))
    lighter = searchable(html)
    if lighter == html:
        return html
    _full[page.file.src_uri] = without_search_marks(html)
    return lighter  # what the search plugin indexes in its on_page_context


@event_priority(-100)  # after the search plugin has indexed the lighter copy
@_timed
def on_page_context(context, page, config, nav):
    if page.file.src_uri in _full:
        page.content = _full.pop(page.file.src_uri)
    return context


def _fill_markers(markdown, page):
    if "<!-- kb:" not in markdown:
        return markdown
    fragments = _generated.renderer.fragments(page.file.src_uri)

    def replace(match):
        name = match.group(1)
        if name not in fragments:
            raise PluginError(f"{page.file.src_uri}: unknown marker <!-- kb:{name} -->; known: {', '.join(fragments)}")
        return fragments[name]

    return MARKER.sub(replace, markdown)


@_timed
def on_post_page(output, page, config):
    head = _generated.renderer.head(page.file.src_uri, config.site_url or "")
    if head:
        output = output.replace("</head>", head + "</head>", 1)
    return output


@_timed
def _deliver_helper_files(config):
    try:
        _generated.helper.wait()
        _generated.helper.deliver(Path(config.site_dir))
    except HelperFailed as err:
        raise PluginError(str(err)) from None


def on_post_build(config):
    global _hook_seconds
    if _generated.helper:  # the downloads: rendered by the helper while MkDocs built the pages
        _deliver_helper_files(config)
    if os.environ.get("KB_TIMINGS"):
        timings = Path(os.environ["KB_TIMINGS"])
        figures = json.loads(timings.read_text()) if timings.exists() else {}
        figures["hook_s"] = _hook_seconds
        if _generated.helper:
            figures["helper_cpu_s"] = _generated.helper.helper_cpu_s
        timings.write_text(json.dumps(figures))
    _hook_seconds = 0.0


def on_shutdown():
    if _generated is not None and _generated.helper:
        _generated.helper.close()  # a failed build may leave the helper running


def on_serve(server, config, builder):
    # Rebuild when a record changes, also for `make serve DATA=elsewhere`.
    server.watch(str(Path(os.environ.get("KB_DATA") or Path(config.config_file_path).parent / "data")))
    return server
