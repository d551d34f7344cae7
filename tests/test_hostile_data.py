"""A hostile pull request: what a file in data/ could contain, or be, to mislead a reader or to
reach outside the data folder. Each is refused with a file:line message, and nothing is read
from outside the folder."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from conftest import FIXTURES, run_kb
from kb.load import check
from kb.load.yamlsafe import parse_bytes

MINIMAL = FIXTURES / "minimal-instrument.yaml"


def _codes(data_dir: Path) -> list[tuple[str, int, str]]:
    return [(Path(p.path).name, p.line, p.code) for p in check(data_dir)]


def _record(data_dir: Path, name: str, text: str) -> Path:
    path = data_dir / "instruments" / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_symbolic_link_is_not_followed(data_copy, tmp_path):
    secret = tmp_path / "secret.yaml"
    secret.write_text(MINIMAL.read_text(encoding="utf-8").replace("cn-test-2015-minimal", "cn-test-2015-link"))
    (data_copy / "instruments" / "cn-test-2015-link.yaml").symlink_to(secret)
    assert ("cn-test-2015-link.yaml", 1, "KB037") in _codes(data_copy)
    # ... and never published: the build stops before anything is written.
    result = run_kb("build", "--data", str(data_copy), "--site", str(tmp_path / "site"))
    assert result.returncode == 1 and "KB037" in result.stdout and not (tmp_path / "site").exists()


def test_a_linked_folder_or_shared_file_is_not_followed(data_copy, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    shutil.move(data_copy / "bodies", elsewhere)
    (data_copy / "bodies").symlink_to(elsewhere)
    shutil.move(data_copy / "framework.yaml", tmp_path / "framework.yaml")
    (data_copy / "framework.yaml").symlink_to(tmp_path / "framework.yaml")
    codes = _codes(data_copy)
    assert ("bodies", 1, "KB037") in codes and ("framework.yaml", 1, "KB037") in codes


def test_a_pipe_or_a_folder_named_like_a_record_is_not_read(data_copy):
    os.mkfifo(data_copy / "instruments" / "cn-test-2015-pipe.yaml")  # reading it would hang
    (data_copy / "instruments" / "cn-test-2015-folder.yaml").mkdir()
    codes = _codes(data_copy)
    assert ("cn-test-2015-pipe.yaml", 1, "KB037") in codes and ("cn-test-2015-folder.yaml", 1, "KB037") in codes


def test_a_file_that_would_be_skipped_silently_is_reported(data_copy):
    (data_copy / "instruments" / "cn-test-2015-minimal.yml").write_text(MINIMAL.read_text(encoding="utf-8"))
    (data_copy / "instruments" / "notes.md").write_text("to do")
    (data_copy / "instruments" / ".editor-swap").write_text("hidden files are an editor's business")
    codes = _codes(data_copy)
    assert ("cn-test-2015-minimal.yml", 1, "KB038") in codes and ("notes.md", 1, "KB038") in codes
    assert not [c for c in codes if c[0] == ".editor-swap"]


def test_a_second_record_with_the_same_id_is_refused(data_copy):
    _record(data_copy, "cn-test-2015-copy.yaml", MINIMAL.read_text(encoding="utf-8"))
    _record(data_copy, "cn-test-2015-minimal.yaml", MINIMAL.read_text(encoding="utf-8"))
    codes = _codes(data_copy)
    line = next(n for n, text in enumerate(MINIMAL.read_text().splitlines(), 1) if text.startswith("id:"))
    assert ("cn-test-2015-minimal.yaml", line, "KB021") in codes and ("cn-test-2015-copy.yaml", line, "KB020") in codes


@pytest.mark.parametrize("character", ["\u202e", "\u2066", "\u200b", "\ufeff", "\u200f"])
def test_characters_that_change_what_a_reader_sees_are_refused(data_copy, character):
    text = MINIMAL.read_text(encoding="utf-8").replace("Operators shall obtain", f"Operators shall{character} obtain")
    _record(data_copy, "cn-test-2015-minimal.yaml", text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "Operators shall" in t)
    assert _codes(data_copy) == [("cn-test-2015-minimal.yaml", line, "KB039")]


@pytest.mark.parametrize("anchor", ["findings", "cite", "consent-required", "findings-consent", "cite-page"])
def test_a_provision_may_not_take_an_anchor_of_the_page(data_copy, anchor):
    text = MINIMAL.read_text(encoding="utf-8").replace("id: art-1", f"id: {anchor}").replace("[art-1]", f"[{anchor}]")
    _record(data_copy, "cn-test-2015-minimal.yaml", text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if f"id: {anchor}" in t)
    assert _codes(data_copy) == [("cn-test-2015-minimal.yaml", line, "KB040")]


def test_an_official_source_must_be_on_an_official_site(data_copy):
    text = MINIMAL.read_text(encoding="utf-8").replace("https://www.gov.cn/test", "https://www.gov.cn.evil.example/test")
    _record(data_copy, "cn-test-2015-minimal.yaml", text)
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "evil.example" in t)
    assert _codes(data_copy) == [("cn-test-2015-minimal.yaml", line, "KB042")]
    text = text.replace("role: official", "role: text-copy")  # a copy may be anywhere, but then it is not official
    _record(data_copy, "cn-test-2015-minimal.yaml", text)
    assert ("cn-test-2015-minimal.yaml", 1, "KB027") in [(n, 1, c) for n, _, c in _codes(data_copy)]


def test_an_id_may_not_claim_another_jurisdiction(data_copy):
    text = MINIMAL.read_text(encoding="utf-8").replace("id: cn-test-2015-minimal", "id: us-test-2015-minimal")
    _record(data_copy, "us-test-2015-minimal.yaml", text)
    assert _codes(data_copy) == [("us-test-2015-minimal.yaml", 3, "KB041")]


def test_jurisdictions_cannot_contain_each_other(data_copy):
    path = data_copy / "jurisdictions.yaml"
    text = path.read_text(encoding="utf-8").replace("    official_domains: [gov]\n", "    official_domains: [gov]\n    parent: US-CA\n", 1)
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    parent: US-CA") + 1  # the US now names California as its parent
    assert ("jurisdictions.yaml", line, "KB043") in _codes(data_copy)


def test_a_body_cannot_succeed_itself(data_copy):
    path = data_copy / "bodies" / "samr.yaml"
    text = path.read_text(encoding="utf-8").replace("predecessor: saic", "predecessor: samr")
    path.write_text(text, encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("predecessor:"))
    assert _codes(data_copy) == [("samr.yaml", line, "KB044")]


@pytest.mark.parametrize("text", ["[" * 100_000, "a:\n" + "".join("  " * n + f"k{n}:\n" for n in range(1, 3000)),
                                  "- " * 200_000])
def test_deep_nesting_is_refused_without_a_crash(text):
    doc, problems = parse_bytes(text.encode(), "deep.yaml")
    assert doc is None and problems and problems[0].code in ("KB001", "KB007", "KB008")


def test_text_never_leaves_the_page_as_markup_in_any_field(data_copy, tmp_path):
    """The template escapes every field (test_site checks a few); here every text of a record is
    replaced with markup, so a field a template forgot to escape would show."""
    from kb.formatting import canonical

    doc, _ = parse_bytes(MINIMAL.read_bytes(), "x")
    hostile = '<img src=x onerror=alert(1)>'

    def poison(value, key=""):
        if isinstance(value, dict):
            return {k: poison(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [poison(v, key) for v in value]
        keep = key in ("id", "jurisdiction", "language", "instrument_type", "legal_force", "status", "role", "lang", "who",
                       "answer", "body", "adopted", "effective", "last_verified", "url") or key.startswith("cite")
        return value if keep or key == "" else value + hostile

    data = poison(doc.data)
    data["findings"] = {q: {k: (v if k in ("answer", "cite") else poison(v)) for k, v in f.items()}
                        for q, f in doc.data["findings"].items()}
    for finding in data["findings"].values():
        if "note" in finding:
            finding["note"] = {"en": "Silent." + hostile}
    _record(data_copy, "cn-test-2015-minimal.yaml", canonical(data, "instruments", []))
    # The shared files too: names that end up in the navigation, headings and legends.
    for name, old, new in (("jurisdictions.yaml", "{en: China,", '{en: "China' + hostile + '",'),
                           ("framework.yaml", "title: {en: Consent,", 'title: {en: "Consent' + hostile + '",'),
                           ("vocabularies.yaml", "label: {en: Partly,", 'label: {en: "Partly' + hostile + '",')):
        path = data_copy / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    result = run_kb("build", "--data", str(data_copy), "--site", str(tmp_path / "site"))
    assert result.returncode == 0, result.stdout + result.stderr
    for page in (tmp_path / "site").rglob("*.html"):
        assert "<img src=x" not in page.read_text(encoding="utf-8"), page
    assert "&lt;img src=x" in (tmp_path / "site" / "instruments" / "cn-test-2015-minimal" / "index.html").read_text()
