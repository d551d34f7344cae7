"""`make serve` rebuilds only what an edit affects (mkdocs serve --dirty): after each kind of edit a
contributor makes, the site it leaves is the site a full build of the same data makes, and the
rebuild rendered only the pages made from the edited record and those made from the whole
knowledge base."""

from __future__ import annotations

import shutil
import signal
from pathlib import Path

import pytest
import yaml

from conftest import DATA, KB, ROOT, run_kb
from kb.formatting import _question_order, canonical
from test_cli import tree_digest

pytestmark = pytest.mark.slow  # builds the site many times


def _rewrite(data: Path, folder: str, record_id: str, change) -> None:
    path = data / folder / f"{record_id}.yaml"
    record = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(record)
    path.write_text(canonical(record, folder, _question_order(data)), encoding="utf-8")


def _unreferenced_instrument(data: Path, headline: set[str]) -> str:
    """An instrument no other file names (so that deleting it leaves valid data)."""
    texts = {p: p.read_text(encoding="utf-8") for p in data.rglob("*.yaml")}
    for instrument in KB.instruments:
        own = data / "instruments" / f"{instrument.id}.yaml"
        if instrument.id not in headline and not any(instrument.id in t for p, t in texts.items() if p != own):
            return instrument.id
    pytest.skip("every instrument is named by another file")


def test_a_dirty_rebuild_gives_the_full_build_and_renders_only_what_changed(tmp_path, monkeypatch):
    import datetime as dt

    from mkdocs.commands import build as mkdocs_build
    from mkdocs.config import load_config

    # `kb build` dates the build by the edition (the sitemap's time stamp); so does this build,
    # whatever day the test runs on.
    edition = dt.datetime.fromisoformat(KB.edition).replace(tzinfo=dt.UTC)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(int(edition.timestamp())))
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    site = tmp_path / "site"
    config = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(site), strict=True)
    kb_plugin = config.plugins["kb"]
    kb_plugin.config.data_folder = str(data)
    config.plugins.on_startup(command="serve", dirty=True)

    related = next(i for i in KB.instruments if i.inverse_relations)  # its name is on other instruments' pages
    plain = next(i for i in KB.instruments if i.provisions and i is not related)
    body = KB.bodies[0]
    # A state's law shows in its own sections and, as "only in" that state, in the country's.
    state_law = next((i for i in KB.instruments if i.jurisdiction.parent and i is not related and i is not plain), None)
    gone = _unreferenced_instrument(data, set(kb_plugin.config.headline))
    whole_kb_pages = None
    edits = [
        ("a short title shown on other pages", lambda: _rewrite(
            data, "instruments", related.id, lambda r: r.update(short_title=r["short_title"] + " (edited)")),
         {related.id}),
        ("a provision's English words", lambda: _rewrite(
            data, "instruments", plain.id, lambda r: _edit_first_english(r["provisions"][0])), {plain.id}),
        *([("a state law's short title", lambda: _rewrite(
            data, "instruments", state_law.id, lambda r: r.update(short_title=r["short_title"] + " (edited)")),
            {state_law.id})] if state_law else []),
        ("a body's name", lambda: _rewrite(
            data, "bodies", body.id, lambda r: r["name"].update(en=r["name"]["en"] + " (edited)")), None),
        ("a record deleted", lambda: (data / "instruments" / f"{gone}.yaml").unlink(), set()),
    ]
    try:
        mkdocs_build.build(config, dirty=True)
        pages = kb_plugin.pages
        whole_kb_pages = {p for p, e in pages.items() if e.generated and e.depends is None}
        handwritten = site / "contributing" / "index.html"  # no <!-- kb: --> parts: made from its own file
        written = handwritten.stat().st_mtime_ns
        for n, (what, edit, affected) in enumerate(edits):
            if n == 0:  # a build that starts while the last one writes its downloads stops that and writes them itself
                interrupted = kb_plugin.background
                was_running = interrupted.is_alive()
                mkdocs_build.build(config, dirty=True)
                if was_running and hasattr(interrupted, "exitcode"):  # a forked process, stopped at once
                    assert interrupted.exitcode == -signal.SIGKILL
            edit()
            mkdocs_build.build(config, dirty=True)
            kb_plugin._finish_background(cancel=False)  # the downloads and the search index, as serve writes them
            rendered = kb_plugin.timings["pages_rendered"]
            # The full build in a process of its own: MkDocs hands a plugin that has on_startup to
            # every later load_config() of the same process, so a build here would reuse this one.
            reference = tmp_path / "full"
            result = run_kb("build", "--data", str(data), "--site", str(reference))
            assert result.returncode == 0, result.stdout + result.stderr
            assert tree_digest(site, skip="pagefind") == tree_digest(reference, skip="pagefind"), what
            if affected is None:  # a body: every page may name it
                assert rendered == sum(1 for e in kb_plugin.pages.values() if e.generated), what
            else:
                expected = whole_kb_pages | {p for p, e in kb_plugin.pages.items()
                                             if e.generated and e.depends and affected & set(e.depends)}
                assert rendered == len(expected), what
            shutil.rmtree(reference)
            if n == 0:  # an instrument's edit leaves it as it was (and it is still the full build's)
                assert handwritten.stat().st_mtime_ns == written, what
    finally:
        config.plugins.on_shutdown()


def _edit_first_english(provision: dict) -> None:
    if "text" in provision:
        provision["text"]["en"] += " (edited)"
    else:
        provision["paragraphs"][0]["en"] += " (edited)"
