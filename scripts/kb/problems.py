"""Problems found in the data, and the catalogue of rule codes.

Every check in the project reports through :class:`Problem`, so that the command line, the
tests and the contributing docs all speak of the same codes. A code never changes meaning once
published; retire a code rather than reuse it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    hint: str
    example: str = ""  # a line of YAML that breaks the rule (for the contributing docs)


# One entry per rule code. The hint is the default advice; a check may give a more precise one.
RULES: dict[str, Rule] = {
    rule.code: rule
    for rule in [
        Rule("KB001", "YAML syntax error", "fix the YAML syntax at this line; indent with spaces, close every quote and bracket",
             "title: \"Personal Information Protection Law   (the closing quote is missing)"),
        Rule("KB002", "file is not UTF-8 text", "save the file as UTF-8 (without other encodings such as GBK or UTF-16)",
             "(a file saved as GBK: 个人信息 in the wrong encoding)"),
        Rule("KB003", "file is empty", "add the record's fields, or delete the file",
             "(an empty file)"),
        Rule("KB004", "duplicate key", "each key may appear once per mapping; merge the two entries or rename one",
             "consent.form: ... twice under findings"),
        Rule("KB005", "anchors and aliases are not allowed", "write the value out in full instead of using & and *",
             "issuer: &npc {en: NPC}  ...  issuer: *npc"),
        Rule("KB006", "YAML tags are not allowed", "remove the !tag; records hold plain text, lists and mappings only",
             "short_title: !!python/object/apply:os.system [ls]"),
        Rule("KB007", "file too large", "split the record or shorten quotations; quote only the operative words",
             "(a 2 MB file that pastes the whole law)"),
        Rule("KB008", "wrong top-level shape", "the file must be a single YAML mapping of field: value lines",
             "- id: cn-example   (a list instead of field: value lines)"),
        Rule("KB010", "missing required field", "add the field; see the field reference for what it holds",
             "(no short_title: line)"),
        Rule("KB011", "unknown field", "remove the field or correct its name; see the field reference",
             "short_tilte: PIPL (2021)"),
        Rule("KB012", "value not in vocabulary", "use one of the allowed values, spelled exactly (lowercase)",
             "answer: \"Yes\""),
        Rule("KB013", "wrong type or format", "see the field reference for the expected form",
             "adopted: 2021/08/20"),
        Rule("KB014", "list or text too short or too long", "see the field reference for the limits",
             "provisions: []"),
        Rule("KB015", "answer needs a citation or a note", "answers yes/no/partial cite provisions; partial, not-addressed and not-applicable need a note",
             "consent.form: {answer: partial, cite: [art-14]}   (no note)"),
        Rule("KB020", "id does not match file name", "make id equal the file name without .yaml (or rename the file)",
             "id: cn-pipl   (in cn-npcsc-2021-personal-information-protection-law.yaml)"),
        Rule("KB021", "duplicate id", "ids are unique; rename one of the records",
             "id: cn-saic-2015-consumer-measures   (in a second file)"),
        Rule("KB022", "citation names an unknown provision", "add the provision under provisions, or fix the id in cite",
             "cite: [art-99]   (no provision art-99)"),
        Rule("KB023", "finding for an unknown question", "use a question id from data/framework.yaml",
             "consent.explicit: {answer: \"yes\", cite: [art-14]}"),
        Rule("KB024", "framework question not answered", "add a finding for the question; use not-addressed with a note if the instrument is silent",
             "(findings without registration.breach)"),
        Rule("KB025", "impossible date", "use a real calendar date, YYYY-MM-DD",
             "effective: \"2015-02-30\""),
        Rule("KB026", "dates out of order", "check the dates against the official source",
             "adopted: \"2016-11-07\" ... effective: \"2016-06-01\""),
        Rule("KB027", "no official source", "add a source with role: official (gazette, issuing body or official archive)",
             "sources: [{role: translation, ...}]   (no official source)"),
        Rule("KB028", "unknown body", "use the id of a file in data/bodies/, or add that body",
             "body: saicc"),
        Rule("KB029", "duplicate provision id", "provision ids are anchors and must be unique within a record",
             "two provisions with id: art-11"),
        Rule("KB030", "date in the future", "review dates cannot be later than today",
             "last_verified: \"2099-01-01\""),
        Rule("KB031", "data folder missing a required file", "a data folder holds framework.yaml, jurisdictions.yaml, vocabularies.yaml, instruments/ and bodies/",
             "(data/framework.yaml deleted)"),
        Rule("KB032", "duplicate term", "vocabulary terms, questions and jurisdictions must be unique",
             "two vocabulary terms with id: \"no\""),
        Rule("KB034", "coded_version is not a known version", "set coded_version to dates.adopted or to the date of one of dates.amended",
             "coded_version: \"2016-01-01\"   (not adopted or an amendment date)"),
        Rule("KB035", "template placeholder left in the record", "fill in the value from the source, or delete the field if it is optional",
             "answer: REPLACE with the answer"),
        Rule("KB036", "editions out of order", "list editions oldest first, each with a later date than the one before",
             "an edition older than the one listed before it"),
        Rule("KB033", "relation to an unknown instrument", "use the id of a file in data/instruments/, or add that instrument first",
             "relations: [{type: amends, target: cn-does-not-exist}]"),
    ]
}


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    path: str
    line: int
    code: str
    message: str
    hint: str = ""

    def format(self) -> str:
        hint = self.hint or RULES[self.code].hint
        return f"{self.path}:{self.line}: {self.code} {self.message}\n    hint: {hint}"


class DataError(Exception):
    """Raised when data cannot be turned into a model; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the data")
