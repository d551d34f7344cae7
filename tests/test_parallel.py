"""The worker process that renders our pages and files (kb.rendering): the same site as rendering
in the build's own process, failures that reach the build, and nothing left behind."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import DATA, KB, ROOT
from kb import plugin
from kb.pages.site import Site
from test_cli import tree_digest

pytestmark = pytest.mark.slow  # each test builds the site again


def _build(site, monkeypatch=None, inline=False):
    if inline:  # as on a system without fork
        monkeypatch.setattr(plugin.multiprocessing, "get_context", lambda method: (_ for _ in ()).throw(ValueError()))
    from kb.load import load

    return plugin.build_site(ROOT / "mkdocs.yml", site, load(DATA), DATA)


def test_the_worker_builds_exactly_the_site_this_process_builds(tmp_path, monkeypatch):
    error, _ = _build(tmp_path / "worker")
    assert error == ""
    with monkeypatch.context() as patch:
        error, _ = _build(tmp_path / "inline", patch, inline=True)
    assert error == ""
    # (Pagefind names its filter fragments in hash-map order: see test_cli.test_two_builds_are_byte_identical)
    assert tree_digest(tmp_path / "worker", skip="pagefind") == tree_digest(tmp_path / "inline", skip="pagefind")


def test_a_failure_in_the_worker_stops_the_build_and_says_where(tmp_path, monkeypatch):
    def broken(site, page):
        raise RuntimeError(f"template trouble in {page.path}")

    monkeypatch.setattr(Site, "render", broken)  # the worker is forked after this, so it has it too
    error, _ = _build(tmp_path / "site")
    assert "rendering" in error and "template trouble in" in error
    assert "Traceback" not in error


def test_the_worker_does_not_outlive_the_build(tmp_path):
    build = subprocess.Popen([sys.executable, "-m", "kb", "build", "--data", str(DATA), "--site", str(tmp_path / "site")],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + 60
    while not (children := _children(build.pid)) and build.poll() is None and time.time() < deadline:
        time.sleep(0.05)
    assert children, "the build started no worker"
    build.send_signal(signal.SIGKILL)
    build.wait()
    deadline = time.time() + 60
    while time.time() < deadline and any(_alive(pid) for pid in children):
        time.sleep(0.2)
    assert not [pid for pid in children if _alive(pid)], "the worker is still running after its build was killed"


def test_a_finished_build_leaves_no_process_behind(tmp_path):
    from kb.load import load

    before = set(_children(os.getpid()))
    error, _ = plugin.build_site(ROOT / "mkdocs.yml", tmp_path / "site", load(DATA), DATA)
    assert error == ""
    deadline = time.time() + 10
    while time.time() < deadline and set(_children(os.getpid())) - before:
        time.sleep(0.1)
    assert set(_children(os.getpid())) - before == set()


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in open(f"/proc/{pid}/task/{pid}/children").read().split()]
    except OSError:
        return []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


def test_serve_carries_on_when_the_worker_dies(tmp_path):
    """`mkdocs serve` rebuilds with the same plugin: if its worker is killed, the next rebuild
    renders in this process instead of failing for good."""
    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config

    config = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(tmp_path / "site"), strict=True)
    kb_plugin = config.plugins["kb"]
    kb_plugin.config.data_folder = str(DATA)
    config.plugins.on_startup(command="serve", dirty=False)
    try:
        mkdocs_build.build(config)
        [pid] = [p.pid for p in kb_plugin.worker._processes.values()]
        os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and kb_plugin.worker._processes:  # the pool notices the death
            time.sleep(0.05)
        (tmp_path / "site" / "index.html").unlink()
        with contextlib.suppress(Exception):
            mkdocs_build.build(config)  # the pool may only notice now: this build may fail ...
        mkdocs_build.build(config)  # ... but the one after it renders in this process
        assert (tmp_path / "site" / "index.html").is_file()
        assert (tmp_path / "site" / "instruments" / KB.instruments[0].id / "index.html").is_file()
    finally:
        config.plugins.on_shutdown()
