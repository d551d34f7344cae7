"""The path of a new contributor: template, scaffold, mistakes pointed out at their lines, a
clean validate, the canonical format, and the generated field reference."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import DATA, ROOT, run_kb
from kb.formatting import canonical, format_folder
from kb.load import check
from kb.load.schema import raw_schema
from kb.load.yamlsafe import parse_bytes

TEMPLATE = ROOT / "schema" / "instrument.template.yaml"


def _codes_by_line(problems):
    return sorted((p.line, p.code) for p in problems)


def test_the_template_only_ever_complains_about_its_placeholders(data_copy):
    result = run_kb("new", "--data", str(data_copy), "--id", "cn-test-2016-new")
    assert result.returncode == 0, result.stderr
    target = data_copy / "instruments" / "cn-test-2016-new.yaml"
    lines = target.read_text(encoding="utf-8").splitlines()
    problems = [p for p in check(data_copy) if p.path.endswith("cn-test-2016-new.yaml")]
    assert problems and {p.code for p in problems} == {"KB035"}
    placeholder_lines = sorted(i + 1 for i, line in enumerate(lines) if "REPLACE" in line and not line.lstrip().startswith("#"))
    assert sorted(p.line for p in problems) == placeholder_lines


def test_the_template_mentions_every_field_of_the_schema():
    text = TEMPLATE.read_text(encoding="utf-8")
    for name in raw_schema("instrument")["properties"]:
        assert re.search(rf"^{name}:", text, re.MULTILINE), f"the template does not show field {name}"


def test_new_refuses_bad_ids_and_existing_files(data_copy):
    assert run_kb("new", "--data", str(data_copy), "--id", "Bad_ID").returncode == 2
    assert run_kb("new", "--data", str(data_copy), "--id", "cn-saic-2015-consumer-measures").returncode == 1


def _fill(text: str) -> str:
    """What a contributor types in place of the placeholders: a small, valid record."""
    text = "\n".join(line for line in text.splitlines() if not line.lstrip().startswith("#") or "yaml-language-server" in line) + "\n"
    replacements = {
        "  en: REPLACE with the English title": "  en: Test Provisions",
        "  zh: REPLACE with the Chinese title (delete this line for an English-language instrument)": "  zh: 测试规定",
        "  pinyin: REPLACE with the pinyin title (delete this line for an English-language instrument)": "  pinyin: Cèshì Guīdìng",
        "    - REPLACE with another English title, or delete aliases": "    - Provisions for Testing",
        "short_title: REPLACE with a short title (Year)": "short_title: Test Provisions (2016)",
        "  en: REPLACE with the issuing body": "  en: Test Ministry",
        "  zh: REPLACE with the issuing body in Chinese (delete for an English-language instrument)": "  zh: 测试部",
        "document_number: REPLACE with the document number, or delete this line": "document_number: Test Order No. 1",
        "citation:\n  code: REPLACE with where it is codified (e.g. 5 U.S.C. § 552a), or delete\n  author: REPLACE with the issuer as citations name it (no session numbers), or delete\n": "",
        "instrument_type: REPLACE with the instrument type": "instrument_type: departmental-rule",
        "legal_force: REPLACE with binding or non-binding": "legal_force: binding",
        "  - who: REPLACE with an addressee": "  - who: consumer-transactions",
        "    note: {en: REPLACE with who exactly (thresholds, exclusions), or delete}\n": "",
        '  adopted: "REPLACE with YYYY-MM-DD"': '  adopted: "2016-01-05"',
        '  effective: "REPLACE with YYYY-MM-DD"\n  amended:': '  effective: "2016-03-01"\n  amended:',
        '    - date: "REPLACE with YYYY-MM-DD, or delete amended"\n      effective: "REPLACE with YYYY-MM-DD"\n'
        '      note: {en: REPLACE with what the amendment changed}\n': '    - date: "2018-01-01"\n      effective: "2018-02-01"\n      note: {en: Renamed the ministry.}\n',
        'coded_version: "REPLACE with YYYY-MM-DD, or delete this line"\n': "",
        "status: REPLACE with the status": "status: amended",
        "status_note: {en: REPLACE with how you know the status, or delete}\n": "",
        "summary: {en: REPLACE with two or three sentences in your own words}": "summary: {en: A test record.}",
        "    lang: REPLACE with zh or en": "    lang: zh",
        "    title: REPLACE with the title of the official page": "    title: 测试规定",
        "    url: https://REPLACE.example/official-page": "    url: https://www.gov.cn/official",
        '    note: REPLACE with anything a reader should know (e.g. "not retrieved by us"), or delete\n': "",
        "  - role: translation\n    lang: en\n    title: REPLACE with the translation's title, or delete this source\n"
        "    url: https://REPLACE.example/translation\n    translator: REPLACE with the translator\n": "",
        "      zh: REPLACE with the operative words in Chinese, copied exactly (delete for English-language)": "      zh: 应当经用户同意。",
        "      en: REPLACE with the operative words in English": "      en: The user's consent shall be obtained.",
        "    translation: {by: REPLACE with the translator, or Privacy Law Compared working translation}": "    translation: {by: Privacy Law Compared working translation}",
        "    answer: REPLACE with the answer": '    answer: "yes"',
        "    summary: {en: REPLACE with one sentence}": "    summary: {en: Consent is required.}",
        "    note: {en: REPLACE with why, or delete if the answer is yes or no and obvious}\n": "",
        "  oversight.designated: {answer: REPLACE, cite: [art-1], summary: {en: REPLACE}, note: {en: REPLACE}}":
            '  oversight.designated: {answer: "yes", cite: [art-1], summary: {en: The ministry.}}',
        "{answer: REPLACE, cite: [art-1], summary: {en: REPLACE}, note: {en: REPLACE}}": '{answer: "no", cite: [art-1], summary: {en: No.}}',
        "  - body: REPLACE-BODY-ID": "  - body: saic",
        "    role: {en: REPLACE with what the body does under this instrument}": "    role: {en: Enforces it.}",
        "relations:\n  - type: REPLACE with the relation type, or delete relations\n    target: REPLACE-INSTRUMENT-ID\n": "",
        '  last_verified: "REPLACE with YYYY-MM-DD"': '  last_verified: "2026-11-20"',
        "  verified_by: REPLACE with your name or handle": "  verified_by: a-new-contributor",
        "  note: {en: REPLACE with what you checked against what}": "  note: {en: Checked against the official text.}",
    }
    for old, new in replacements.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def test_a_new_contributor_goes_from_template_to_a_clean_validate(data_copy):
    # 1. Scaffold, as CONTRIBUTING says.
    assert run_kb("new", "--data", str(data_copy), "--id", "cn-test-2016-new").returncode == 0
    record = data_copy / "instruments" / "cn-test-2016-new.yaml"
    result = run_kb("validate", "--data", str(data_copy))
    assert result.returncode == 1 and "KB035" in result.stdout
    # 2. Fill it in, with the typical mistakes of a first attempt.
    good = _fill(record.read_text(encoding="utf-8"))
    mistakes = (good.replace("legal_force: binding", "legal_force: Binding")          # capitalised term
                    .replace('  effective: "2016-03-01"', '  effective: "2016-02-30"')  # impossible date
                    .replace("    cite: [art-1]\n    summary: {en: Consent is required.}",
                             "    cite: [art-11]\n    summary: {en: Consent is required.}")  # wrong provision id
                    .replace("short_title:", "shorttitle:"))                           # misspelt field
    record.write_text(mistakes, encoding="utf-8")
    result = run_kb("validate", "--data", str(data_copy))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = mistakes.splitlines()
    expected = {
        "KB012": lines.index("legal_force: Binding") + 1,
        "KB025": lines.index('  effective: "2016-02-30"') + 1,
        "KB022": next(i for i, line in enumerate(lines) if "cite: [art-11]" in line) + 1,
        "KB011": lines.index("shorttitle: Test Provisions (2016)") + 1,
    }
    for code, line in expected.items():
        assert f"cn-test-2016-new.yaml:{line}: {code}" in result.stdout, (code, result.stdout)
    assert "did you mean 'binding'" in result.stdout and "did you mean 'short_title'" in result.stdout
    # 3. Fix what the messages point at; validate is clean, and `make format` settles the layout.
    record.write_text(good, encoding="utf-8")
    result = run_kb("validate", "--data", str(data_copy))
    assert result.returncode == 0, result.stdout
    assert run_kb("format", "--check", "--data", str(data_copy)).returncode == 1
    assert run_kb("format", "--data", str(data_copy)).returncode == 0
    assert run_kb("format", "--check", "--data", str(data_copy)).returncode == 0
    assert run_kb("validate", "--data", str(data_copy)).returncode == 0


def test_the_bundled_records_are_in_canonical_format():
    diffs, unreadable = format_folder(DATA, write=False)
    assert unreadable == [] and diffs == [], "run `make format`:\n" + "".join(diffs)[:3000]


def test_format_check_prints_a_diff(data_copy):
    record = data_copy / "instruments" / "cn-saic-2015-consumer-measures.yaml"
    record.write_text(record.read_text().replace("jurisdiction: CN\n", "jurisdiction:   CN\n"))
    result = run_kb("format", "--check", "--data", str(data_copy))
    assert result.returncode == 1
    assert "-jurisdiction:   CN" in result.stdout and "+jurisdiction: CN" in result.stdout


texts = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=40)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.sampled_from(["id", "summary", "note", "title", "zz"]),
                       st.one_of(texts, st.dictionaries(st.sampled_from(["en", "zh"]), texts, min_size=1),
                                 st.lists(texts, max_size=3)), min_size=1))
def test_canonical_format_round_trips_any_text(data):
    text = canonical(data, "instruments", [])
    doc, problems = parse_bytes(text.encode("utf-8"), "x.yaml")
    if problems:  # only text the strict reader itself refuses (e.g. control characters)
        assert all(p.code == "KB001" for p in problems)
        return
    assert doc.data == data
    assert canonical(doc.data, "instruments", []) == text


def test_the_field_reference_is_generated_from_the_schema(built_site):
    html = (built_site / "reference" / "index.html").read_text(encoding="utf-8")
    for name in raw_schema("instrument")["properties"]:
        assert f"<code>{name}</code>" in html
    assert "<code>findings.&lt;question id&gt;.answer</code>" in html
    assert "vocabulary-relation-type" in html


def test_the_rule_table_in_contributing_is_current():
    """CONTRIBUTING.md carries the table itself (GitHub readers see it); `make docs` writes it."""
    from kb.docs import update_documents
    from kb.load.rules import RULES

    assert update_documents(check=True) == [], "run `make docs`"
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for code, rule in RULES.items():
        assert f"`{code}` | {rule.title.replace('|', chr(92) + '|')} |" in text


def test_contributing_page_lists_every_rule_code(built_site):
    from kb.load.rules import RULES

    html = (built_site / "contributing" / "index.html").read_text(encoding="utf-8")
    for code in RULES:
        assert f'id="{code.lower()}"' in html
