"""The registry of rules: every validation code, its title, hint and failing example, in one place.

A rule that needs code is a function declared with ``@rule(...)``: it takes one parsed file (or,
for rules across files, all of them) and the :class:`Context` of the whole data folder, and yields
Problems. Rules that the YAML reader (kb.load.yamlsafe) or the JSON Schema (schema/) enforce are
declared with ``declare(...)`` so that their codes are documented in the same list.

Every rule runs on every file even when the schema already found problems there, so one run
reports everything; so rules read the data defensively (``_dict``, ``_list``).

A code never changes meaning once published; retire a code rather than reuse it. Each code has a
failing example in tests/fixtures/invalid/ (or a test of its own), and the table in
CONTRIBUTING.md is generated from this registry (`make docs`).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from urllib.parse import urlparse

from .. import pinpoints
from .problems import Problem
from .yamlsafe import Document


@dataclass(frozen=True)
class Rule:
    code: str
    title: str
    hint: str
    example: str  # what breaks the rule, as a contributor would write it (shown in CONTRIBUTING)
    applies_to: tuple[str, ...] = ()  # kinds of file checked by `check`; () when reader or schema apply it
    check: Callable | None = None
    across_files: bool = False  # check(docs, context) once for all files of a kind


RULES: dict[str, Rule] = {}


def declare(code: str, title: str, hint: str, example: str) -> None:
    """A rule that the YAML reader or the JSON Schema applies."""
    RULES[code] = Rule(code, title, hint, example)


def rule(code: str, title: str, hint: str, example: str, applies_to: tuple[str, ...], across_files: bool = False):
    """Register a check: ``check(doc, context)`` for each file of the kinds in ``applies_to``."""

    def register(check: Callable) -> Callable:
        if code in RULES:
            raise ValueError(f"rule code {code} is declared twice")
        RULES[code] = Rule(code, title, hint, example, applies_to, check, across_files)
        return check

    return register


@dataclass
class Context:
    """What the rules may know about the whole data folder, besides the file they check."""

    today: dt.date
    terms: dict[str, list[str]] = field(default_factory=dict)  # vocabulary -> term ids (and "jurisdiction")
    term_attributes: dict[str, dict[str, dict]] = field(default_factory=dict)  # vocabulary -> id -> the term's fields
    question_ids: list[str] = field(default_factory=list)
    questions: dict[str, dict] = field(default_factory=dict)  # question id -> its entry in framework.yaml
    jurisdictions: dict[str, dict] = field(default_factory=dict)  # code -> its entry in jurisdictions.yaml
    body_ids: set[str] = field(default_factory=set)
    instrument_ids: set[str] = field(default_factory=set)
    reserved_anchors: frozenset[str] = frozenset()  # ids the instrument page uses for itself

    @cached_property
    def record_ids(self) -> frozenset[str]:
        """Every body and instrument id, made once for the folder (not once per record checked)."""
        return frozenset(i for i in self.body_ids | self.instrument_ids if isinstance(i, str) and i)


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


# --- applied by the YAML reader --------------------------------------------------------------

declare("KB001", "YAML syntax error", "fix the YAML syntax at this line; indent with spaces, close every quote and bracket",
        "title: \"Personal Information Protection Law   (the closing quote is missing)")
declare("KB002", "file is not UTF-8 text", "save the file as UTF-8 (without other encodings such as GBK or UTF-16)",
        "(a file saved as GBK: 个人信息 in the wrong encoding)")
declare("KB003", "file is empty", "add the record's fields, or delete the file", "(an empty file)")
declare("KB004", "duplicate key", "each key may appear once per mapping; merge the two entries or rename one",
        "consent.form: ... twice under findings")
declare("KB005", "anchors and aliases are not allowed", "write the value out in full instead of using & and *",
        "issuer: &npc {en: NPC}  ...  issuer: *npc")
declare("KB006", "YAML tags are not allowed", "remove the !tag; records hold plain text, lists and mappings only",
        "short_title: !!python/object/apply:os.system [ls]")
declare("KB007", "file too large", "split the record or shorten quotations; quote only the operative words",
        "(a 2 MB file that pastes the whole law)")
declare("KB008", "wrong top-level shape", "the file must be a single YAML mapping of field: value lines",
        "- id: cn-example   (a list instead of field: value lines)")

# --- applied by the JSON Schema (schema/*.schema.json) ------------------------------------------

declare("KB010", "missing required field", "add the field; see the field reference for what it holds",
        "(no short_title: line)")
declare("KB011", "unknown field", "remove the field or correct its name; see the field reference",
        "short_tilte: PIPL (2021)")
declare("KB012", "value not in vocabulary", "use one of the allowed values, spelled exactly (lowercase)",
        "answer: \"Yes\"")
declare("KB013", "wrong type or format", "see the field reference for the expected form", "adopted: 2021/08/20")
declare("KB014", "list or text too short or too long", "see the field reference for the limits", "provisions: []")
declare("KB015", "answer needs a citation or a note",
        "answers yes/no/partial cite provisions; partial, not-addressed and not-applicable need a note",
        "consent.form: {answer: partial, cite: [art-14]}   (no note)")


# --- files and folders -------------------------------------------------------------------------

# Reported by kb.load itself, while it looks for the files and before it reads any of them.
declare("KB031", "data folder missing a required file",
        "a data folder holds framework.yaml, jurisdictions.yaml, vocabularies.yaml, editions.yaml, instruments/ and bodies/",
        "(data/framework.yaml deleted)")
declare("KB037", "not a plain file inside the data folder",
        "replace the link (or folder, or special file) with the record file itself",
        "data/instruments/cn-x.yaml -> /home/me/notes.yaml   (a symbolic link)")
declare("KB038", "file in a record folder that is never read",
        "records are named <id>.yaml; rename the file, or move notes out of data/",
        "data/instruments/cn-npcsc-2021-pipl.yml   (.yml instead of .yaml)")


# --- every record ------------------------------------------------------------------------------

@rule("KB020", "id does not match file name", "make id equal the file name without .yaml (or rename the file)",
      "id: cn-pipl   (in cn-npcsc-2021-personal-information-protection-law.yaml)", applies_to=("instrument", "body"))
def id_matches_file(doc: Document, context: Context) -> Iterator[Problem]:
    record_id = doc.data.get("id")
    stem = Path(doc.path).stem
    if isinstance(record_id, str) and record_id != stem:
        yield Problem(doc.path, doc.line_of(("id",)), "KB020", f"id '{record_id}' differs from the file name '{stem}.yaml'",
                      f"set id: {stem}, or rename the file to {record_id}.yaml")


@rule("KB041", "id does not start with its jurisdiction",
      "instrument ids are <jurisdiction>-<issuer>-<year>-<slug>: start the id with the jurisdiction code in lowercase",
      "id: us-npcsc-2021-example   (with jurisdiction: CN)", applies_to=("instrument",))
def id_names_its_jurisdiction(doc: Document, context: Context) -> Iterator[Problem]:
    record_id, code = doc.data.get("id"), doc.data.get("jurisdiction")
    if not (isinstance(record_id, str) and isinstance(code, str) and code in context.jurisdictions):
        return
    prefix = code.lower() + "-"
    # The longest matching code wins, so that "us-ca-..." is not taken for a US record.
    claimed = max((c for c in context.jurisdictions if record_id.startswith(c.lower() + "-")), key=len, default=None)
    if claimed != code:
        yield Problem(doc.path, doc.line_of(("id",)), "KB041",
                      f"id '{record_id}' does not start with '{prefix}', but the record says jurisdiction: {code}",
                      f"ids never change once published: if the jurisdiction is right, choose an id starting with {prefix}")


@rule("KB025", "impossible date", "use a real calendar date, YYYY-MM-DD", "effective: \"2015-02-30\"",
      applies_to=("instrument", "body", "editions"))
def real_dates(doc: Document, context: Context) -> Iterator[Problem]:
    """Every YYYY-MM-DD string in the record must be a real calendar date."""
    for path, value in doc.texts:
        if _looks_like_date(value) and parse_date(value) is None:
            yield Problem(doc.path, doc.line_of(path), "KB025", f"'{value}' is not a real date")


# Characters that change how the text around them is shown (bidirectional controls) or that
# cannot be seen at all: in a quotation they can make a reader see words that are not there, or
# hide words that are (a "Trojan Source" edit), so a record may not contain them.
_HIDDEN = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u061c", "\u180e"}
_HIDDEN |= {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)} | {"\u200e", "\u200f"}
_HIDDEN_SEARCH = re.compile("[" + "".join(sorted(_HIDDEN)) + "]").search  # one scan in C per text


@rule("KB039", "invisible or direction-changing character in text",
      "delete the character: copied text sometimes carries zero-width spaces or direction marks that change what readers see",
      "text: {en: \"consent\\u202e is not required\"}   (\\u202e: a right-to-left override)",
      applies_to=("instrument", "body", "framework", "vocabularies", "jurisdictions", "editions", "claims"))
def no_hidden_characters(doc: Document, context: Context) -> Iterator[Problem]:
    for path, value in doc.texts:
        if not _HIDDEN_SEARCH(value):
            continue
        found = sorted({c for c in value if c in _HIDDEN})
        if found:
            names = ", ".join(f"U+{ord(c):04X} {unicodedata.name(c, 'format character')}" for c in found)
            yield Problem(doc.path, doc.line_of(path), "KB039", f"{_field(path)} contains {names}")


def _field(path) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int)) or "the record"


PLACEHOLDER = "REPLACE"


@rule("KB035", "template placeholder left in the record", "fill in the value from the source, or delete the field if it is optional",
      "answer: REPLACE with the answer", applies_to=("instrument", "body"))
def placeholders(doc: Document, context: Context) -> Iterator[Problem]:
    """Values still holding the template's REPLACE markers, one problem per line (the loader then
    drops the other problems of those lines: the placeholder explains them)."""
    found: dict[int, list[str]] = {}
    for path, value in doc.texts:
        if PLACEHOLDER in value:
            found.setdefault(doc.line_of(path), []).append(_field(path))
    for line, fields in sorted(found.items()):
        yield Problem(doc.path, line, "KB035", f"template placeholder left in {', '.join(fields)}")


@rule("KB021", "duplicate id", "ids are unique; rename one of the records",
      "id: cn-saic-2015-consumer-measures   (in a second file)", applies_to=("instrument", "body"), across_files=True)
def unique_ids(docs: list[Document], context: Context) -> Iterator[Problem]:
    first: dict[str, Document] = {}
    for doc in docs:
        record_id = doc.data.get("id")
        if not isinstance(record_id, str):
            continue
        if record_id in first:
            yield Problem(doc.path, doc.line_of(("id",)), "KB021", f"id '{record_id}' is already used by {first[record_id].path}")
        else:
            first[record_id] = doc


@rule("KB028", "unknown body", "use the id of a file in data/bodies/, or add that body", "body: saicc",
      applies_to=("instrument", "body"))
def bodies_exist(doc: Document, context: Context) -> Iterator[Problem]:
    for index, entry in enumerate(_list(doc.data.get("oversight"))):
        body = _dict(entry).get("body")
        if isinstance(body, str) and body not in context.body_ids:
            yield Problem(doc.path, doc.line_of(("oversight", index, "body")), "KB028",
                          f"oversight names body '{body}', which has no file data/bodies/{body}.yaml")
    for key in ("predecessor", "successor"):
        other = doc.data.get(key)
        if isinstance(other, str) and other not in context.body_ids:
            yield Problem(doc.path, doc.line_of((key,)), "KB028",
                          f"{key} names body '{other}', which has no file data/bodies/{other}.yaml")


# --- instruments -------------------------------------------------------------------------------

def _looks_like_date(value: str) -> bool:
    return len(value) == 10 and value[4] == "-" and value[7] == "-" and (value[:4] + value[5:7] + value[8:]).isdigit()


def parse_date(value) -> dt.date | None:
    if not isinstance(value, str) or not _looks_like_date(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@rule("KB026", "dates out of order", "check the dates against the official source",
      "adopted: \"2016-11-07\" ... effective: \"2016-06-01\"", applies_to=("instrument", "body"))
def dates_in_order(doc: Document, context: Context) -> Iterator[Problem]:
    if doc.kind == "body":
        established, dissolved = parse_date(doc.data.get("established")), parse_date(doc.data.get("dissolved"))
        if established and dissolved and dissolved < established:
            yield Problem(doc.path, doc.line_of(("dissolved",)), "KB026",
                          f"dissolved {dissolved}, before it was established ({established})")
        return
    dates = _dict(doc.data.get("dates"))
    adopted, effective = parse_date(dates.get("adopted")), parse_date(dates.get("effective"))
    repealed = parse_date(dates.get("repealed"))
    if adopted and effective and effective < adopted:
        yield Problem(doc.path, doc.line_of(("dates", "effective")), "KB026",
                      f"effective date {effective} is before the adopted date {adopted}")
    operative = parse_date(dates.get("operative"))
    if operative and (effective or adopted) and operative <= (effective or adopted):
        yield Problem(doc.path, doc.line_of(("dates", "operative")), "KB026",
                      f"operative date {operative} is not after the day it took effect ({effective or adopted}); "
                      "leave operative out unless most provisions applied later")
    for index, amendment in enumerate(_list(dates.get("amended"))):
        when = parse_date(_dict(amendment).get("date"))
        if adopted and when and when < adopted:
            yield Problem(doc.path, doc.line_of(("dates", "amended", index, "date")), "KB026",
                          f"amendment date {when} is before the adopted date {adopted}")
        takes_effect = parse_date(_dict(amendment).get("effective"))
        if when and takes_effect and takes_effect < when:
            yield Problem(doc.path, doc.line_of(("dates", "amended", index, "effective")), "KB026",
                          f"amendment takes effect on {takes_effect}, before it was adopted ({when})")
    start = effective or adopted
    if start and repealed and repealed < start:
        yield Problem(doc.path, doc.line_of(("dates", "repealed")), "KB026",
                      f"repeal date {repealed} is before the instrument took effect ({start})")


@rule("KB034", "coded_version is not a known version",
      "set coded_version to dates.adopted or to the date of one of dates.amended",
      "coded_version: \"2016-01-01\"   (not adopted or an amendment date)", applies_to=("instrument",))
def coded_version_exists(doc: Document, context: Context) -> Iterator[Problem]:
    version = doc.data.get("coded_version")
    dates = _dict(doc.data.get("dates"))
    known = [dates.get("adopted")] + [_dict(a).get("date") for a in _list(dates.get("amended"))]
    if isinstance(version, str) and version not in known:
        yield Problem(doc.path, doc.line_of(("coded_version",)), "KB034",
                      f"coded_version {version} is neither the adopted date nor an amendment date",
                      f"use one of: {', '.join(str(k) for k in known if k)}")


@rule("KB030", "date in the future", "review dates cannot be later than today", "last_verified: \"2099-01-01\"",
      applies_to=("instrument",))
def not_in_future(doc: Document, context: Context) -> Iterator[Problem]:
    review = _dict(doc.data.get("review"))
    places = [(("review", "last_verified"), review.get("last_verified"))]
    places += [(("findings", q, "last_verified"), _dict(f).get("last_verified")) for q, f in _dict(doc.data.get("findings")).items()]
    for path, value in places:
        when = parse_date(value)
        if when and when > context.today:
            yield Problem(doc.path, doc.line_of(path), "KB030", f"last_verified {when} is after today ({context.today})")


@rule("KB027", "no official source", "add a source with role: official (gazette, issuing body or official archive)",
      "sources: [{role: translation, ...}]   (no official source)", applies_to=("instrument",))
def has_official_source(doc: Document, context: Context) -> Iterator[Problem]:
    sources = _list(doc.data.get("sources"))
    if sources and not any(_dict(s).get("role") == "official" for s in sources):
        yield Problem(doc.path, doc.line_of(("sources",)), "KB027", "no source has role: official")


@rule("KB042", "official source on a site that is not official",
      "an official source is the issuing body's site, a gazette or an official archive (their domains are listed in "
      "data/jurisdictions.yaml); give any other copy role: text-copy",
      "{role: official, url: \"https://law-copies.example.com/pipl\"}", applies_to=("instrument", "body"))
def official_sources_are_official(doc: Document, context: Context) -> Iterator[Problem]:
    """'Official' is the label a reader trusts most: it may only point at a domain the data lists
    as official for the record's jurisdiction (or its parent's)."""
    code = doc.data.get("jurisdiction")
    domains: list[str] = []
    while isinstance(code, str) and code in context.jurisdictions and len(domains) < 50:
        entry = context.jurisdictions[code]
        domains += [d for d in _list(entry.get("official_domains")) if isinstance(d, str)]
        code = entry.get("parent")
    if not domains:
        return
    for index, source in enumerate(_list(doc.data.get("sources"))):
        source = _dict(source)
        url = source.get("url")
        if source.get("role") != "official" or not isinstance(url, str):
            continue
        host = (urlparse(url).hostname or "").lower()
        if not any(host == d or host.endswith("." + d) for d in domains):
            yield Problem(doc.path, doc.line_of(("sources", index, "url")), "KB042",
                          f"official source on {host or 'an address without a host'}, which is not an official domain for "
                          f"{doc.data.get('jurisdiction')} ({', '.join(domains)})")


@rule("KB029", "duplicate provision id", "provision ids are anchors and must be unique within a record",
      "two provisions with id: art-11", applies_to=("instrument",))
def unique_provisions(doc: Document, context: Context) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, provision in enumerate(_list(doc.data.get("provisions"))):
        ids = [(("provisions", index, "id"), _dict(provision).get("id"))]
        ids += [(("provisions", index, "former_ids", n), old) for n, old in enumerate(_list(_dict(provision).get("former_ids")))]
        # a paragraph's or item's anchor (art-11-p1-i2) must not be another provision's id either
        ids += [(("provisions", index, "paragraphs"), part) for part in pinpoints.part_ids(_dict(provision))]
        for path, pid in ids:
            if not isinstance(pid, str):
                continue
            line = doc.line_of(path)
            if pid in seen:
                what = "the anchor of one of its paragraphs or items" if path[-1] == "paragraphs" else "used twice"
                yield Problem(doc.path, line, "KB029", f"provision id '{pid}' is {what} (first at line {seen[pid]})")
            else:
                seen[pid] = line


@rule("KB040", "provision id taken by the page itself",
      "choose another id (e.g. art-5 or sec-552a-b): the instrument page already uses this anchor for one of its own parts",
      "provisions: [{id: findings, ...}]", applies_to=("instrument",))
def provision_ids_are_free(doc: Document, context: Context) -> Iterator[Problem]:
    """A provision named like a part of the page (``findings``, ``cite``, a question's anchor) would
    make two elements share an id, and a citation of ``#findings`` would land on the wrong one."""
    for index, provision in enumerate(_list(doc.data.get("provisions"))):
        provision = _dict(provision)
        ids = [(("provisions", index, "id"), provision.get("id"))]
        ids += [(("provisions", index, "former_ids", n), old) for n, old in enumerate(_list(provision.get("former_ids")))]
        for path, pid in ids:
            if isinstance(pid, str) and (pid in context.reserved_anchors or pid.startswith("cite-")):
                yield Problem(doc.path, doc.line_of(path), "KB040", f"provision id '{pid}' is an anchor the instrument page uses itself")


@rule("KB022", "citation names an unknown provision", "add the provision under provisions, or fix the id in cite",
      "cite: [art-99]   (no provision art-99)", applies_to=("instrument",))
def citations_resolve(doc: Document, context: Context) -> Iterator[Problem]:
    provisions = [_dict(p) for p in _list(doc.data.get("provisions"))]
    provision_ids = {p.get("id") for p in provisions}
    part_ids = {part for p in provisions for part in pinpoints.part_ids(p)}
    places = [("findings", key) for key in _dict(doc.data.get("findings"))]
    places += [("findings", key, "differs_for", who) for key, finding in _dict(doc.data.get("findings")).items()
               for who in _dict(_dict(finding).get("differs_for"))]
    places += [("binds", index) for index in range(len(_list(doc.data.get("binds"))))]
    places += [("oversight", index) for index in range(len(_list(doc.data.get("oversight"))))]
    places += [("relations", index) for index in range(len(_list(doc.data.get("relations"))))]
    for place in places:
        entry = _get(doc.data, place)
        entry = _dict(entry)
        for index, cited in enumerate(_list(entry.get("cite"))):
            if isinstance(cited, str) and cited not in provision_ids and cited not in part_ids:
                known = ", ".join(sorted(str(p) for p in provision_ids if p)) or "none yet"
                yield Problem(doc.path, doc.line_of(place + ("cite", index)), "KB022",
                              f"cite names '{cited}', which this record does not define",
                              f"add it under provisions or fix the id (this record has: {known}; a paragraph or "
                              "item of a provision given as paragraphs is cited as <id>-p1 or <id>-p1-i2)")


def _versions_known(doc: Document) -> tuple[list, list]:
    """The record's versions, by date: the text as adopted, then each amendment."""
    dates = _dict(doc.data.get("dates"))
    amendments = [d for d in (_dict(a).get("date") for a in _list(dates.get("amended"))) if isinstance(d, str)]
    return [dates.get("adopted"), *amendments], amendments


@rule("KB055", "provision version of an unknown or earlier amendment",
      "list the amendment under dates.amended first; versions record only amendments after the coded wording, once each",
      "versions: [{of: \"2030-01-01\", label: {en: Article 43}, wording: unchanged}]   (no amendment of that date)",
      applies_to=("instrument",))
def provision_versions_known(doc: Document, context: Context) -> Iterator[Problem]:
    known, amendments = _versions_known(doc)
    coded = doc.data.get("coded_version") or _dict(doc.data.get("dates")).get("adopted")
    for index, provision in enumerate(_list(doc.data.get("provisions"))):
        seen = set()
        for n, version in enumerate(_list(_dict(provision).get("versions"))):
            of = _dict(version).get("of")
            if not isinstance(of, str):
                continue
            line = doc.line_of(("provisions", index, "versions", n, "of"))
            if of not in amendments:
                yield Problem(doc.path, line, "KB055", f"versions names the amendment of {of}, which dates.amended does not list",
                              f"use one of: {', '.join(amendments) or 'no amendments listed'}")
            elif isinstance(coded, str) and of <= coded:
                yield Problem(doc.path, line, "KB055", f"the amendment of {of} is not later than the coded wording ({coded})",
                              "versions say what later amendments did; the provision's own label and text are the coded wording")
            elif of in seen:
                yield Problem(doc.path, line, "KB055", f"two entries for the amendment of {of}")
            seen.add(of)


@rule("KB056", "provision version that contradicts itself",
      "a repealed provision has no new label; any other needs its number in the amended text; amended words go with wording: amended",
      "versions: [{of: \"2025-10-28\", wording: unchanged}]   (no label: what is its number now?)",
      applies_to=("instrument",))
def provision_versions_consistent(doc: Document, context: Context) -> Iterator[Problem]:
    for index, provision in enumerate(_list(doc.data.get("provisions"))):
        for n, version in enumerate(_list(_dict(provision).get("versions"))):
            version = _dict(version)
            wording, path = version.get("wording"), ("provisions", index, "versions", n)
            if wording == "repealed" and "label" in version:
                yield Problem(doc.path, doc.line_of(path + ("label",)), "KB056", "a repealed provision has no number in the amended text")
            elif wording != "repealed" and "label" not in version:
                yield Problem(doc.path, doc.line_of(path), "KB056",
                              f"wording: {wording} but no label: give the provision's number in the amended text")
            if "text" in version and wording != "amended":
                yield Problem(doc.path, doc.line_of(path + ("text",)), "KB056",
                              f"amended words given, but wording: {wording}", "set wording: amended, or remove text")


_PART_OF_A_PROVISION = re.compile(r"paragraph|item|sentence|opening words|\(|款|项")
_US_MARK = re.compile(r"^\([0-9A-Za-z]+\)$")


@rule("KB058", "a pinpoint that cannot be right",
      "one amendment gives each number once; paragraphs go under a whole article or section; outside Chinese law, "
      "mark every paragraph and item as the text does, e.g. label: (b)",
      "paragraphs under label: {en: Article 22, paragraph 3}   (a part of a part)", applies_to=("instrument",))
def pinpoints_consistent(doc: Document, context: Context) -> Iterator[Problem]:
    """Labels that would make a citation pinpoint the wrong words: two provisions given one new
    number, a new number the amendment says it inserted, paragraphs inside a provision that is
    itself a paragraph ("Article 22, paragraph 3(1)"), or a US part numbered by position."""
    provisions = [_dict(p) for p in _list(doc.data.get("provisions"))]
    inserted = {}
    for amendment in _list(_dict(doc.data.get("dates")).get("amended")):
        amendment = _dict(amendment)
        inserted[amendment.get("date")] = {_dict(x).get("en") for x in _list(amendment.get("adds"))}
    given: dict[tuple, int] = {}
    for index, provision in enumerate(provisions):
        for n, version in enumerate(_list(provision.get("versions"))):
            version = _dict(version)
            label, of = _dict(version.get("label")).get("en"), version.get("of")
            if not isinstance(label, str):
                continue
            line = doc.line_of(("provisions", index, "versions", n, "label"))
            if label in inserted.get(of, ()):
                yield Problem(doc.path, line, "KB058", f"the amendment of {of} inserted {label}, so it cannot also be this provision's new number",
                              "check the amended text: one of the two numbers is wrong")
            if (of, label) in given:
                yield Problem(doc.path, line, "KB058", f"two provisions become {label} in the amendment of {of} (the other at line {given[(of, label)]})",
                              "check the amended text: one amendment gives each number once")
            given.setdefault((of, label), line)
        if not provision.get("paragraphs"):
            continue
        label = _dict(provision.get("label"))
        if any(isinstance(t, str) and _PART_OF_A_PROVISION.search(t) for t in (label.get("en"), label.get("zh"))):
            yield Problem(doc.path, doc.key_line(("provisions", index, "paragraphs")), "KB058",
                          f"paragraphs under '{label.get('en')}', which is itself a part of an article",
                          "give the whole article (label: Article 22) with its paragraphs, and cite the paragraph")
        if doc.data.get("language") != "zh":
            for n, paragraph in enumerate(_list(provision.get("paragraphs"))):
                paragraph = _dict(paragraph)
                marks = [(("provisions", index, "paragraphs", n), paragraph.get("label"))]
                marks += [(("provisions", index, "paragraphs", n, "items", m), _dict(item).get("label"))
                          for m, item in enumerate(_list(paragraph.get("items")))]
                for path, mark in marks:
                    if not (isinstance(mark, str) and _US_MARK.match(mark)):
                        yield Problem(doc.path, doc.line_of(path), "KB058",
                                      f"a paragraph or item marked {mark!r}" if mark else "a paragraph or item without its mark",
                                      "give the mark the text uses, in brackets: label: (b) or label: (3)")


@rule("KB057", "quote from an unknown version or source",
      "wording_of takes the adopted date or an amendment date; source and an amendment's url take the url of one of the record's sources",
      "wording_of: \"2019-01-01\"   (neither adopted nor an amendment date)", applies_to=("instrument",))
def quoted_versions_and_sources_known(doc: Document, context: Context) -> Iterator[Problem]:
    known, _ = _versions_known(doc)
    urls = {_dict(s).get("url") for s in _list(doc.data.get("sources"))}
    for index, provision in enumerate(_list(doc.data.get("provisions"))):
        provision = _dict(provision)
        if isinstance(provision.get("wording_of"), str) and provision["wording_of"] not in known:
            yield Problem(doc.path, doc.line_of(("provisions", index, "wording_of")), "KB057",
                          f"wording_of {provision['wording_of']} is neither the adopted date nor an amendment date",
                          f"use one of: {', '.join(str(k) for k in known if k)}")
        if isinstance(provision.get("source"), str) and provision["source"] not in urls:
            yield Problem(doc.path, doc.line_of(("provisions", index, "source")), "KB057",
                          "source is not the url of one of the record's sources", "add the source under sources, or copy its url exactly")
    for n, amendment in enumerate(_list(_dict(doc.data.get("dates")).get("amended"))):
        url = _dict(amendment).get("url")
        if isinstance(url, str) and url not in urls:
            yield Problem(doc.path, doc.line_of(("dates", "amended", n, "url")), "KB057",
                          "the amendment's url is not the url of one of the record's sources",
                          "add the source under sources, or copy its url exactly")


def _definitions(provision: dict, index: int) -> Iterator[tuple[tuple, str, str]]:
    """(path, provision or part id, term) for every term a provision and its parts mark under defines."""
    for n, term in enumerate(_list(provision.get("defines"))):
        yield ("provisions", index, "defines", n), str(provision.get("id")), term
    # parts are numbered by position, as kb.pinpoints numbers them
    for p, paragraph in enumerate(map(_dict, _list(provision.get("paragraphs")))):
        pid = f"{provision.get('id')}-p{p + 1}"
        for n, term in enumerate(_list(paragraph.get("defines"))):
            yield ("provisions", index, "paragraphs", p, "defines", n), pid, term
        for m, item in enumerate(_list(paragraph.get("items"))):
            for n, term in enumerate(_list(_dict(item).get("defines"))):
                yield ("provisions", index, "paragraphs", p, "items", m, "defines", n), f"{pid}-i{m + 1}", term


@rule("KB054", "a term defined twice in one record",
      "mark the words that give the definition once: the paragraph or item, not its article as well; where the "
      "instrument really gives two definitions, keep the general one and say in the other provision's note where "
      "its own applies",
      "defines: [personal-information] on art-4 and again on art-4-p1   (the article and its paragraph)",
      applies_to=("instrument",))
def terms_defined_once(doc: Document, context: Context) -> Iterator[Problem]:
    """The glossary quotes each instrument's definition of a term; marking it twice (an article and its own
    paragraph, or a copied provision) would show two definitions where the law gives one."""
    first: dict[str, tuple[str, int]] = {}
    marks = [(doc.line_of(path), where, term) for index, provision in enumerate(_list(doc.data.get("provisions")))
             for path, where, term in _definitions(_dict(provision), index) if isinstance(term, str)]
    for line, where, term in sorted(marks, key=lambda mark: mark[0]):  # in the order a reader meets them
        if term in first:
            other, at = first[term]
            yield Problem(doc.path, line, "KB054", f"{where} defines '{term}', which {other} defines already (line {at})")
        else:
            first[term] = (where, line)


@rule("KB023", "finding for an unknown question", "use a question id from data/framework.yaml",
      "consent.explicit: {answer: \"yes\", cite: [art-14]}", applies_to=("instrument",))
def findings_are_questions(doc: Document, context: Context) -> Iterator[Problem]:
    for key in _dict(doc.data.get("findings")):
        if key not in context.questions:
            guess = difflib.get_close_matches(key, context.question_ids, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "use a question id from data/framework.yaml"
            yield Problem(doc.path, doc.key_line(("findings", key)), "KB023",
                          f"finding '{key}' is not a question in the framework", hint)


@rule("KB024", "framework question not answered",
      "add a finding for the question; use not-addressed with a note if the instrument is silent",
      "(findings without registration.breach)", applies_to=("instrument",))
def every_question_answered(doc: Document, context: Context) -> Iterator[Problem]:
    findings = doc.data.get("findings")
    if not isinstance(findings, dict):
        return
    for qid in context.question_ids:
        if qid not in findings:
            yield Problem(doc.path, doc.key_line(("findings",)), "KB024", f"question '{qid}' is not answered",
                          f"add findings.{qid} with an answer; use not-addressed and a note if the instrument is silent")


@rule("KB033", "relation to an unknown instrument", "use the id of a file in data/instruments/, or add that instrument first",
      "relations: [{type: amends, target: cn-does-not-exist}]", applies_to=("instrument",))
def relations_resolve(doc: Document, context: Context) -> Iterator[Problem]:
    for index, relation in enumerate(_list(doc.data.get("relations"))):
        target = _dict(relation).get("target")
        if not isinstance(target, str):
            continue
        line = doc.line_of(("relations", index, "target"))
        if target == doc.data.get("id"):
            yield Problem(doc.path, line, "KB033", "an instrument cannot relate to itself")
        elif target not in context.instrument_ids:
            yield Problem(doc.path, line, "KB033",
                          f"relation names instrument '{target}', which has no file data/instruments/{target}.yaml")


# --- whom an instrument binds, and how its answers hang together --------------------------------

def _binding(doc: Document, context: Context) -> bool | None:
    force = context.term_attributes.get("legal_force", {}).get(doc.data.get("legal_force"))
    return None if force is None else force.get("closes_gaps") == "yes"


def _addressees(doc: Document, context: Context) -> dict[str, dict]:
    terms = context.term_attributes.get("addressee", {})
    return {entry["who"]: terms[entry["who"]] for entry in map(_dict, _list(doc.data.get("binds")))
            if isinstance(entry.get("who"), str) and entry["who"] in terms}


@rule("KB045", "whom it binds disagrees with whether it binds the state",
      "oversight.government-bound is yes or partial exactly when binds names state organs or intelligence and "
      "law-enforcement access; correct whichever is wrong",
      "binds: [{who: processors, ...}] ... oversight.government-bound: {answer: \"yes\", ...}",
      applies_to=("instrument",))
def binds_agree_with_government_bound(doc: Document, context: Context) -> Iterator[Problem]:
    finding = _dict(_dict(doc.data.get("findings")).get("oversight.government-bound"))
    answer = finding.get("answer")
    if not _binding(doc, context) or not isinstance(answer, str) or doc.data.get("binds") is None:
        return
    binds_state = any(a.get("perspective") == "state" for a in _addressees(doc, context).values())
    protects = context.term_attributes.get("answer", {}).get(answer, {}).get("protects") is not None
    if binds_state != protects:
        said = "names the state" if binds_state else "names no state body"
        yield Problem(doc.path, doc.line_of(("findings", "oversight.government-bound", "answer")), "KB045",
                      f"binds {said}, but oversight.government-bound answers '{answer}'")


@rule("KB048", "a binding instrument that binds nobody, or a non-binding one that binds someone",
      "list under binds whom the instrument's duties bind; a non-binding instrument binds nobody (binds: [])",
      "legal_force: binding ... binds: []", applies_to=("instrument",))
def binds_someone_if_binding(doc: Document, context: Context) -> Iterator[Problem]:
    binding, binds = _binding(doc, context), doc.data.get("binds")
    if binding is None or not isinstance(binds, list):
        return
    if binding and not binds:
        yield Problem(doc.path, doc.line_of(("binds",)), "KB048", "a binding instrument must bind someone (binds is empty)")
    elif not binding and binds:
        yield Problem(doc.path, doc.line_of(("binds",)), "KB048", "a non-binding instrument binds nobody: binds must be []")


@rule("KB047", "differs_for names an addressee the instrument does not bind",
      "differs_for gives the answer for one of the addressees listed under binds; add it there or remove the override",
      "differs_for: {state-organs: {answer: \"no\", ...}}   (binds has no state-organs)", applies_to=("instrument",))
def overrides_name_addressees(doc: Document, context: Context) -> Iterator[Problem]:
    bound = {_dict(b).get("who") for b in _list(doc.data.get("binds"))}
    for question, finding in _dict(doc.data.get("findings")).items():
        for who in _dict(_dict(finding).get("differs_for")):
            if who not in bound:
                yield Problem(doc.path, doc.key_line(("findings", question, "differs_for", who)), "KB047",
                              f"findings.{question}.differs_for names '{who}', which binds does not list")


@rule("KB046", "answer breaks the framework's coding rules",
      "see the rule the message quotes (data/framework.yaml, conditions) and the method page: silence is "
      "not-addressed, not-applicable is for non-binding instruments and for questions about an overseer nobody is "
      "designated to be", "oversight.dedicated: {answer: \"no\", ...}   (while oversight.designated is not-addressed)",
      applies_to=("instrument",))
def answers_follow_the_framework(doc: Document, context: Context) -> Iterator[Problem]:
    findings = _dict(doc.data.get("findings"))
    binding = _binding(doc, context)
    # The instrument's own answers, and each addressee's where it answers differently for it.
    views: dict[str | None, dict[str, tuple[object, tuple]]] = {None: {}}
    for question, finding in findings.items():
        views[None][question] = (_dict(finding).get("answer"), ("findings", question, "answer"))
    for question, finding in findings.items():
        for who, variant in _dict(_dict(finding).get("differs_for")).items():
            views.setdefault(who, dict(views[None]))[question] = (
                _dict(variant).get("answer"), ("findings", question, "differs_for", who, "answer"))
    for who, answers in views.items():
        for question, (answer, path) in answers.items():
            if not isinstance(answer, str) or question not in context.questions:
                continue
            own = who is None or path[-2] == who
            label = question if who is None else f"{question} (for {who})"
            if own and binding is False and answer != "not-applicable":
                yield Problem(doc.path, doc.line_of(path), "KB046", f"{label}: a non-binding instrument imposes no "
                              f"duty, so every answer is not-applicable (found '{answer}')")
                continue
            allowed = False
            for condition in _list(context.questions[question].get("conditions")):
                test, then = _dict(_dict(condition).get("if")), _dict(_dict(condition).get("then"))
                other, other_path = answers.get(test.get("question")) or (None, None)
                if other not in _list(test.get("answers")):
                    continue
                allowed |= answer in _list(then.get("only"))
                broken = ("only" in then and answer not in _list(then["only"])) or answer in _list(then.get("not"))
                if not broken:
                    continue
                why = _dict(_dict(condition).get("why")).get("en", "")
                hint = f"answer {' or '.join(_list(then['only']))}" if "only" in then else None
                if own:
                    yield Problem(doc.path, doc.line_of(path), "KB046", f"{label} answers '{answer}' while "
                                  f"{test.get('question')} is '{other}': {why}", hint)
                elif other_path and other_path[-2] == who:
                    # An inherited answer that the addressee's own answer elsewhere contradicts.
                    yield Problem(doc.path, doc.line_of(other_path), "KB046",
                                  f"{test.get('question')} (for {who}) is '{other}', but {question} gives {who} the "
                                  f"general answer '{answer}': {why}",
                                  f"add findings.{question}.differs_for.{who}"
                                  + (f" answering {' or '.join(_list(then['only']))}" if "only" in then else ""))
            if own and binding and answer == "not-applicable" and not allowed:
                yield Problem(doc.path, doc.line_of(path), "KB046", f"{label}: a binding instrument that is silent on "
                              "a question answers not-addressed; not-applicable is for non-binding instruments and for "
                              "questions about an overseer nobody is designated to be",
                              "answer not-addressed, and say in the note what you read")


@rule("KB050", "an addressee inherits an answer that rests on provisions binding only others",
      "give the addressee its own answer (findings.<question>.differs_for.<addressee>), or list the provision under "
      "its binds entry if it does bind it",
      "binds: [{who: processors, cite: [art-2]}, {who: state-organs, cite: [art-10]}] ... consent.required: "
      "{answer: \"yes\", cite: [art-10]}   (art-10 binds only state organs)", applies_to=("instrument",))
def inherited_answers_rest_on_own_provisions(doc: Document, context: Context) -> Iterator[Problem]:
    if not _binding(doc, context):
        return
    binds = [(b.get("who"), {c for c in _list(b.get("cite")) if isinstance(c, str)}) for b in map(_dict, _list(doc.data.get("binds")))]
    perspective_of = {who: attributes.get("perspective") for who, attributes in _addressees(doc, context).items()}
    for question, finding in _dict(doc.data.get("findings")).items():
        finding = _dict(finding)
        protects = context.term_attributes.get("answer", {}).get(finding.get("answer"), {}).get("protects")
        cites = {c for c in _list(finding.get("cite")) if isinstance(c, str)}
        asked_for = _list(_dict(context.questions.get(question)).get("perspectives"))
        if protects is None or not cites:
            continue
        for who, own in binds:
            if who in _dict(finding.get("differs_for")) or (asked_for and perspective_of.get(who) not in asked_for):
                continue
            others = set().union(*(c for w, c in binds if w != who))
            if cites <= others - own:
                yield Problem(doc.path, doc.line_of(("findings", question, "answer")), "KB050",
                              f"{question} answers '{finding.get('answer')}' on {', '.join(sorted(cites))}, which binds "
                              f"list only for other addressees, yet {who} inherits that answer")


# --- the source essay's claims ------------------------------------------------------------------

@rule("KB049", "claim that the findings cannot check",
      "a claim names a question of the framework, an instrument of the data folder, and what its kind needs: "
      "questions, perspectives and expects (state); instrument and answers (instrument); fewer and than (comparison)",
      "kind: instrument ... instrument: cn-does-not-exist", applies_to=("claims",))
def claims_can_be_checked(doc: Document, context: Context) -> Iterator[Problem]:
    needs = {"state": ("questions", "perspectives", "expects"), "instrument": ("instrument", "answers"),
             "comparison": ("fewer", "than")}
    seen: set[str] = set()
    for index, claim in enumerate(_list(doc.data.get("claims"))):
        claim = _dict(claim)
        for key in needs.get(claim.get("kind"), ()):
            if key not in claim:
                yield Problem(doc.path, doc.line_of(("claims", index)), "KB049", f"a {claim.get('kind')} claim needs {key}")
        questions = [(("claims", index, "questions", n), q) for n, q in enumerate(_list(claim.get("questions")))]
        questions += [(("claims", index, "answers", q), q) for q in _dict(claim.get("answers"))]
        for path, question in questions:
            if question not in context.questions:
                yield Problem(doc.path, doc.line_of(path), "KB049", f"'{question}' is not a question of the framework")
        instrument = claim.get("instrument")
        if isinstance(instrument, str) and instrument not in context.instrument_ids:
            yield Problem(doc.path, doc.line_of(("claims", index, "instrument")), "KB049",
                          f"claim names instrument '{instrument}', which has no file data/instruments/{instrument}.yaml")
        year = claim.get("year")
        if isinstance(year, str) and year.isdigit() and int(year) > context.today.year:
            yield Problem(doc.path, doc.line_of(("claims", index, "year")), "KB049",
                          f"claim year {year} is after today: a claim is checked for a year the gap views cover")
        perspectives = [p for p in _list(claim.get("perspectives")) if isinstance(p, str)]
        known = [q for q in _list(claim.get("questions")) if isinstance(q, str) and q in context.questions]
        if claim.get("kind") == "state" and perspectives and known and not any(
                not _list(context.questions[q].get("perspectives")) or p in context.questions[q]["perspectives"]
                for q in known for p in perspectives):
            yield Problem(doc.path, doc.line_of(("claims", index, "questions")), "KB049",
                          "none of the claim's questions is asked from its perspectives, so nothing can be checked")
        if claim.get("kind") == "comparison":
            fewer, than = claim.get("fewer"), claim.get("than")
            asked = [q for q in (known or context.question_ids)
                     if all(not _list(context.questions[q].get("perspectives")) or p in context.questions[q]["perspectives"]
                            for p in (fewer, than))]
            if fewer is not None and fewer == than:
                yield Problem(doc.path, doc.line_of(("claims", index, "than")), "KB049",
                              f"a comparison claim compares two perspectives; fewer and than are both '{fewer}'")
            elif not asked:
                yield Problem(doc.path, doc.line_of(("claims", index)), "KB049",
                              f"no question is asked both for '{fewer}' and for '{than}', so nothing can be compared")
        if claim.get("id") in seen:
            yield Problem(doc.path, doc.line_of(("claims", index, "id")), "KB049", f"claim id '{claim.get('id')}' is used twice")
        seen.add(claim.get("id"))


# --- published text ----------------------------------------------------------------------------

# What only the project's own people can follow: its file paths, its research notes, its to-dos.
# Each is (pattern, what it is); the text is scanned with URLs taken out, since the address of a
# public source (say a GitHub copy of a law, ending in .md) is something a reader can follow.
INTERNAL_MARKERS: tuple[tuple[re.Pattern, str], ...] = tuple((re.compile(pattern, flags), what) for pattern, flags, what in (
    (r"\bdossier\b", re.IGNORECASE, "the project's research notes"),
    (r"legal-facts", re.IGNORECASE, "the project's research notes"),
    (r"\bopen item \d+", re.IGNORECASE, "the project's research notes"),
    (r"(?<![\w.-])(?:\.\./)*shared/", 0, "a path in the project's files"),
    (r"(?<![\w.-])reference/(?:texts|legal)", 0, "a path in the project's files"),
    (r"(?<![\w.-])data/(?:instruments|bodies)/", 0, "a path in the project's files"),
    (r"(?<![\w.-])(?:data|schema|scripts|tests)/[\w<>*.-]+(?:/[\w<>*.-]+)*\.(?:ya?ml|json|py)\b", 0,
     "a path in the project's files"),
    (r"[^\s/()\[\]'\"]*(?:\([^\s()]*\))?\.md(?![\w-])", 0, "a file name"),
    (r"(?<![\w.-])(?:text\.(?:en|zh)|coded_version|dates\.(?:amended|operative|effective|adopted)|status_note"
     r"|review\.notes?|differs_for|former_ids|wording_of)(?![\w-])", 0, "a field name of the record"),
    (r"\b(?:TODO|FIXME|TBD|XXX)\b", 0, "a to-do"),
    (r"before publication", re.IGNORECASE, "a to-do"),
    (r"\breplace this (?:url|link|address|source|text)", re.IGNORECASE, "a to-do"),
    (r"\bto be (?:confirmed|checked|verified) by (?:the team|us)\b", re.IGNORECASE, "a to-do"),
))
_URL = re.compile(r"https?://\S+")
# Fields that hold ids and addresses, not prose.
_NOT_PROSE = frozenset({"id", "url", "cite", "target", "body", "predecessor", "successor", "who", "former_ids"})


class _IdWords:
    """The matches of `_ids_pattern`'s regular expression, found without it: with a thousand
    records that regex is an alternation of a thousand ids, slow to build (the text of the
    pattern is rebuilt for every text checked) and slow to run (every id is tried at every word
    that starts like one), which made validation take minutes at 1,000 instruments. The same
    matches: a match can only start where a run of the ids' characters starts after a character
    that is not [\\w#/.@:-] (every character of an id is one of those, so no match starts inside
    a run), and at that start it is the longest id that is followed by neither [\\w/-] nor ".\\w"
    (the regex tries the ids longest first)."""

    __slots__ = ("words", "runs", "plain_runs", "split_runs")

    def __init__(self, words: frozenset[str]):
        self.words = words
        chars = "".join(map(re.escape, sorted(set("".join(words)))))
        self.runs = re.compile(r"(?<![\w#/.@:-])[" + chars + "]+")
        self.plain_runs = re.compile("[" + chars + "]+")  # (a superset of the runs' words: fast to scan)
        # the runs with a ".", "#", "@" or ":" inside, the only ones where a match can end early
        stops = "".join(re.escape(c) for c in ".#@:" if c in set("".join(words))) or "."
        self.split_runs = re.compile(r"(?<![\w#/.@:-])[" + chars + "]*[" + stops + "][" + chars + "]*")

    def _may_occur(self, text: str) -> bool:
        """False when no id can be in the text (most texts): decided with two scans in C, so the
        exact search below runs only on texts with a candidate."""
        if not self.words.isdisjoint(self.plain_runs.findall(text)):
            return True
        for run in self.split_runs.findall(text):
            for stop in range(len(run) - 1, 0, -1):
                if run[stop] in ".#@:" and run[:stop] in self.words:
                    return True
        return False

    def finditer(self, text: str):
        if not self._may_occur(text):
            return
        for run in self.runs.finditer(text):
            word, start = run.group(), run.start()
            stop = len(word)
            if word not in self.words and "." not in word and ":" not in word and "#" not in word and "@" not in word:
                continue  # most runs: a word that is no id, with nowhere else a match could end
            # Where a match may end: at the end of the run, or before a ".", "#", "@" or ":" in it
            # (after any other character of an id the match would be followed by [\w/-]).
            while stop > 0:
                if word[:stop] in self.words and _ID_END.match(text, start + stop):
                    yield _IdFound(word[:stop])
                    break
                stop = max(word.rfind(".", 0, stop), word.rfind("#", 0, stop), word.rfind("@", 0, stop), word.rfind(":", 0, stop))


class _IdFound:  # what finditer yields: as much of a re.Match as internal_references uses
    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text

    def group(self, n: int = 0) -> str:
        return self.text


_ID_END = re.compile(r"(?![\w/-]|\.\w)")
_ID_CHARS = re.compile(r"[\w#/.@:-]+")
# Matchers already built: by the object asked about (kept, so its id is not reused) and by its ids
# (each record's check makes its own set of the same ids); a few of each.
_BY_OBJECT: dict[int, tuple] = {}
_BY_WORDS: dict[frozenset, re.Pattern | _IdWords | None] = {}


def _remember(cache: dict, key, value) -> None:
    if len(cache) >= 16:
        cache.pop(next(iter(cache)))
    cache[key] = value


def _ids_pattern(ids) -> re.Pattern | _IdWords | None:
    """Ids as words of prose: not inside an address, a path, an anchor or a longer id."""
    held = _BY_OBJECT.get(id(ids))
    if held is not None and held[0] is ids:
        return held[1]
    words = frozenset(i for i in ids if isinstance(i, str) and i)
    if words not in _BY_WORDS:
        if not words:
            matcher = None
        elif all(_ID_CHARS.fullmatch(w) for w in words):
            matcher = _IdWords(words)
        else:  # an id with other characters: the regular expression itself
            matcher = re.compile(r"(?<![\w#/.@:-])(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True)))
                                 + r")(?![\w/-]|\.\w)")
        _remember(_BY_WORDS, words, matcher)
    _remember(_BY_OBJECT, id(ids), (ids, _BY_WORDS[words]))
    return _BY_WORDS[words]


# Words a marker cannot match without (any one of them): a text without them is not scanned with
# it, which is most texts (the ".md" pattern alone scans a run of text from every position, slow
# on Chinese, which has no spaces). A marker missing here is always scanned. For the markers that
# ignore case the words are looked for in the lowercased text, with the four characters that
# IGNORECASE also takes for ASCII letters ("ſ" for "s", say) folded first (_FOLD_TO_ASCII).
_MARKER_NEEDS: dict[str, tuple[str, ...]] = {
    r"\bdossier\b": ("dossier",),
    r"legal-facts": ("legal-facts",),
    r"\bopen item \d+": ("open item ",),
    r"(?<![\w.-])(?:\.\./)*shared/": ("shared/",),
    r"(?<![\w.-])reference/(?:texts|legal)": ("reference/",),
    r"(?<![\w.-])data/(?:instruments|bodies)/": ("data/",),
    r"(?<![\w.-])(?:data|schema|scripts|tests)/[\w<>*.-]+(?:/[\w<>*.-]+)*\.(?:ya?ml|json|py)\b": ("/",),
    r"[^\s/()\[\]'\"]*(?:\([^\s()]*\))?\.md(?![\w-])": (".md",),
    r"(?<![\w.-])(?:text\.(?:en|zh)|coded_version|dates\.(?:amended|operative|effective|adopted)|status_note"
    r"|review\.notes?|differs_for|former_ids|wording_of)(?![\w-])":
        ("text.", "coded_version", "dates.", "status_note", "review.note", "differs_for", "former_ids", "wording_of"),
    r"\b(?:TODO|FIXME|TBD|XXX)\b": ("TODO", "FIXME", "TBD", "XXX"),
    r"before publication": ("before publication",),
    r"\breplace this (?:url|link|address|source|text)": ("replace this ",),
    r"\bto be (?:confirmed|checked|verified) by (?:the team|us)\b": ("to be ",),
}


# The only characters outside ASCII that re's IGNORECASE takes for an ASCII letter (İ ı ſ K): with
# them folded, a lowercased text holds a marker's words whenever the marker can match it.
_FOLD_TO_ASCII = str.maketrans({"\u0130": "i", "\u0131": "i", "\u017f": "s", "\u212a": "k"})
_IGNORECASE = int(re.IGNORECASE)  # (an int: the flag's own & is slow)


def _may_match(pattern: re.Pattern, text: str, lower: str) -> bool:
    needs = _MARKER_NEEDS.get(pattern.pattern)
    if needs is None:
        return True
    if pattern.flags & _IGNORECASE:
        text = lower
    return any(word in text for word in needs)


def internal_references(text: str, question_ids=(), record_ids=()) -> list[tuple[str, str]]:
    """The internal references in a text a reader sees, as (what was found, what it is).

    Besides the markers above, raw ids of framework questions (``consent.form``) and of records
    (``samr``, ``us-congress-1974-privacy-act``): prose names questions in words and bodies and
    instruments by name. The tests scan the built pages and downloads with this function too.
    """
    text = _URL.sub(" ", text)
    lower = text.lower()
    if not text.isascii() and any(c in text for c in "\u0130\u0131\u017f\u212a"):
        lower = text.translate(_FOLD_TO_ASCII).lower()
    found = [(m.group(0), what) for pattern, what in INTERNAL_MARKERS if _may_match(pattern, text, lower)
             for m in pattern.finditer(text)]
    for ids, what in ((question_ids, "a question id"), (record_ids, "a record id")):
        pattern = _ids_pattern(ids)
        if pattern:
            found += [(m.group(0), what) for m in pattern.finditer(text)]
    return found


_ADVICE = {
    "the project's research notes": "cite the public source the notes relied on (a URL, a gazette, a named publication)",
    "a path in the project's files": "cite a public source instead of a file of the project",
    "a file name": "name the document or its publisher; the address belongs in the source's url",
    "a to-do": "do it, or move the to-do to review.notes",
    "a field name of the record": "say it in words a reader follows (the English text quoted here, the wording we coded, the amendment listed above)",
    "a question id": "name the question in words (the form consent must take, not consent.form)",
    "a record id": "name the body or instrument (the FTC, the Privacy Act); pages link them",
}


@rule("KB051", "internal reference in a published field",
      "published fields speak to readers and cite only public sources: move working notes (to-dos, source hunting, "
      "the research notes, file paths) to review.notes, which is never published",
      "note: {en: \"Date from the project dossier (legal-facts.md A12); see consent.form\"}",
      applies_to=("instrument", "body"))
def no_internal_references(doc: Document, context: Context) -> Iterator[Problem]:
    record_ids = context.record_ids
    published = [(path, value) for path, value in doc.texts
                 if path[:2] != ("review", "notes") and not any(p in _NOT_PROSE for p in path if isinstance(p, str))]
    # One scan of all the record's published text first (no pattern matches across a line
    # break, so this finds something exactly when some text has something): most records have
    # nothing, and then the texts are not scanned one by one.
    if not internal_references("\n".join(value for _, value in published), context.question_ids, record_ids):
        return
    memo: dict[str, list] = {}
    for path, value in published:
        if value not in memo:
            memo[value] = internal_references(value, context.question_ids, record_ids)
        found = memo[value]
        if not found:
            continue
        listed = ", ".join(dict.fromkeys(f"'{marker}' ({what})" for marker, what in found))
        advice = "; ".join(dict.fromkeys(_ADVICE[what] for _, what in found))
        yield Problem(doc.path, doc.line_of(path), "KB051",
                      f"{_field(path)} shows readers {listed}",
                      f"{advice}; working notes go in review.notes, which is never published")


# --- the names people search by (title.abbreviations, title.short_zh) ---------------------------

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")


def _short_names(doc: Document) -> Iterator[tuple[str, int, str]]:
    """(field, index, name) for each abbreviation and Chinese short name of a record."""
    title = _dict(doc.data.get("title"))
    for key in ("abbreviations", "short_zh"):
        for index, name in enumerate(_list(title.get(key))):
            if isinstance(name, str) and name.strip():
                yield key, index, name


def _name_key(name: str) -> str:
    """How search sees a name: case, spaces, dots and § do not tell two names apart."""
    return re.sub(r"[\s.§]+", "", unicodedata.normalize("NFKC", name)).casefold()


@rule("KB052", "the same abbreviation or short name claimed by two instruments",
      "an abbreviation (or Chinese short name) leads a search to one instrument's page: keep it on the "
      "instrument it names and remove it from the other",
      "title: {abbreviations: [PIPL]}   (in a second record besides the Personal Information Protection Law)",
      applies_to=("instrument",), across_files=True)
def unique_short_names(docs: list[Document], context: Context) -> Iterator[Problem]:
    first: dict[str, tuple[Document, str]] = {}
    for doc in docs:
        for key, index, name in _short_names(doc):
            seen = first.get(_name_key(name))
            if seen is None:
                first[_name_key(name)] = (doc, name)
            elif seen[0] is not doc:
                yield Problem(doc.path, doc.line_of(("title", key, index)), "KB052",
                              f"title.{key} '{name}' is already claimed by {seen[0].path} ('{seen[1]}')")


@rule("KB053", "abbreviation or short name in the wrong script",
      "English abbreviations (title.abbreviations) are in Latin letters; Chinese short names go under "
      "title.short_zh, written in Chinese characters",
      "title: {abbreviations: [个保法]}   (a Chinese short name among the English abbreviations)",
      applies_to=("instrument",))
def short_names_in_their_script(doc: Document, context: Context) -> Iterator[Problem]:
    for key, index, name in _short_names(doc):
        has_han = bool(_HAN.search(name))
        if key == "abbreviations" and has_han:
            yield Problem(doc.path, doc.line_of(("title", key, index)), "KB053",
                          f"title.abbreviations '{name}' holds Chinese characters; move it to title.short_zh")
        elif key == "short_zh" and not has_han:
            yield Problem(doc.path, doc.line_of(("title", key, index)), "KB053",
                          f"title.short_zh '{name}' holds no Chinese characters; move it to title.abbreviations")


# --- bodies ------------------------------------------------------------------------------------

@rule("KB044", "body succeeds or precedes itself",
      "predecessor and successor name other bodies: the body this one replaced, and the one that replaced it",
      "id: samr ... successor: samr", applies_to=("body",))
def bodies_do_not_succeed_themselves(doc: Document, context: Context) -> Iterator[Problem]:
    for key in ("predecessor", "successor"):
        if doc.data.get(key) is not None and doc.data.get(key) == doc.data.get("id"):
            yield Problem(doc.path, doc.line_of((key,)), "KB044", f"{key} names the body itself")


# --- the shared files --------------------------------------------------------------------------

@rule("KB032", "duplicate term", "vocabulary terms, questions and jurisdictions must be unique",
      "two vocabulary terms with id: \"no\"", applies_to=("vocabularies", "jurisdictions", "framework"))
def unique_entries(doc: Document, context: Context) -> Iterator[Problem]:
    if doc.kind == "vocabularies":
        lists = [((name, "terms"), "id", f"term of {name}") for name in doc.data]
    elif doc.kind == "jurisdictions":
        lists = [(("jurisdictions",), "code", "jurisdiction")]
    else:
        lists = [(("dimensions",), "id", "dimension")]
        lists += [(("dimensions", n, "questions"), "id", "question") for n in range(len(_list(doc.data.get("dimensions"))))]
    for path, key, what in lists:
        seen: set[str] = set()
        for index, entry in enumerate(_list(_get(doc.data, path))):
            value = _dict(entry).get(key)
            if isinstance(value, str):
                if value in seen:
                    yield Problem(doc.path, doc.line_of(path + (index, key)), "KB032", f"{what} '{value}' appears twice")
                seen.add(value)


@rule("KB043", "jurisdiction inside an unknown or circular parent",
      "parent names another jurisdiction's code, and no jurisdiction may end up inside itself",
      "- {code: US, parent: US-CA}  - {code: US-CA, parent: US}", applies_to=("jurisdictions",))
def parents_are_sound(doc: Document, context: Context) -> Iterator[Problem]:
    entries = [_dict(e) for e in _list(doc.data.get("jurisdictions"))]
    parent_of = {e.get("code"): e.get("parent") for e in entries if isinstance(e.get("code"), str)}
    for index, entry in enumerate(entries):
        code, parent = entry.get("code"), entry.get("parent")
        if not isinstance(parent, str):
            continue
        line = doc.line_of(("jurisdictions", index, "parent"))
        if parent not in parent_of:
            yield Problem(doc.path, line, "KB043", f"{code}'s parent '{parent}' is not a jurisdiction in this file")
            continue
        seen, current = {code}, parent
        while isinstance(current, str) and current in parent_of:
            if current in seen:
                yield Problem(doc.path, line, "KB043", f"{code} ends up inside itself (parents: {' -> '.join([code, *_chain(parent, parent_of)])})")
                break
            seen.add(current)
            current = parent_of[current]


def _chain(start: str, parent_of: dict) -> list[str]:
    chain, current = [], start
    while isinstance(current, str) and current not in chain and len(chain) < 20:
        chain.append(current)
        current = parent_of.get(current)
    return chain + ([current] if isinstance(current, str) else [])


@rule("KB036", "editions out of order", "list editions oldest first, each with a later date than the one before",
      "an edition older than the one listed before it", applies_to=("editions",))
def editions_in_order(doc: Document, context: Context) -> Iterator[Problem]:
    previous = None
    for index, entry in enumerate(_list(doc.data.get("editions"))):
        when = parse_date(_dict(entry).get("edition"))
        if when and previous and when <= previous:
            yield Problem(doc.path, doc.line_of(("editions", index, "edition")), "KB036",
                          f"edition {when} is not after the edition before it ({previous})")
        if when and when > context.today:
            yield Problem(doc.path, doc.line_of(("editions", index, "edition")), "KB036",
                          f"edition {when} is after today ({context.today}): an edition is dated when it is published")
        previous = when or previous


def _get(data, path):
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data


def run(kind: str, docs: list[Document], context: Context) -> list[Problem]:
    """Every registered check for files of ``kind``."""
    return [p for doc in docs for p in run_each(kind, doc, context)] + run_across(kind, docs, context)


def run_each(kind: str, doc: Document, context: Context) -> list[Problem]:
    """The checks of one file of ``kind`` (what they find depends on that file and the context only)."""
    return [p for entry in RULES.values() if kind in entry.applies_to and entry.check is not None
            and not entry.across_files for p in entry.check(doc, context)]


def run_across(kind: str, docs: list[Document], context: Context) -> list[Problem]:
    """The checks that compare the files of ``kind`` with each other."""
    return [p for entry in RULES.values() if kind in entry.applies_to and entry.check is not None
            and entry.across_files for p in entry.check(docs, context)]
