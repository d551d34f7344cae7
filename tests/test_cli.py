"""The command line as a contributor meets it: messages, exit codes, and a site that survives bad data."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
from pathlib import Path

from conftest import DATA, FIXTURES, ROOT, run_kb


def tree_digest(folder: Path, skip: str | None = None) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if skip and path.relative_to(folder).parts[0] == skip:
            continue
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_validate_reports_everything_in_one_run_without_traceback(data_copy):
    for name in ("KB022-cite-unknown-provision", "KB012-vocabulary-capitalised", "KB006-python-tag"):
        shutil.copyfile(FIXTURES / "invalid" / f"{name}.yaml", data_copy / "instruments" / f"{name.lower()}.yaml")
    result = run_kb("validate", "--data", str(data_copy))
    assert result.returncode == 1
    assert "Traceback" not in result.stdout + result.stderr
    reported = [line for line in result.stdout.splitlines() if ": KB" in line]
    assert len(reported) >= 6  # each file also has the id/file-name mismatch (KB020)
    assert {line.split(": ")[1].split()[0] for line in reported} >= {"KB022", "KB012", "KB006", "KB020"}
    for line in reported:
        path, line_number, _ = line.split(":", 2)
        assert Path(path).is_file() and int(line_number) >= 1
    assert result.stdout.count("    hint: ") == len(reported)


def test_validate_passes_on_the_bundled_data():
    result = run_kb("validate", "--data", str(DATA))
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.startswith("OK: ") and " instruments, " in result.stdout


def test_make_validate_takes_a_data_folder(data_copy):
    (data_copy / "instruments" / "cn-saic-2015-consumer-measures.yaml").write_text("id: [unclosed\n")
    result = subprocess.run(["make", "-s", "validate", f"DATA={data_copy}"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode != 0
    assert "cn-saic-2015-consumer-measures.yaml:1: KB001" in result.stdout


def test_invalid_data_leaves_the_previous_site_untouched(data_copy, tmp_path):
    site = tmp_path / "site"
    assert run_kb("build", "--data", str(data_copy), "--site", str(site)).returncode == 0
    before = tree_digest(site)
    record = data_copy / "instruments" / "cn-saic-2015-consumer-measures.yaml"
    record.write_text(record.read_text().replace("answer: \"yes\"", "answer: maybe", 1))
    result = run_kb("build", "--data", str(data_copy), "--site", str(site))
    assert result.returncode == 1
    assert "KB012" in result.stdout and "left as it was" in result.stderr
    assert tree_digest(site) == before
    assert not list(tmp_path.glob(".site-building-*"))


def test_two_builds_are_byte_identical(data_copy, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    assert run_kb("build", "--data", str(data_copy), "--site", str(first)).returncode == 0
    assert run_kb("build", "--data", str(data_copy), "--site", str(second)).returncode == 0
    # Pagefind (the search index) writes its filter index in hash-map order, so those fragments
    # get other names from build to build; every page and every download is byte-identical, and the
    # index holds the same pages (the browser tests search it).
    assert tree_digest(first, skip="pagefind") == tree_digest(second, skip="pagefind")
    assert sorted(p.name for p in (first / "pagefind" / "fragment").iterdir()) == \
        sorted(p.name for p in (second / "pagefind" / "fragment").iterdir())
