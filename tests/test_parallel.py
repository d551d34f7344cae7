"""The build's second core (kb.parallel): the same output as one core, and failures still surface."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT
from kb.parallel import Helper, HelperFailed, can_fork
from kb.render import SiteOptions
from kb.site import generate

pytestmark = pytest.mark.skipif(not can_fork(), reason="no fork on this platform")


def test_the_helper_renders_pages_in_another_process_and_files_for_the_site(tmp_path):
    pages = {f"p{n}.md": (lambda n=n: f"page {n} rendered by {os.getpid()}") for n in range(50)}
    files = {"downloads/data.bin": lambda: b"\x00\x01", "records/a.yaml": lambda: "id: a\n"}
    helper = Helper(pages, files, near=tmp_path)
    try:
        for n in reversed(range(50)):  # any order, though the helper writes them in plan order
            text = helper.read(f"p{n}.md").decode()
            assert text.startswith(f"page {n} rendered by ")
            assert text != f"page {n} rendered by {os.getpid()}"
        helper.wait()
        site = tmp_path / "site"
        helper.deliver(site)
        assert (site / "downloads" / "data.bin").read_bytes() == b"\x00\x01"
        assert (site / "records" / "a.yaml").read_text() == "id: a\n"
    finally:
        helper.close()
    assert not helper.folder.exists()


def test_a_failure_in_the_helper_reaches_the_build(tmp_path):
    def broken():
        raise ValueError("bad provision")

    helper = Helper({"a.md": lambda: "fine", "b.md": broken}, {}, near=tmp_path)
    try:
        assert helper.read("a.md") == b"fine"
        with pytest.raises(HelperFailed, match="ValueError: bad provision"):
            helper.read("b.md")
        with pytest.raises(HelperFailed):
            helper.wait()
    finally:
        helper.close()


def test_asking_for_a_page_the_helper_never_renders_fails_instead_of_hanging(tmp_path):
    helper = Helper({"a.md": lambda: "fine"}, {}, near=tmp_path)
    try:
        with pytest.raises(HelperFailed, match="without rendering missing.md"):
            helper.read("missing.md")
    finally:
        helper.close()


def test_a_parallel_build_generates_exactly_what_a_serial_one_does(tmp_path):
    serial = generate(ROOT / "data", SiteOptions(site_name="Test"), parallel=False)
    parallel = generate(ROOT / "data", SiteOptions(site_name="Test"), parallel=True, near=tmp_path)
    try:
        assert list(parallel.pages) == list(serial.pages)  # same order: the search index follows it
        assert {path: parallel.helper.read(path).decode() for path in parallel.pages} == serial.pages
        parallel.helper.wait()
        parallel.helper.deliver(tmp_path / "site")
        assert list(parallel.assets) == list(serial.assets)
        assert {path: (tmp_path / "site" / path).read_bytes() for path in parallel.assets} == serial.assets
        assert any(path.startswith("instruments/") for path in serial.pages)
        assert "downloads/kb.json" in serial.assets
    finally:
        parallel.helper.close()


def test_without_a_helper_the_build_renders_here(monkeypatch):
    def no_fork(*args, **kwargs):
        raise OSError("Cannot allocate memory")

    monkeypatch.setattr("kb.site.Helper", no_fork)
    fallback = generate(ROOT / "data", SiteOptions(site_name="Test"), parallel=True)
    assert fallback.helper is None
    assert fallback.pages == generate(ROOT / "data", SiteOptions(site_name="Test")).pages


def test_the_helper_never_returns_into_the_build_even_when_it_cannot_report(tmp_path, monkeypatch):
    monkeypatch.setattr("kb.parallel._FAILED", "no-such-folder/.failed")  # the report cannot be written
    test_process = os.getpid()

    def broken():
        raise ValueError("bad provision")

    try:
        helper = Helper({"a.md": broken}, {}, near=tmp_path)
    finally:
        if os.getpid() != test_process:  # only an escaped helper gets here
            (tmp_path / "escaped").touch()
            os._exit(0)
    try:
        with pytest.raises(HelperFailed, match="exit status"):
            helper.read("a.md")
    finally:
        helper.close()
    assert not (tmp_path / "escaped").exists()


def test_the_helper_stops_and_cleans_up_when_the_build_is_killed(tmp_path):
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from kb.parallel import Helper\n"
        "pages = {f'p{n}.md': (lambda: time.sleep(0.05) or 'x') for n in range(400)}\n"
        f"helper = Helper(pages, {{}}, near=Path({str(tmp_path)!r}))\n"
        "print(helper.folder, flush=True)\n"
        "time.sleep(60)\n")
    build = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                             env={**os.environ, "PYTHONPATH": str(ROOT / "scripts")})
    folder = Path(build.stdout.readline().strip())
    assert folder.is_dir()
    build.kill()  # no chance to clean up: the helper must notice on its own
    build.wait()
    deadline = time.time() + 10
    while folder.exists() and time.time() < deadline:
        time.sleep(0.05)
    assert not folder.exists()


def test_a_helper_reaped_by_the_system_still_counts_as_finished(tmp_path):
    previous = signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically
    try:
        helper = Helper({"a.md": lambda: "page"}, {"f.txt": lambda: b"file"}, near=tmp_path)
        try:
            assert helper.read("a.md") == b"page"
            helper.wait()
            helper.deliver(tmp_path / "site")
            assert (tmp_path / "site" / "f.txt").read_bytes() == b"file"
        finally:
            helper.close()
    finally:
        signal.signal(signal.SIGCHLD, previous)
