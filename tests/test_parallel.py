"""The build's second core (kb.parallel): same output as one core, and errors still surface."""

from __future__ import annotations

import os

import pytest

from conftest import ROOT
from kb.parallel import beside
from kb.render import SiteOptions
from kb.site import generate

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork on this platform")


@needs_fork
def test_work_beside_runs_in_another_process_and_returns_its_result():
    helper = beside(lambda: (os.getpid(), {"page": "text", "file": b"\x00bytes"}), fork=True)
    pid, result = helper.result()
    assert pid != os.getpid()
    assert result == {"page": "text", "file": b"\x00bytes"}


def test_without_fork_the_work_runs_here_when_asked():
    calls = []
    helper = beside(lambda: calls.append(os.getpid()) or "done", fork=False)
    assert calls == []
    assert helper.result() == "done"
    assert calls == [os.getpid()]


@needs_fork
def test_an_error_in_the_helper_reaches_the_build():
    def broken():
        raise ValueError("bad provision")

    with pytest.raises(RuntimeError, match="ValueError: bad provision"):
        beside(broken, fork=True).result()


@needs_fork
def test_a_parallel_build_generates_exactly_what_a_serial_one_does():
    serial = generate(ROOT / "data", SiteOptions(site_name="Test"), parallel=False)
    parallel = generate(ROOT / "data", SiteOptions(site_name="Test"), parallel=True)
    assert list(parallel.pages) == list(serial.pages)  # same order: the search index follows it
    assert parallel.pages == serial.pages
    assert list(parallel.assets) == list(serial.assets)
    assert parallel.assets == serial.assets
    assert any(path.startswith("instruments/") for path in parallel.pages)
    assert "downloads/kb.json" in parallel.assets
