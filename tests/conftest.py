"""Shared fixtures: the knowledge base as the tests see it, a copy of the data to break, the real
site built once, a local server and Chromium.

Expectations follow the data: what a test checks is read from the records and from the page
registry (kb.pages), never listed by hand, so an ordinary contribution (a finding verified today,
a new instrument, a corrected note) keeps every test green. KB_TEST_DATA points the whole suite at
another data folder (test_contributions.py uses it to prove exactly that).
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest

from kb.load import DataError, load
from kb.pages.site import Site, SiteOptions

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("KB_TEST_DATA") or ROOT / "data").resolve()
FIXTURES = Path(__file__).parent / "fixtures"


def _headline() -> tuple[str, ...]:
    """The seed instruments the home page and /compare/ open with, as mkdocs.yml configures them."""
    from mkdocs.config import load_config

    return tuple(load_config(str(ROOT / "mkdocs.yml")).plugins["kb"].config.headline)


HEADLINE = _headline()


def load_data(data_dir: Path = DATA):
    """The checked knowledge base; a data problem stops the run with the lines `make validate`
    prints (file:line: CODE message), not with a traceback."""
    try:
        return load(data_dir)
    except DataError as err:
        pytest.exit(f"The data in {data_dir} has problems; fix them first (`make validate`):\n{err.report()}",
                    returncode=1)


KB = load_data()
SITE = Site(KB, SiteOptions(headline=tuple(h for h in HEADLINE if h in {i.id for i in KB.instruments})))
PAGES = SITE.pages()  # every page of the site, from the registry


def run_kb(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the command line as `make` does (the package is installed in the environment)."""
    environment = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "kb", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=900)


def data_with(folder: Path, *records: Path) -> Path:
    """A data folder with the real framework, vocabularies, jurisdictions, editions and bodies, and
    only the given instrument records: for tests whose expectations must not move when the
    bundled records are edited (a citation's exact wording, a gap computed by hand)."""
    target = folder / "data"
    shutil.copytree(DATA, target, ignore=shutil.ignore_patterns("instruments", "claims.yaml"))
    (target / "instruments").mkdir()
    for record in records:
        shutil.copyfile(record, target / "instruments" / record.name)
    return target


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the data folder, safe to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once from the data with the real command line."""
    site = tmp_path_factory.mktemp("build") / "site"
    result = run_kb("build", "--data", str(DATA), "--site", str(site))
    assert result.returncode == 0, result.stdout + result.stderr
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="session")
def site_url(built_site):
    """The built site served on 127.0.0.1 (a random free port) for the browser tests."""
    handler = functools.partial(_QuietHandler, directory=str(built_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Chromium's own background traffic would be refused on an offline machine; switch it off.
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-default-apps"]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page that records console errors and any request to a host other than 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.errors, page.foreign = [], []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    page.on("request", lambda r: page.foreign.append(r.url)
            if urlparse(r.url).hostname not in ("127.0.0.1", None) and not r.url.startswith("data:") else None)
    yield page
    context.close()
