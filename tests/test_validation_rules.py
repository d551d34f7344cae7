"""Every validation rule, each with a failing example file.

Each file in fixtures/invalid/ is the minimal valid record with one mistake. The line that the
validator must report ends with the comment ``# <- CODE``. The test drops the file into a copy of
the real data folder and checks that exactly that problem is reported for that file.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from conftest import DATA, FIXTURES
from kb.load import DataError, check, load
from kb.load.rules import RULES

INVALID = sorted((FIXTURES / "invalid").glob("*.yaml"))
MARK = re.compile(r"# <- (KB\d{3})")


def _install(fixture: Path, data_dir: Path) -> Path:
    text = fixture.read_text(encoding="utf-8")
    match = re.search(r"^# install-as: (\S+)$", text, re.MULTILINE)
    name = match.group(1) if match else "cn-test-2015-minimal.yaml"
    target = data_dir / "instruments" / name
    shutil.copyfile(fixture, target)
    return target


def test_the_minimal_record_is_valid(data_copy):
    shutil.copyfile(FIXTURES / "minimal-instrument.yaml", data_copy / "instruments" / "cn-test-2015-minimal.yaml")
    assert check(data_copy) == []


def test_the_data_is_valid_today():
    assert check(DATA) == []


@pytest.mark.parametrize("fixture", INVALID, ids=lambda p: p.stem)
def test_invalid_example_is_reported_at_its_line(fixture, data_copy):
    target = _install(fixture, data_copy)
    lines = target.read_text(encoding="utf-8").splitlines()
    expected = [(index + 1, MARK.search(line).group(1)) for index, line in enumerate(lines) if MARK.search(line)]
    assert len(expected) == 1, "each example marks exactly one line"
    problems = [p for p in check(data_copy) if Path(p.path).name == target.name]
    assert [(p.line, p.code) for p in problems] == expected, "\n".join(p.format() for p in problems)
    assert problems[0].hint or RULES[problems[0].code].hint


def test_every_rule_code_has_an_example_or_a_test():
    """Each code has a failing example in fixtures/invalid/ or a test elsewhere that asserts it."""
    asserted = set()
    for test_file in Path(__file__).parent.glob("test_*.py"):
        asserted |= set(re.findall(r'"(KB\d{3})"', test_file.read_text(encoding="utf-8")))
    covered = {p.stem[:5] for p in INVALID} | asserted
    assert set(RULES) <= covered, f"rules without a failing example: {sorted(set(RULES) - covered)}"


def test_near_misses_get_a_suggestion(data_copy):
    target = _install(FIXTURES / "invalid" / "KB011-unknown-field.yaml", data_copy)
    [problem] = check(data_copy)
    assert problem.code == "KB011" and "did you mean 'document_number'" in problem.hint
    text = target.read_text().replace("documnet_number", "document_number")
    target.write_text(text.replace('answer: "yes", cite: [art-1]}', 'answer: "Yes", cite: [art-1]}', 1))
    [problem] = check(data_copy)
    assert problem.code == "KB012" and "did you mean 'yes'" in problem.hint


def test_every_problem_in_every_file_is_reported_in_one_run(data_copy):
    for fixture in INVALID:
        if "install-as" not in fixture.read_text():
            shutil.copyfile(fixture, data_copy / "instruments" / f"{fixture.stem.lower()}.yaml")
    problems = check(data_copy)
    files = {p.path for p in problems}
    assert len(files) == len([f for f in INVALID if "install-as" not in f.read_text()])
    with pytest.raises(DataError) as raised:
        load(data_copy)
    assert len(raised.value.problems) == len(problems)


def test_missing_framework_file_and_folder(data_copy):
    (data_copy / "framework.yaml").unlink()
    shutil.rmtree(data_copy / "bodies")
    codes = {(Path(p.path).name, p.code) for p in check(data_copy)}
    assert ("framework.yaml", "KB031") in codes and ("bodies", "KB031") in codes


def test_duplicate_vocabulary_term(data_copy):
    path = data_copy / "vocabularies.yaml"
    path.write_text(path.read_text().replace("    - id: \"partial\"\n", "    - id: \"no\"\n", 1))
    problems = check(data_copy)
    assert any(p.code == "KB032" and p.path.endswith("vocabularies.yaml") for p in problems)


def test_hostile_bytes_in_a_record(data_copy):
    (data_copy / "instruments" / "cn-binary.yaml").write_bytes(b"\x00\xff\xfe garbage")
    (data_copy / "instruments" / "cn-empty.yaml").write_bytes(b"")
    (data_copy / "instruments" / "cn-big.yaml").write_bytes(b"id: x\nnote: " + b"x" * 1_100_000)
    codes = {Path(p.path).name: p.code for p in check(data_copy)}
    assert codes == {"cn-binary.yaml": "KB002", "cn-empty.yaml": "KB003", "cn-big.yaml": "KB007"}


def test_a_question_added_to_the_framework_must_be_answered_everywhere(data_copy):
    path = data_copy / "framework.yaml"
    text = path.read_text()
    extra = text[text.index("      - id: consent.withdrawal"):text.index("  - id: registration")]
    path.write_text(text.replace(extra, extra + extra.replace("consent.withdrawal", "consent.children"), 1))
    problems = check(data_copy)
    unanswered = {Path(p.path).stem for p in problems if p.code == "KB024"}
    assert unanswered == {p.stem for p in (data_copy / "instruments").glob("*.yaml")}


def test_thousands_of_files_are_all_read_and_the_one_bad_one_is_found(data_copy):
    minimal = (FIXTURES / "minimal-instrument.yaml").read_text(encoding="utf-8")
    for n in range(2000):
        record_id = f"cn-test-2015-bulk{n:04d}"
        (data_copy / "instruments" / f"{record_id}.yaml").write_text(minimal.replace("cn-test-2015-minimal", record_id))
    broken = data_copy / "instruments" / "cn-test-2015-bulk1234.yaml"
    broken.write_text(broken.read_text().replace("status: in-force", "status: in force"))
    problems = check(data_copy)
    assert [(Path(p.path).name, p.code) for p in problems] == [("cn-test-2015-bulk1234.yaml", "KB012")]


def test_editions_must_be_listed_oldest_first(data_copy):
    path = data_copy / "editions.yaml"
    text = path.read_text(encoding="utf-8")
    text += '  - edition: "2020-01-01"\n    summary: {en: Older.}\n    changes: [{en: Nothing.}]\n'
    path.write_text(text, encoding="utf-8")
    problems = check(data_copy)
    assert [(Path(p.path).name, p.code) for p in problems] == [("editions.yaml", "KB036")]


def test_the_fast_schema_check_rejects_whatever_jsonschema_rejects(data_copy):
    """The compiled twin of the schema must never let through a record jsonschema would refuse."""
    import fastjsonschema

    from kb.load import _terms
    from kb.load.schema import SchemaSet
    from kb.load.yamlsafe import parse_file

    vocab, _ = parse_file(data_copy / "vocabularies.yaml", "v")
    jurisdictions, _ = parse_file(data_copy / "jurisdictions.yaml", "j")
    schemas = SchemaSet(_terms(vocab, jurisdictions))
    checked = 0
    for fixture in INVALID:
        doc, problems = parse_file(fixture, fixture.name)
        if doc is None:
            continue
        full = list(schemas.validators["instrument"].iter_errors(doc.data))
        if full:
            checked += 1
            try:
                schemas.fast["instrument"](doc.data)
                raise AssertionError(f"{fixture.name}: the fast check accepted a record jsonschema rejects")
            except fastjsonschema.JsonSchemaException:
                pass
    assert checked >= 8


BAD_CLAIMS = """source: {title: Test essay, author: Tester, year: "2015", url: "https://example.org/essay"}
claims:
  - id: no-such-record
    says: {en: A claim about a record that does not exist.}
    where: first paragraph
    kind: instrument
    jurisdiction: CN
    year: "2015"
    instrument: cn-test-2015-no-such-record
    answers: {consent.required: ["yes"]}
    note: {en: Test.}
  - id: no-such-question
    says: {en: A claim about a question the framework does not ask.}
    where: second paragraph
    kind: state
    jurisdiction: CN
    year: "2015"
    perspectives: [business]
    questions: [registration.prior-filing]
    expects: [open]
    note: {en: Test.}
  - id: nothing-asked
    says: {en: A claim about a question not asked of businesses.}
    where: third paragraph
    kind: state
    jurisdiction: CN
    year: "2015"
    perspectives: [business]
    questions: [oversight.government-bound]
    expects: [open]
    note: {en: Test.}
  - id: compared-with-itself
    says: {en: The state had fewer protections than the state.}
    where: fourth paragraph
    kind: comparison
    jurisdiction: US
    year: "2015"
    fewer: state
    than: state
    note: {en: Test.}
  - id: in-the-future
    says: {en: A claim about a year to come.}
    where: fifth paragraph
    kind: state
    jurisdiction: CN
    year: "2999"
    perspectives: [business]
    questions: [consent.required]
    expects: [open]
    note: {en: Test.}
"""


def test_a_claim_must_name_what_the_findings_can_check(data_copy):
    (data_copy / "claims.yaml").write_text(BAD_CLAIMS, encoding="utf-8")
    lines = BAD_CLAIMS.splitlines()
    expected = [lines.index("    instrument: cn-test-2015-no-such-record") + 1,
                lines.index("    questions: [registration.prior-filing]") + 1,
                lines.index("    questions: [oversight.government-bound]") + 1,
                lines.index("    than: state") + 1,
                lines.index('    year: "2999"') + 1]
    problems = check(data_copy)
    assert all(p.code == "KB049" and Path(p.path).name == "claims.yaml" for p in problems), problems
    assert [p.line for p in problems] == expected, "\n".join(p.format() for p in problems)
