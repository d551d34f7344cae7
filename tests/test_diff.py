"""`kb diff`: what changed between two data folders or git revisions.

Each test edits a private copy of the data the way a contributor would (one answer, one citation,
one quote, an instrument added, one removed) and checks that the diff reports exactly that. Which
record and which finding to edit is chosen from the data (the first that stays valid after the
edit), and what the diff must say is read back from the edited records, so a correct edit of the
real data never breaks these tests.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from conftest import DATA, KB, run_kb
from kb.diff import (
    AnswerChange,
    CiteChange,
    QuoteChange,
    changelog_items,
    compare,
    read_side,
    render_changelog,
    render_markdown,
    render_text,
)
from kb.formatting import canonical
from kb.load import check, load
from kb.load.yamlsafe import parse_file

QUESTIONS = [q.id for q in KB.questions]


# --- editing a copy as a contributor would ---------------------------------------------------------------

def _records(folder: Path) -> list[Path]:
    return sorted((folder / "instruments").glob("*.yaml"))


def _read(path: Path) -> dict:
    doc, problems = parse_file(path, str(path))
    assert doc is not None and not problems, problems
    return doc.data


def _write(path: Path, data: dict) -> None:
    path.write_text(canonical(data, "instruments", QUESTIONS), encoding="utf-8")


def _edit_first_valid(folder: Path, edits, avoid: set[str]) -> tuple:
    """Apply the first candidate edit that leaves the folder valid; returns what it said it did.
    ``edits(data)`` yields (description, apply) pairs for one record's data."""
    for path in _records(folder):
        if path.stem in avoid:
            continue
        original = path.read_bytes()
        for what, apply in edits(_read(path)):
            data = _read(path)
            apply(data)
            _write(path, data)
            if not check(folder):
                avoid.add(path.stem)
                return (path.stem, *what)
            path.write_bytes(original)
    pytest.skip("no record of the data can take this edit and stay valid")


def change_an_answer(folder: Path, avoid: set[str]) -> tuple[str, str, str, str]:
    """A finding answered yes becomes partial (with the note partial needs)."""
    def edits(data):
        for qid, finding in data["findings"].items():
            if finding.get("answer") == "yes":
                def apply(d, qid=qid):
                    d["findings"][qid]["answer"] = "partial"
                    d["findings"][qid].setdefault("note", {"en": "Only in part (an edit made by the diff tests)."})
                yield (qid, "yes", "partial"), apply
    return _edit_first_valid(folder, edits, avoid)


def change_a_cite(folder: Path, avoid: set[str]) -> tuple[str, str]:
    """A finding that cites something cites one more provision of its record."""
    def edits(data):
        ids = [p["id"] for p in data["provisions"]]
        for qid, finding in data["findings"].items():
            extra = [pid for pid in ids if pid not in finding.get("cite", [])]
            if finding.get("cite") and extra:
                def apply(d, qid=qid, pid=extra[0]):
                    d["findings"][qid]["cite"] = [*d["findings"][qid]["cite"], pid]
                yield (qid,), apply
    return _edit_first_valid(folder, edits, avoid)


def change_a_quote(folder: Path, avoid: set[str]) -> tuple[str, str, str]:
    """A provision's English wording is corrected."""
    def edits(data):
        for n, provision in enumerate(data["provisions"]):
            if isinstance(provision.get("text"), dict) and provision["text"].get("en"):
                def apply(d, n=n):
                    d["provisions"][n]["text"]["en"] = d["provisions"][n]["text"]["en"].rstrip() + " (corrected)"
                yield (provision["id"], "en"), apply
    return _edit_first_valid(folder, edits, avoid)


def add_an_instrument(folder: Path, avoid: set[str]) -> str:
    """A copy of an existing record under a new id (the same answers: no gap state moves)."""
    for source in _records(folder):
        if source.stem in avoid:
            continue
        new_id = f"{source.stem}-diff-test-copy"
        data = _read(source)
        data["id"] = new_id
        # Names that must stay unique to one instrument (its short title, abbreviations) are the copy's own.
        data["short_title"] = f"{data['short_title']} (diff test copy)"
        for name in [k for k in data["title"] if k not in ("en", "zh", "pinyin")]:
            del data["title"][name]
        target = folder / "instruments" / f"{new_id}.yaml"
        _write(target, data)
        if not check(folder):
            avoid.add(new_id)
            return new_id
        target.unlink()
    pytest.skip("no record can be copied under a new id and stay valid")


def remove_an_instrument(folder: Path, avoid: set[str]) -> str:
    """The first record that nothing else names (no relation, claim or body points at it)."""
    for path in reversed(_records(folder)):
        if path.stem in avoid:
            continue
        original = path.read_bytes()
        path.unlink()
        if not check(folder):
            avoid.add(path.stem)
            return path.stem
        path.write_bytes(original)
    pytest.skip("every record is named by another; none can be removed")


def _chain(code: str) -> list[str]:
    """The jurisdiction and those whose law also applies in it (a US state: the US)."""
    out = []
    while code and code not in out:
        out.append(code)
        code = KB.jurisdictions[code].parent
    return out


def _diff(old: Path, new: Path):
    return compare(read_side(str(old)), read_side(str(new)))


def _copy(tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(DATA, target)
    return target


# --- the comparison ----------------------------------------------------------------------------------------

def test_a_folder_compared_with_itself_is_unchanged(tmp_path):
    diff = _diff(DATA, DATA)
    assert diff.empty
    assert "No changes" in render_text(diff) and "No changes" in render_markdown(diff)
    assert render_changelog(diff) == ""
    copy = _copy(tmp_path, "same")
    for path in _records(copy)[:3]:  # the canonical layout written again changes no meaning
        _write(path, _read(path))
    assert _diff(DATA, copy).empty


def test_a_changed_answer_is_reported_and_nothing_else(tmp_path):
    new = _copy(tmp_path, "new")
    iid, qid, before, after = change_an_answer(new, set())
    diff = _diff(DATA, new)
    assert diff.answers == [AnswerChange(iid, qid, "", before, after)]
    assert (diff.added, diff.removed, diff.cites, diff.quotes) == ([], [], [], [])
    assert {(c.id, c.path) for c in diff.other} <= {(iid, f"findings.{qid}.note")}
    # The gap views may follow the answer, but only for that question.
    assert {g.question for g in diff.gaps} <= {qid}


def test_a_changed_answer_for_one_addressee_is_reported_for_it(tmp_path):
    new = _copy(tmp_path, "new")
    found = None
    for path in _records(new):
        data = _read(path)
        for qid, finding in data["findings"].items():
            for who, own in (finding.get("differs_for") or {}).items():
                if own.get("answer") == "yes":
                    found = (path, qid, who)
                    break
            if found:
                break
        if found:
            break
    if found is None:
        pytest.skip("no finding gives an addressee its own answer yes")
    path, qid, who = found
    original = path.read_bytes()
    data = _read(path)
    own = data["findings"][qid]["differs_for"][who]
    own["answer"] = "partial"
    own.setdefault("note", {"en": "Only in part (an edit made by the diff tests)."})
    _write(path, data)
    if check(new):
        path.write_bytes(original)
        pytest.skip("this addressee's answer cannot be partial and stay valid")
    diff = _diff(DATA, new)
    assert diff.answers == [AnswerChange(path.stem, qid, who, "yes", "partial")]
    assert diff.cites == [] and diff.quotes == []


def test_a_changed_citation_is_reported_with_both_lists(tmp_path):
    new = _copy(tmp_path, "new")
    iid, qid = change_a_cite(new, set())
    before = KB.instrument(iid).findings[qid]
    after = load(new).instrument(iid).findings[qid]
    diff = _diff(DATA, new)
    assert diff.cites == [CiteChange(iid, qid, "", tuple(p.id for p in before.cite), tuple(p.id for p in after.cite))]
    assert (diff.answers, diff.quotes, diff.added, diff.removed, diff.other) == ([], [], [], [], [])


def test_a_changed_quote_is_reported_with_its_language_and_words(tmp_path):
    new = _copy(tmp_path, "new")
    iid, pid, lang = change_a_quote(new, set())
    before = next(p for p in KB.instrument(iid).provisions if p.id == pid).text[lang]
    after = next(p for p in load(new).instrument(iid).provisions if p.id == pid).text[lang]
    diff = _diff(DATA, new)
    assert diff.quotes == [QuoteChange(iid, pid, "", lang, before, after)]
    assert (diff.answers, diff.cites, diff.added, diff.removed, diff.other, diff.gaps) == ([], [], [], [], [], [])
    assert "(corrected)+}" in render_text(diff)
    assert "(corrected)</ins>" in render_markdown(diff)


def test_added_and_removed_instruments_are_listed(tmp_path):
    new = _copy(tmp_path, "new")
    avoid: set[str] = set()
    added = add_an_instrument(new, avoid)
    removed = remove_an_instrument(new, avoid)
    diff = _diff(DATA, new)
    assert (diff.added, diff.removed) == ([added], [removed])
    assert (diff.answers, diff.cites, diff.quotes, diff.other) == ([], [], [], [])
    # Gap states can move only where the removed instrument's law applies.
    gone = KB.instrument(removed).jurisdiction.code
    related = {code for code in KB.jurisdictions if gone in _chain(code) or code in _chain(gone)}
    assert {g.jurisdiction for g in diff.gaps} <= related
    text = render_text(diff)
    assert f"+ {added}" in text and f"- {removed}" in text


def test_every_kind_of_change_at_once_is_reported_exactly(tmp_path):
    new = _copy(tmp_path, "new")
    avoid: set[str] = set()
    answer = change_an_answer(new, avoid)
    cite = change_a_cite(new, avoid)
    quote = change_a_quote(new, avoid)
    added = add_an_instrument(new, avoid)
    removed = remove_an_instrument(new, avoid)
    diff = _diff(DATA, new)
    assert [(c.instrument, c.question, c.before, c.after) for c in diff.answers] == [answer]
    assert [(c.instrument, c.question) for c in diff.cites] == [cite]
    assert [(c.instrument, c.provision, c.lang) for c in diff.quotes] == [quote[:3]]
    assert (diff.added, diff.removed) == ([added], [removed])
    # Each rendering is deterministic.
    for render in (render_text, render_markdown, render_changelog):
        assert render(diff) == render(_diff(DATA, new))
    markdown = render_markdown(diff)
    for heading in ("Changed answers (1)", "Changed citations (1)", "Changed quotes (1)", "New instruments (1)",
                    "Removed instruments (1)"):
        assert f"### {heading}" in markdown
    assert answer[0] in markdown and cite[0] in markdown and quote[0] in markdown


def test_the_changelog_items_paste_into_editions_yaml(tmp_path):
    """`--format changelog` prints items that, pasted under a new edition's changes:, validate and
    read back as the sentences the diff wrote."""
    new = _copy(tmp_path, "new")
    avoid: set[str] = set()
    change_an_answer(new, avoid)
    change_a_quote(new, avoid)
    diff = _diff(DATA, new)
    items = changelog_items(diff)
    pasted = render_changelog(diff)
    assert items and pasted.count("- en: >-") == len(items)
    assert all(len(line) <= 100 for line in pasted.splitlines())
    newest = dt.date.fromisoformat(KB.edition)
    day = max(newest + dt.timedelta(days=1), dt.date.today())
    editions = new / "editions.yaml"
    editions.write_text(editions.read_text(encoding="utf-8").rstrip("\n") + "\n"
                        f'  - edition: "{day.isoformat()}"\n    summary:\n      en: An edition made by the diff tests.\n'
                        "    changes:\n" + pasted, encoding="utf-8")
    assert check(new, day) == []
    assert [c.en for c in load(new, day).editions[-1].changes] == items
    assert yaml.safe_load("changes:\n" + pasted)["changes"] == [{"en": item} for item in items]


# --- the command line ----------------------------------------------------------------------------------

def test_an_invalid_side_prints_its_problems_and_fails(tmp_path):
    broken = _copy(tmp_path, "broken")
    path = _records(broken)[0]
    data = _read(path)
    qid = next(iter(data["findings"]))
    data["findings"][qid]["answer"] = "maybe"
    _write(path, data)
    result = run_kb("diff", str(DATA), str(broken))
    assert result.returncode == 1
    assert re.search(rf"^{re.escape(str(path))}:\d+: KB012 ", result.stdout, re.MULTILINE), result.stdout
    assert "Traceback" not in result.stderr


def test_a_side_that_is_neither_folder_nor_revision_is_a_usage_error(tmp_path):
    result = run_kb("diff", str(DATA), str(tmp_path / "no-such-folder"), cwd=tmp_path)
    assert result.returncode == 2 and "neither a data folder nor a git revision" in result.stderr
    assert "Traceback" not in result.stderr


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=kb tests", "-c", "user.email=tests@invalid", "-c", "commit.gpgsign=false",
                    *args], cwd=repo, check=True, capture_output=True)


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_git_revisions_are_read_without_touching_the_work_tree(tmp_path):
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copytree(DATA, repo / "data")
    _git(repo, "init", "-q")
    _git(repo, "add", "data")
    _git(repo, "commit", "-qm", "the data as it is")
    iid, qid, before, after = change_an_answer(repo / "data", set())
    for fmt in ("text", "markdown", "changelog"):
        result = run_kb("diff", "HEAD", "data", "--format", fmt, cwd=repo)
        assert result.returncode == 0, result.stdout + result.stderr
        assert (iid in result.stdout) or (KB.instrument(iid).short_title in result.stdout), fmt
    text = run_kb("diff", "HEAD", "data", cwd=repo).stdout
    assert f"{iid}  {qid}: {KB.answer(before).label.en} -> {KB.answer(after).label.en}" in text
    # A revision with problems is reported as REV:path:line, and nothing is checked out.
    _git(repo, "commit", "-qam", "the edit")
    path = _records(repo / "data")[0]
    data = _read(path)
    data["findings"][next(iter(data["findings"]))]["answer"] = "maybe"
    _write(path, data)
    _git(repo, "commit", "-qam", "a broken record")
    result = run_kb("diff", "HEAD~1", "HEAD", cwd=repo)
    assert result.returncode == 1
    assert re.search(rf"^HEAD:data/instruments/{re.escape(path.name)}:\d+: KB012 ", result.stdout, re.MULTILINE), result.stdout
    status = subprocess.run(["git", "status", "--porcelain"], cwd=repo, capture_output=True, text=True, check=True)
    assert status.stdout == ""


def test_gap_states_follow_the_instruments_they_rest_on(tmp_path):
    """Without any instrument of a jurisdiction (that no other lies inside), every question that
    was not open there becomes open, for each perspective."""
    from kb.gaps import GapViews

    inner = {j.parent for j in KB.jurisdictions.values() if j.parent}
    code = next(c for c, j in KB.jurisdictions.items() if c not in inner and any(i.jurisdiction.code == c for i in KB.instruments))
    old = _copy(tmp_path, "old")
    (old / "claims.yaml").unlink(missing_ok=True)  # the essay's claims name instruments; not compared here
    new = tmp_path / "new"
    shutil.copytree(old, new)
    for instrument in KB.instruments:
        if instrument.jurisdiction.code == code:
            (new / "instruments" / f"{instrument.id}.yaml").unlink()
    if check(new):
        pytest.skip("another record names an instrument of this jurisdiction")
    diff = _diff(old, new)
    views = GapViews(KB, diff.day)
    expected = sorted((p.id, s.question.id, s.state) for p in views.perspectives
                      for s in views.at(KB.jurisdictions[code], diff.day, p) if s.state not in ("open", ""))
    assert sorted((g.perspective, g.question, g.before) for g in diff.gaps) == expected
    assert {(g.jurisdiction, g.after) for g in diff.gaps} <= {(code, "open")}
    assert f"Changed gap states on {diff.day}" in render_text(diff)
