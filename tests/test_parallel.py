"""The build's second core (kb.parallel): the same output as one core, and failures still surface."""

from __future__ import annotations

import os

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
