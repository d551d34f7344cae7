"""Cross-record checks: what a JSON Schema cannot say about one file on its own.

Each rule is a small function taking the parsed document (and what it needs from other files)
and yielding Problems. They run on every file even when the schema already found problems, so
one run reports everything; hence they read the data defensively.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from .problems import Problem
from .yamlsafe import Document


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value) -> list:
    return value if isinstance(value, list) else []


PLACEHOLDER = "REPLACE"


def placeholders(doc: Document) -> Iterator[Problem]:
    """Values still holding the template's REPLACE markers, one problem per line."""
    found: dict[int, list[str]] = {}
    for path, value in doc.texts:
        if PLACEHOLDER in value:
            field = ".".join(str(p) for p in path if not isinstance(p, int))
            found.setdefault(doc.line_of(path), []).append(field)
    for line, fields in sorted(found.items()):
        yield Problem(doc.path, line, "KB035", f"template placeholder left in {', '.join(fields)}",
                      "fill in the value from the source, or delete the field if it is optional")


def id_matches_file(doc: Document, stem: str) -> Iterator[Problem]:
    record_id = doc.data.get("id")
    if isinstance(record_id, str) and record_id != stem:
        yield Problem(doc.path, doc.line_of(("id",)), "KB020",
                      f"id '{record_id}' differs from the file name '{stem}.yaml'",
                      f"set id: {stem}, or rename the file to {record_id}.yaml")


def real_dates(doc: Document) -> Iterator[Problem]:
    """Every YYYY-MM-DD string in the record must be a real calendar date."""
    for path, value in doc.texts:
        if _looks_like_date(value) and parse_date(value) is None:
            yield Problem(doc.path, doc.line_of(path), "KB025", f"'{value}' is not a real date")


def _looks_like_date(value: str) -> bool:
    return len(value) == 10 and value[4] == "-" and value[7] == "-" and (value[:4] + value[5:7] + value[8:]).isdigit()


def parse_date(value) -> dt.date | None:
    if not isinstance(value, str) or not _looks_like_date(value):
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


def dates_in_order(doc: Document) -> Iterator[Problem]:
    dates = _dict(doc.data.get("dates"))
    adopted = parse_date(dates.get("adopted"))
    effective = parse_date(dates.get("effective"))
    repealed = parse_date(dates.get("repealed"))
    if adopted and effective and effective < adopted:
        yield Problem(doc.path, doc.line_of(("dates", "effective")), "KB026",
                      f"effective date {effective} is before the adopted date {adopted}")
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


def coded_version_exists(doc: Document) -> Iterator[Problem]:
    version = doc.data.get("coded_version")
    dates = _dict(doc.data.get("dates"))
    known = [dates.get("adopted")] + [_dict(a).get("date") for a in _list(dates.get("amended"))]
    if isinstance(version, str) and version not in known:
        yield Problem(doc.path, doc.line_of(("coded_version",)), "KB034",
                      f"coded_version {version} is neither the adopted date nor an amendment date",
                      f"use one of: {', '.join(str(k) for k in known if k)}")


def not_in_future(doc: Document, today: dt.date) -> Iterator[Problem]:
    when = parse_date(_dict(doc.data.get("review")).get("last_verified"))
    if when and when > today:
        yield Problem(doc.path, doc.line_of(("review", "last_verified")), "KB030",
                      f"last_verified {when} is after today ({today})")


def has_official_source(doc: Document) -> Iterator[Problem]:
    sources = _list(doc.data.get("sources"))
    if sources and not any(_dict(s).get("role") == "official" for s in sources):
        yield Problem(doc.path, doc.line_of(("sources",)), "KB027", "no source has role: official")


def unique_provisions(doc: Document) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for index, provision in enumerate(_list(doc.data.get("provisions"))):
        ids = [("id", _dict(provision).get("id"))]
        ids += [(("former_ids", n), old) for n, old in enumerate(_list(_dict(provision).get("former_ids")))]
        for where, pid in ids:
            if not isinstance(pid, str):
                continue
            line = doc.line_of(("provisions", index) + (where if isinstance(where, tuple) else (where,)))
            if pid in seen:
                yield Problem(doc.path, line, "KB029", f"provision id '{pid}' is used twice (first at line {seen[pid]})")
            else:
                seen[pid] = line


def citations_resolve(doc: Document) -> Iterator[Problem]:
    provision_ids = {_dict(p).get("id") for p in _list(doc.data.get("provisions"))}
    places = [("findings", key) for key in _dict(doc.data.get("findings"))]
    places += [("oversight", index) for index in range(len(_list(doc.data.get("oversight"))))]
    places += [("relations", index) for index in range(len(_list(doc.data.get("relations"))))]
    for place in places:
        container = doc.data.get(place[0])
        entry = _dict(container[place[1]]) if isinstance(container, (dict, list)) else {}
        for index, cited in enumerate(_list(entry.get("cite"))):
            if isinstance(cited, str) and cited not in provision_ids:
                known = ", ".join(sorted(str(p) for p in provision_ids if p)) or "none yet"
                yield Problem(doc.path, doc.line_of(place + ("cite", index)), "KB022",
                              f"cite names '{cited}', which this record does not define",
                              f"add it under provisions or fix the id (this record has: {known})")


def findings_match_framework(doc: Document, question_ids: list[str]) -> Iterator[Problem]:
    findings = doc.data.get("findings")
    if not isinstance(findings, dict):
        return
    known = set(question_ids)
    for key in findings:
        if key not in known:
            import difflib

            guess = difflib.get_close_matches(key, question_ids, n=1)
            hint = f"did you mean '{guess[0]}'?" if guess else "use a question id from data/framework.yaml"
            yield Problem(doc.path, doc.key_line(("findings", key)), "KB023",
                          f"finding '{key}' is not a question in the framework", hint)
    for qid in question_ids:
        if qid not in findings:
            yield Problem(doc.path, doc.key_line(("findings",)), "KB024", f"question '{qid}' is not answered",
                          f"add findings.{qid} with an answer; use not-addressed and a note if the instrument is silent")


def bodies_exist(doc: Document, body_ids: set[str]) -> Iterator[Problem]:
    for index, entry in enumerate(_list(doc.data.get("oversight"))):
        body = _dict(entry).get("body")
        if isinstance(body, str) and body not in body_ids:
            yield Problem(doc.path, doc.line_of(("oversight", index, "body")), "KB028",
                          f"oversight names body '{body}', which has no file data/bodies/{body}.yaml")
    for key in ("predecessor", "successor"):
        other = doc.data.get(key)
        if isinstance(other, str) and other not in body_ids:
            yield Problem(doc.path, doc.line_of((key,)), "KB028",
                          f"{key} names body '{other}', which has no file data/bodies/{other}.yaml")


def relations_resolve(doc: Document, instrument_ids: set[str]) -> Iterator[Problem]:
    for index, relation in enumerate(_list(doc.data.get("relations"))):
        target = _dict(relation).get("target")
        if not isinstance(target, str):
            continue
        line = doc.line_of(("relations", index, "target"))
        if target == doc.data.get("id"):
            yield Problem(doc.path, line, "KB033", "an instrument cannot relate to itself")
        elif target not in instrument_ids:
            yield Problem(doc.path, line, "KB033", f"relation names instrument '{target}', which has no file data/instruments/{target}.yaml")


def editions_in_order(doc: Document) -> Iterator[Problem]:
    previous = None
    for index, entry in enumerate(_list(doc.data.get("editions"))):
        when = parse_date(_dict(entry).get("edition"))
        if when and previous and when <= previous:
            yield Problem(doc.path, doc.line_of(("editions", index, "edition")), "KB036",
                          f"edition {when} is not after the edition before it ({previous})",
                          "list editions oldest first, each with a new date")
        previous = when or previous


def unique_ids(docs: list[Document], what: str) -> Iterator[Problem]:
    first: dict[str, Document] = {}
    for doc in docs:
        record_id = doc.data.get("id")
        if not isinstance(record_id, str):
            continue
        if record_id in first:
            yield Problem(doc.path, doc.line_of(("id",)), "KB021",
                          f"{what} id '{record_id}' is already used by {first[record_id].path}")
        else:
            first[record_id] = doc


def unique_entries(doc: Document, path: tuple, key: str, what: str) -> Iterator[Problem]:
    seen: set[str] = set()
    for index, entry in enumerate(_list(_get(doc.data, path))):
        value = _dict(entry).get(key)
        if isinstance(value, str):
            if value in seen:
                yield Problem(doc.path, doc.line_of(path + (index, key)), "KB032", f"{what} '{value}' appears twice")
            seen.add(value)


def _get(data, path):
    for part in path:
        if isinstance(data, dict):
            data = data.get(part)
        elif isinstance(data, list) and isinstance(part, int) and part < len(data):
            data = data[part]
        else:
            return None
    return data
