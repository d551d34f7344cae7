"""Read a data folder, check every file, and build the model.

``check(data_dir)`` returns every problem in the folder in one pass; ``load(data_dir)`` returns
the KnowledgeBase or raises DataError carrying all of them. Nothing here prints or exits, so the
command line, the MkDocs plugin and the tests share it.

The order of a pass: look at the folder itself (only plain files inside it are read), read the
vocabularies and jurisdictions (the schemas are filled in from them), then the framework, the
editions, the bodies and the instruments; each file is checked against its JSON Schema and by the
rules registered for its kind in kb.load.rules.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import json
import os
import stat
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

from ..model import KnowledgeBase, reserved_anchors
from . import rules
from .build import build
from .problems import DataError, Problem
from .schema import SchemaSet, Terms
from .yamlsafe import MAX_FILE_BYTES, Document, parse_bytes, parse_file

SHARED_FILES = {"vocabularies.yaml": "vocabularies", "jurisdictions.yaml": "jurisdictions",
                "framework.yaml": "framework", "editions.yaml": "editions"}
OPTIONAL_FILES = {"claims.yaml": "claims"}  # the source essay's claims, checked against the findings
RECORD_FOLDERS = {"bodies": "body", "instruments": "instrument"}


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working directory where possible."""
    absolute = Path(os.path.abspath(path))
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


@dataclass
class _Pass:
    """Everything read in one pass over a data folder."""

    root: Path
    problems: list[Problem] = field(default_factory=list)
    shared: dict[str, Document] = field(default_factory=dict)  # kind -> document
    records: dict[str, list[Document]] = field(default_factory=lambda: {kind: [] for kind in RECORD_FOLDERS.values()})

    def plain_file(self, path: Path, what: str = "file") -> bool:
        """True for a regular file that really lies inside the data folder; otherwise say why not.

        A record is published as it is (records/...yaml), so a symbolic link would publish
        whatever it points at, and a pipe or device would hang the reader: neither is read.
        """
        try:
            info = os.lstat(path)
        except OSError as err:
            self.problems.append(Problem(display_path(path), 1, "KB031", f"cannot read the {what}: {err.strerror}"))
            return False
        wanted = stat.S_ISDIR if what == "folder" else stat.S_ISREG
        if stat.S_ISLNK(info.st_mode) or not wanted(info.st_mode):
            kind = "a symbolic link" if stat.S_ISLNK(info.st_mode) else f"not a plain {what}"
            self.problems.append(Problem(display_path(path), 1, "KB037", f"{path.name} is {kind}; nothing in it was read"))
            return False
        return True

    def read(self, path: Path, kind: str) -> Document | None:
        display = display_path(path)
        try:
            raw = path.read_bytes() if path.stat().st_size <= MAX_FILE_BYTES else None
        except OSError:
            raw = None
        if raw is None:  # too large or unreadable: parse_file says which
            doc, problems = parse_file(path, display)
        else:
            key = (display, hashlib.blake2b(raw, digest_size=16).digest())
            if key not in _MEMO.parsed:
                _MEMO.parsed[key] = parse_bytes(raw, display)
            doc, problems = _MEMO.keep("parsed", key)
            if doc is not None:
                doc.digest = key[1]
        self.problems.extend(problems)
        if doc is not None:
            doc.kind = kind
        return doc

    def record_files(self, folder: Path) -> list[Path]:
        """The <id>.yaml files of a record folder; anything else there is reported, not skipped."""
        found = []
        for path in sorted(folder.iterdir()):
            if path.name.startswith("."):
                continue  # .gitkeep, editor files
            if path.suffix == ".yaml" and not path.is_symlink() and path.is_file():
                found.append(path)
            elif path.suffix == ".yaml":
                self.plain_file(path)
            else:
                self.problems.append(Problem(display_path(path), 1, "KB038",
                                             f"{path.name} is not read: only <id>.yaml files are records"))
        return found


class _Memo:
    """What this process found in each file the last time it read the folder, by the file's
    bytes: `mkdocs serve` reads the whole folder again after every edit (in two processes), and
    usually one file has changed. Parsing a file and the checks of one file depend only on its
    bytes and on the context (the vocabularies, the framework, the ids of every record, today),
    so those are reused; the checks across files always run. Each read keeps only what it used."""

    def __init__(self):
        self.parsed: dict = {}  # (path, digest) -> (Document | None, problems)
        self.schema: dict = {}  # (path, digest, kind, vocabularies' digests) -> problems
        self.rules: dict = {}  # (path, digest, kind, context key) -> problems
        self.used: dict[str, dict] = {"parsed": {}, "schema": {}, "rules": {}}

    def keep(self, table: str, key):
        value = self.used[table][key] = getattr(self, table)[key]
        return value

    def checked(self, table: str, key, check):
        if key not in getattr(self, table):
            getattr(self, table)[key] = check()
        return self.keep(table, key)

    def start(self):
        self.used = {"parsed": {}, "schema": {}, "rules": {}}

    def finish(self):
        self.parsed, self.schema, self.rules = (self.used[t] for t in ("parsed", "schema", "rules"))


_MEMO = _Memo()


def _terms(vocabularies: Document | None, jurisdictions: Document | None) -> Terms:
    """The terms each vocabulary offers, read defensively (the files are not checked yet)."""
    terms: Terms = {}
    if vocabularies:
        for name, vocabulary in vocabularies.data.items():
            entries = vocabulary.get("terms") if isinstance(vocabulary, dict) else None
            terms[name] = [t for t in entries or [] if isinstance(t, dict) and isinstance(t.get("id"), str)]
    if jurisdictions:
        entries = jurisdictions.data.get("jurisdictions")
        terms["jurisdiction"] = [{"id": j["code"]} for j in entries or [] if isinstance(j, dict) and isinstance(j.get("code"), str)]
    return terms


def _framework(doc: Document | None) -> tuple[list[str], dict[str, dict], list]:
    if not doc:
        return [], {}, []
    dimensions = [d for d in doc.data.get("dimensions") or [] if isinstance(d, dict)]
    questions = {q["id"]: q for d in dimensions for q in d.get("questions") or []
                 if isinstance(q, dict) and isinstance(q.get("id"), str)}
    return list(questions), questions, dimensions


_SCHEMA_SETS: dict[str, SchemaSet] = {}


def _schemas(terms: dict) -> SchemaSet:
    """The schemas filled with these terms, compiled once while the terms stay the same (compiling
    them takes longer than checking every record of the bundled data)."""
    key = json.dumps(terms, sort_keys=True, default=str)
    if key not in _SCHEMA_SETS:
        _SCHEMA_SETS.clear()
        _SCHEMA_SETS[key] = SchemaSet(terms)
    return _SCHEMA_SETS[key]


def _read_and_check(data_dir: Path, today: dt.date) -> _Pass:
    run = _Pass(root=data_dir)
    if not data_dir.is_dir():
        run.problems.append(Problem(display_path(data_dir), 1, "KB031", "data folder does not exist"))
        return run
    for name, kind in {**SHARED_FILES, **OPTIONAL_FILES}.items():
        path = data_dir / name
        if not os.path.lexists(path):
            if name in SHARED_FILES:
                run.problems.append(Problem(display_path(path), 1, "KB031", f"{name} is missing"))
        elif run.plain_file(path):
            doc = run.read(path, kind)
            if doc:
                run.shared[kind] = doc
    folders = {}
    for name, kind in RECORD_FOLDERS.items():
        path = data_dir / name
        if not os.path.lexists(path):
            run.problems.append(Problem(display_path(path), 1, "KB031", f"folder {name}/ is missing"))
        elif run.plain_file(path, "folder"):
            folders[kind] = path

    terms = _terms(run.shared.get("vocabularies"), run.shared.get("jurisdictions"))
    question_ids, questions, dimensions = _framework(run.shared.get("framework"))
    jurisdictions = {j["code"]: j for j in (run.shared["jurisdictions"].data.get("jurisdictions") or [])
                     if isinstance(j, dict) and isinstance(j.get("code"), str)} if "jurisdictions" in run.shared else {}
    schemas = _schemas(terms)
    terms_key = tuple(run.shared[k].digest if k in run.shared else None for k in ("vocabularies", "jurisdictions"))
    for kind, doc in run.shared.items():
        run.problems += _MEMO.checked("schema", (doc.path, doc.digest, kind, terms_key), partial(schemas.check, doc, kind))

    for kind, folder in folders.items():
        for path in run.record_files(folder):
            doc = run.read(path, kind)
            if doc is not None:
                run.records[kind].append(doc)
                run.problems += _MEMO.checked("schema", (doc.path, doc.digest, kind, terms_key),
                                              partial(schemas.check, doc, kind))

    context = rules.Context(
        today=today,
        terms={name: [t["id"] for t in entries] for name, entries in terms.items()},
        term_attributes={name: {t["id"]: t for t in entries} for name, entries in terms.items()},
        question_ids=question_ids, questions=questions, jurisdictions=jurisdictions,
        body_ids={d.data.get("id") for d in run.records["body"]},
        instrument_ids={d.data.get("id") for d in run.records["instrument"]},
        reserved_anchors=reserved_anchors([d.get("id") for d in dimensions], question_ids),
    )
    context_key = (today, *(run.shared[k].digest if k in run.shared else None for k in sorted(SHARED_FILES)),
                   frozenset(context.body_ids), frozenset(context.instrument_ids))
    groups = [(kind, [doc]) for kind, doc in run.shared.items()] + list(run.records.items())
    for kind, docs in groups:
        for doc in docs:
            run.problems += _MEMO.checked("rules", (doc.path, doc.digest, kind, context_key),
                                          partial(rules.run_each, kind, doc, context))
        run.problems += rules.run_across(kind, docs, context)

    # A placeholder explains its line better than the errors it causes there: keep only it.
    for doc in run.records["instrument"] + run.records["body"]:
        marked = [p for p in run.problems if p.path == doc.path and p.code == "KB035"]
        if marked:
            lines = {p.line for p in marked}
            run.problems = [p for p in run.problems if p.path != doc.path or p.line not in lines or p.code == "KB035"]
    return run


@contextmanager
def _collector_paused():
    """Reading makes about a million small objects and no reference cycles, but the garbage
    collector keeps walking them as they pile up: a sixth of the load time at 1,000 records."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_and_check_remembering(data_dir: Path, today: dt.date) -> _Pass:
    _MEMO.start()
    run = _read_and_check(data_dir, today)
    _MEMO.finish()
    return run


def check(data_dir: Path, today: dt.date | None = None) -> list[Problem]:
    """Every problem in the data folder, sorted by file and line."""
    with _collector_paused():
        return sorted(set(_read_and_check_remembering(Path(data_dir).resolve(), today or dt.date.today()).problems))


def load(data_dir: Path, today: dt.date | None = None) -> KnowledgeBase:
    """The checked knowledge base; DataError (with every problem) if the folder has any."""
    with _collector_paused():
        run = _read_and_check_remembering(Path(data_dir).resolve(), today or dt.date.today())
        if run.problems:
            raise DataError(sorted(set(run.problems)))
        return build(run.shared, run.records)


def fingerprint(data_dir: Path) -> tuple:
    """What the folder holds, by name, size and modification time: two reads of it agree only if
    this did not change between them (``mkdocs serve`` reads it in two processes)."""
    out = []
    for path in sorted(Path(data_dir).rglob("*")):
        try:
            info = path.lstat()
        except OSError:
            continue
        out.append((str(path), info.st_size, info.st_mtime_ns))
    return tuple(out)


def load_unchanged(data_dir: Path, today: dt.date | None = None) -> tuple[KnowledgeBase, tuple | None]:
    """load(), and the folder's fingerprint, or None where the folder changed while it was read."""
    before = fingerprint(data_dir)
    kb = load(data_dir, today)
    return kb, (before if fingerprint(data_dir) == before else None)


__all__ = ["check", "load", "load_unchanged", "fingerprint", "DataError", "Problem"]
