"""Shared fixtures: a copy of the real data to break, the real site built once, a local server."""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import os
import shutil
from urllib.parse import urlparse
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))

DATA = ROOT / "data"
FIXTURES = Path(__file__).parent / "fixtures"
TODAY = dt.date(2026, 11, 27)  # injected "today", so the tests give the same answer every day


def run_kb(*args: str, cwd: Path = ROOT, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run the command line exactly as `make` does."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT / "scripts"), "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "kb", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture
def data_copy(tmp_path) -> Path:
    """A private copy of the bundled data folder, safe to break."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """The real site, built once from the bundled data with the real command line."""
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
