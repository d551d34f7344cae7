"""What changed in the knowledge between two data folders or two git revisions (`kb diff OLD NEW`).

Each side is read with the project's own loader (kb.load), so both are checked as `make validate`
checks them; the two models are then compared, not the YAML text, so a change of layout shows as
nothing and a change of meaning shows once, however the record was edited:

- instruments and bodies added or removed (by id);
- answers: each instrument's answer to each framework question, and each addressee's own answer
  where a finding gives one (``differs_for``), compared as the gap views read them (an addressee
  without its own answer takes the finding's);
- citations: the provisions a finding (or an addressee's own answer) cites;
- quotes: every wording a provision quotes (``text``, in each language, wherever it sits in the
  provision, e.g. in a version of it), added, removed or changed;
- gap states: each jurisdiction's state per perspective and question on one day (the newer
  edition's), as the site's "today" tables show them;
- other changes: every other field of an instrument or body that differs, by its path. The
  comparison walks the model's fields (as kb.json does), so a field added to the records and the
  model is compared with nothing more to do here.

Three renderings: plain text for the terminal, Markdown for a pull request's reviewers, and YAML
list items shaped like the ``changes:`` entries of data/editions.yaml, for a maintainer to edit and
paste. Everything is sorted, so two runs over the same sides print the same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import html
import io
import os
import re
import subprocess
import tarfile
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

from .exports.kbjson import to_data
from .gaps import GapViews
from .load import load
from .load.problems import DataError, Problem
from .model import Instrument, KnowledgeBase

FORMATS = ("text", "markdown", "changelog")


class SideError(Exception):
    """A side that could not be read: not a folder nor a revision (usage), or data with problems."""

    def __init__(self, label: str, message: str, problems: list[Problem] | None = None):
        self.label = label
        self.problems = problems or []
        super().__init__(message)


# --- reading a side ------------------------------------------------------------------------------

@dataclass
class Side:
    label: str  # as the user wrote it: a folder or a revision
    kb: KnowledgeBase


def _git(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, timeout=120)


def _revision(spec: str, cwd: Path) -> tuple[str, str] | None:
    """(commit, folder inside it) if ``spec`` names a git revision (``REV`` or ``REV:folder``)."""
    candidates = [(spec, "data")]
    if ":" in spec:
        rev, _, folder = spec.partition(":")
        candidates.insert(0, (rev, folder.strip("/") or "data"))
    for rev, folder in candidates:
        if not rev or rev.startswith("-"):
            continue
        try:
            found = _git("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}", cwd=cwd)
        except (OSError, subprocess.SubprocessError):
            return None  # no git here
        if found.returncode == 0:
            return found.stdout.decode().strip(), folder
    return None


def _extract(commit: str, folder: str, into: Path, cwd: Path, label: str) -> Path:
    """The revision's data folder, written under ``into`` with `git archive` (the work tree is
    never touched)."""
    archived = _git("archive", "--format=tar", commit, "--", folder, cwd=cwd)
    if archived.returncode != 0:
        message = archived.stderr.decode(errors="replace").strip()
        raise SideError(label, f"{label}: git archive could not read {folder}/ at {commit[:12]}: {message}")
    with tarfile.open(fileobj=io.BytesIO(archived.stdout)) as archive:
        archive.extractall(into, filter="data")  # no links out of the folder, no odd files
    return into / folder


def _load(data: Path, today: dt.date | None, ignore: frozenset[str]) -> KnowledgeBase:
    """load(), or, with codes to ignore, the model of a folder whose only problems have those codes
    (an older revision read by newer rules, e.g. a rule about notes that its records predate)."""
    if not ignore:
        return load(data, today)
    from .load import _collector_paused, _read_and_check
    from .load.build import build

    with _collector_paused():
        run = _read_and_check(Path(data).resolve(), today or dt.date.today())
        problems = sorted({p for p in run.problems if p.code not in ignore})
        if problems:
            raise DataError(problems)
        try:
            return build(run.shared, run.records)
        except Exception as err:
            raise DataError(sorted(set(run.problems))) from err


def read_side(spec: str, today: dt.date | None = None, cwd: Path | None = None,
              ignore: frozenset[str] = frozenset()) -> Side:
    """Load one side: a data folder if ``spec`` is one, otherwise a git revision's data/ folder
    (``REV:folder`` for another folder). ``ignore``: problem codes that do not stop the
    comparison. Raises SideError."""
    cwd = cwd or Path.cwd()
    path = Path(spec)
    if path.is_dir():
        try:
            return Side(spec, _load(path, today, ignore))
        except DataError as err:
            raise SideError(spec, f"{spec} has problems", err.problems) from None
    found = _revision(spec, cwd)
    if found is None:
        raise SideError(spec, f"'{spec}' is neither a data folder nor a git revision of this repository")
    commit, folder = found
    with tempfile.TemporaryDirectory(prefix="kb-diff-") as tmp:
        root = Path(tmp).resolve()
        data = _extract(commit, folder, root, cwd, spec)
        try:
            return Side(spec, _load(data, today, ignore))
        except DataError as err:
            # Name the files as the revision holds them (REV:data/instruments/x.yaml), not the temporary copy.
            problems = [dataclasses.replace(p, path=_in_revision(p.path, root, spec)) for p in err.problems]
            raise SideError(spec, f"{spec} has problems", problems) from None


def _in_revision(shown: str, root: Path, spec: str) -> str:
    absolute = Path(os.path.abspath(shown))
    try:
        return f"{spec.partition(':')[0] if ':' in spec else spec}:{absolute.relative_to(root).as_posix()}"
    except ValueError:
        return shown


# --- what changed --------------------------------------------------------------------------------

@dataclass(frozen=True, order=True)
class AnswerChange:
    instrument: str
    question: str
    addressee: str  # "" for the finding itself
    before: str  # answer id; "" where the question was not answered on that side
    after: str


@dataclass(frozen=True, order=True)
class CiteChange:
    instrument: str
    question: str
    addressee: str
    before: tuple[str, ...]  # provision ids
    after: tuple[str, ...]


@dataclass(frozen=True, order=True)
class QuoteChange:
    instrument: str
    provision: str
    where: str  # "" for the provision's own text; else the path inside it (e.g. "versions.2016")
    lang: str
    before: str  # "" where there was no such quote
    after: str


@dataclass(frozen=True, order=True)
class GapChange:
    jurisdiction: str
    perspective: str
    question: str
    before: str  # gap state id; "" where the question is not asked for that perspective
    after: str


@dataclass(frozen=True, order=True)
class FieldChange:
    kind: str  # "instrument" | "body"
    id: str
    path: str  # e.g. "review.last_verified", "findings.consent.required.note"


@dataclass
class Diff:
    old: Side
    new: Side
    day: str  # the day the gap states are read on
    added: list[str] = field(default_factory=list)  # instrument ids (new side)
    removed: list[str] = field(default_factory=list)  # instrument ids (old side)
    bodies_added: list[str] = field(default_factory=list)
    bodies_removed: list[str] = field(default_factory=list)
    answers: list[AnswerChange] = field(default_factory=list)
    cites: list[CiteChange] = field(default_factory=list)
    quotes: list[QuoteChange] = field(default_factory=list)
    gaps: list[GapChange] = field(default_factory=list)
    other: list[FieldChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not any((self.added, self.removed, self.bodies_added, self.bodies_removed, self.answers, self.cites,
                        self.quotes, self.gaps, self.other))

    def counts(self) -> dict[str, int]:
        return {"new instruments": len(self.added), "removed instruments": len(self.removed),
                "new bodies": len(self.bodies_added), "removed bodies": len(self.bodies_removed),
                "answers": len(self.answers), "citations": len(self.cites), "quotes": len(self.quotes),
                "gap states": len(self.gaps), "other fields": len(self.other)}


def compare(old: Side, new: Side, day: str | None = None) -> Diff:
    """Everything that differs between two loaded sides."""
    day = day or max(old.kb.edition, new.kb.edition) or dt.date.today().isoformat()
    diff = Diff(old=old, new=new, day=day)
    before = {i.id: i for i in old.kb.instruments}
    after = {i.id: i for i in new.kb.instruments}
    diff.added = sorted(after.keys() - before.keys())
    diff.removed = sorted(before.keys() - after.keys())
    for instrument_id in sorted(before.keys() & after.keys()):
        _instrument(diff, before[instrument_id], after[instrument_id])
    old_bodies = {b.id: b for b in old.kb.bodies}
    new_bodies = {b.id: b for b in new.kb.bodies}
    diff.bodies_added = sorted(new_bodies.keys() - old_bodies.keys())
    diff.bodies_removed = sorted(old_bodies.keys() - new_bodies.keys())
    for body_id in sorted(old_bodies.keys() & new_bodies.keys()):
        for path in _changed_paths(to_data(old_bodies[body_id]), to_data(new_bodies[body_id])):
            diff.other.append(FieldChange("body", body_id, path))
    diff.gaps = _gap_changes(old.kb, new.kb, day)
    for name in ("answers", "cites", "quotes", "gaps", "other"):
        getattr(diff, name).sort()
    return diff


def _instrument(diff: Diff, old: Instrument, new: Instrument) -> None:
    iid = new.id
    for qid in sorted(old.findings.keys() | new.findings.keys()):
        f0, f1 = old.findings.get(qid), new.findings.get(qid)
        if f0 is None or f1 is None:  # a question added to or removed from the framework
            diff.answers.append(AnswerChange(iid, qid, "", f0.answer if f0 else "", f1.answer if f1 else ""))
            continue
        if f0.answer != f1.answer:
            diff.answers.append(AnswerChange(iid, qid, "", f0.answer, f1.answer))
        if _ids(f0.cite) != _ids(f1.cite):
            diff.cites.append(CiteChange(iid, qid, "", _ids(f0.cite), _ids(f1.cite)))
        for who in sorted(f0.differs_for.keys() | f1.differs_for.keys()):
            a0, a1 = f0.differs_for.get(who, f0), f1.differs_for.get(who, f1)
            if a0.answer != a1.answer:
                diff.answers.append(AnswerChange(iid, qid, who, a0.answer, a1.answer))
            if _ids(a0.cite) != _ids(a1.cite):
                diff.cites.append(CiteChange(iid, qid, who, _ids(a0.cite), _ids(a1.cite)))
    # Quotes, provision by provision (by id; a provision's position in the list is not meaning).
    p0 = {p.id: to_data(p) for p in old.provisions}
    p1 = {p.id: to_data(p) for p in new.provisions}
    for pid in sorted(p0.keys() | p1.keys()):
        q0, q1 = _quotes(p0.get(pid, {})), _quotes(p1.get(pid, {}))
        for where, lang in sorted(q0.keys() | q1.keys()):
            if q0.get((where, lang), "") != q1.get((where, lang), ""):
                diff.quotes.append(QuoteChange(iid, pid, where, lang, q0.get((where, lang), ""), q1.get((where, lang), "")))
    # Everything else, generically: the record's fields as kb.json has them, less what is compared above.
    d0, d1 = _rest(to_data(old), p0), _rest(to_data(new), p1)
    for path in _changed_paths(d0, d1):
        diff.other.append(FieldChange("instrument", iid, path))


def _ids(provisions) -> tuple[str, ...]:
    return tuple(p.id for p in provisions)


def _quotes(provision: dict, where: str = "") -> dict[tuple[str, str], str]:
    """Every quoted wording in a provision: (where inside it, language) -> text. A wording is a
    ``text`` mapping of language to words, at the top of the provision or anywhere inside it."""
    out: dict[tuple[str, str], str] = {}
    for key, value in provision.items():
        if key == "parts":  # a part's words are in its article's text already: report the article once
            continue
        if key == "text" and isinstance(value, dict):
            for lang, words in value.items():
                out[(where, lang)] = words if isinstance(words, str) else repr(words)
        elif isinstance(value, dict):
            out.update(_quotes(value, f"{where}.{key}".strip(".")))
        elif isinstance(value, list):
            for n, item in enumerate(value):
                if isinstance(item, dict):
                    name = next((str(item[k]) for k in ("id", "of", "version", "date", "label") if isinstance(item.get(k), str)), str(n))
                    out.update(_quotes(item, f"{where}.{key}.{name}".strip(".")))
    return out


def _without_quotes(value):
    if isinstance(value, dict):
        return {k: _without_quotes(v) for k, v in value.items() if not (k == "text" and isinstance(v, dict))}
    if isinstance(value, list):
        return [_without_quotes(v) for v in value]
    return value


def _rest(record: dict, provisions: dict[str, dict]) -> dict:
    """A record's data less what the answers, citations and quotes already compare."""
    record = dict(record)
    record["provisions"] = {pid: _without_quotes(data) for pid, data in provisions.items()}
    findings = {}
    for qid, finding in (record.get("findings") or {}).items():
        finding = {k: v for k, v in finding.items() if k not in ("answer", "cite")}
        finding["differs_for"] = {who: {k: v for k, v in own.items() if k not in ("answer", "cite")}
                                  for who, own in (finding.get("differs_for") or {}).items()}
        findings[qid] = finding
    record["findings"] = findings
    return record


def _changed_paths(a, b, path: str = "") -> list[str]:
    """The paths at which two plain values differ: mappings are walked key by key, anything else
    (text, lists) is compared whole."""
    if isinstance(a, dict) and isinstance(b, dict):
        out = []
        for key in sorted(a.keys() | b.keys(), key=str):
            if key in a and key in b:
                out += _changed_paths(a[key], b[key], f"{path}.{key}" if path else str(key))
            elif (a.get(key) or None) != (b.get(key) or None):  # a field only given on one side (and not empty)
                out.append(f"{path}.{key}" if path else str(key))
        return out
    return [] if a == b else [path]


def _gap_changes(old: KnowledgeBase, new: KnowledgeBase, day: str) -> list[GapChange]:
    views0, views1 = GapViews(old, day), GapViews(new, day)
    out = []
    for code in sorted(old.jurisdictions.keys() & new.jurisdictions.keys()):
        for perspective in sorted(old.vocabularies["perspective"].terms.keys() & new.vocabularies["perspective"].terms.keys()):
            s0 = {s.question.id: s.state for s in views0.at(old.jurisdictions[code], day, old.vocabularies["perspective"][perspective])}
            s1 = {s.question.id: s.state for s in views1.at(new.jurisdictions[code], day, new.vocabularies["perspective"][perspective])}
            for qid in sorted(s0.keys() | s1.keys()):
                if s0.get(qid, "") != s1.get(qid, ""):
                    out.append(GapChange(code, perspective, qid, s0.get(qid, ""), s1.get(qid, "")))
    return out


# --- names for people --------------------------------------------------------------------------------

class _Names:
    """Labels from whichever side knows a thing (the new side first)."""

    def __init__(self, diff: Diff):
        self.kbs = (diff.new.kb, diff.old.kb)

    def _instrument(self, iid: str) -> Instrument | None:
        for kb in self.kbs:
            found = next((i for i in kb.instruments if i.id == iid), None)
            if found is not None:
                return found
        return None

    def instrument(self, iid: str) -> str:
        found = self._instrument(iid)
        return found.short_title if found else iid

    def title(self, iid: str) -> str:
        found = self._instrument(iid)
        return found.title.en if found else iid

    def body(self, bid: str) -> str:
        for kb in self.kbs:
            found = next((b for b in kb.bodies if b.id == bid), None)
            if found is not None:
                return found.label
        return bid

    def question(self, qid: str) -> str:
        for kb in self.kbs:
            found = next((q for q in kb.questions if q.id == qid), None)
            if found is not None:
                return found.short.en
        return qid

    def term(self, vocabulary: str, tid: str) -> str:
        if not tid:
            return "—"
        for kb in self.kbs:
            terms = kb.vocabularies.get(vocabulary)
            if terms and tid in terms.terms:
                return terms.terms[tid].label.en
        return tid

    def answer(self, tid: str) -> str:
        return self.term("answer", tid) if tid else "not answered"

    def addressee(self, who: str) -> str:
        return self.term("addressee", who)

    def jurisdiction(self, code: str) -> str:
        for kb in self.kbs:
            if code in kb.jurisdictions:
                return kb.jurisdictions[code].name.en
        return code

    def provision(self, iid: str, pid: str) -> str:
        for kb in self.kbs:
            found = next((i for i in kb.instruments if i.id == iid), None)
            provision = next((p for q in found.provisions for p in (q, *q.descendants()) if p.id == pid),
                             None) if found else None
            if provision is not None:
                return provision.label.en
        return pid

    def language(self, lang: str) -> str:
        return {"zh": "Chinese", "en": "English"}.get(lang, lang)


def _side_line(side: Side) -> str:
    kb = side.kb
    return f"{side.label} (edition {kb.edition or 'none'}: {len(kb.instruments)} instruments, {len(kb.bodies)} bodies)"


_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|\w+|\s+|[^\w\s]", re.UNICODE)


def word_diff(before: str, after: str, deleted, inserted, context: int = 40, same=str) -> str:
    """The change from ``before`` to ``after`` word by word (Chinese character by character),
    unchanged stretches shortened to ``context`` characters either side of a change."""
    keep = same
    a, b = _TOKEN.findall(" ".join(before.split())), _TOKEN.findall(" ".join(after.split()))
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            same = "".join(a[i1:i2])
            first, last = i1 == 0, i2 == len(a)
            if len(same) > 2 * context and not (first and last):
                head = "" if first else same[:context]
                tail = "" if last else same[-context:]
                same_text = f"{head}…{tail}" if head or tail else same
            elif first and len(same) > context and not last:
                same_text = "…" + same[-context:]
            elif last and len(same) > context and not first:
                same_text = same[:context] + "…"
            else:
                same_text = same
            out.append(keep(same_text))
        else:
            if i2 > i1:
                out.append(deleted("".join(a[i1:i2])))
            if j2 > j1:
                out.append(inserted("".join(b[j1:j2])))
    return "".join(out)


def _cite_list(ids: tuple[str, ...]) -> str:
    return ", ".join(ids) if ids else "nothing"


# --- plain text --------------------------------------------------------------------------------------

def render_text(diff: Diff) -> str:
    n = _Names(diff)
    lines = [f"Comparing {_side_line(diff.old)}", f"     with {_side_line(diff.new)}", ""]
    if diff.empty:
        lines.append("No changes in the knowledge.")
        return "\n".join(lines) + "\n"

    def section(title: str, rows: list[str]) -> None:
        if rows:
            lines.extend([f"{title} ({len(rows)}):", *rows, ""])

    section("New instruments", [f"  + {i}  {n.title(i)}" for i in diff.added])
    section("Removed instruments", [f"  - {i}  {n.title(i)}" for i in diff.removed])
    section("New bodies", [f"  + {b}  {n.body(b)}" for b in diff.bodies_added])
    section("Removed bodies", [f"  - {b}  {n.body(b)}" for b in diff.bodies_removed])
    section("Changed answers", [
        f"  {c.instrument}  {c.question}{f' [{c.addressee}]' if c.addressee else ''}: "
        f"{n.answer(c.before)} -> {n.answer(c.after)}" for c in diff.answers])
    section("Changed citations", [
        f"  {c.instrument}  {c.question}{f' [{c.addressee}]' if c.addressee else ''}: "
        f"{_cite_list(c.before)} -> {_cite_list(c.after)}" for c in diff.cites])
    quotes = []
    for c in diff.quotes:
        where = f" ({c.where})" if c.where else ""
        head = f"  {c.instrument}#{c.provision}{where} [{c.lang}]"
        if not c.before:
            quotes.append(f"{head} added: {_short(c.after)}")
        elif not c.after:
            quotes.append(f"{head} removed: {_short(c.before)}")
        else:
            quotes.append(f"{head}: " + word_diff(c.before, c.after, lambda s: f"[-{s}-]", lambda s: f"{{+{s}+}}"))
    section("Changed quotes", quotes)
    section(f"Changed gap states on {diff.day}", [
        f"  {g.jurisdiction} {g.perspective:<8} {g.question}: {n.term('gap_state', g.before)} -> "
        f"{n.term('gap_state', g.after)}" for g in diff.gaps])
    section("Other changed fields", [f"  {kind} {oid}: {', '.join(paths)}" for (kind, oid), paths in _grouped(diff.other)])
    lines.append(f"Changed: {_counts(diff)}.")
    return "\n".join(lines) + "\n"


def _counts(diff: Diff) -> str:
    return ", ".join(f"{k} {v}" for k, v in diff.counts().items() if v)


def _short(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _grouped(changes: list[FieldChange]) -> list[tuple[tuple[str, str], list[str]]]:
    groups: dict[tuple[str, str], list[str]] = {}
    for c in changes:
        groups.setdefault((c.kind, c.id), []).append(c.path)
    return sorted(groups.items())


# --- Markdown, for a pull request's reviewers -------------------------------------------------------------

def _md(text: str) -> str:
    """Text for a Markdown table cell: HTML escaped (GitHub renders HTML), pipes and breaks kept out."""
    return html.escape(" ".join(str(text).split()), quote=False).replace("|", "\\|")


def render_markdown(diff: Diff) -> str:
    n = _Names(diff)
    out = ["## What this change does to the knowledge base", "",
           f"Comparing `{_md(diff.old.label)}` (edition {diff.old.kb.edition or 'none'}, "
           f"{len(diff.old.kb.instruments)} instruments) with `{_md(diff.new.label)}` (edition "
           f"{diff.new.kb.edition or 'none'}, {len(diff.new.kb.instruments)} instruments).", ""]
    if diff.empty:
        out.append("No changes in the knowledge: no answer, citation, quote, instrument or body differs.")
        return "\n".join(out) + "\n"
    out += [f"**Changed: {_counts(diff)}.** Reviewers: check each changed quote against the official text, "
            "and each changed answer against the framework's guidance.", ""]

    def table(title: str, header: list[str], rows: list[list[str]]) -> None:
        if not rows:
            return
        out.extend([f"### {title} ({len(rows)})", "", "| " + " | ".join(header) + " |",
                    "|" + "---|" * len(header)])
        out.extend("| " + " | ".join(row) + " |" for row in rows)
        out.append("")

    table("New instruments", ["Instrument", "Title"], [[f"`{i}`", _md(n.title(i))] for i in diff.added])
    table("Removed instruments", ["Instrument", "Title"], [[f"`{i}`", _md(n.title(i))] for i in diff.removed])
    table("New bodies", ["Body", "Name"], [[f"`{b}`", _md(n.body(b))] for b in diff.bodies_added])
    table("Removed bodies", ["Body", "Name"], [[f"`{b}`", _md(n.body(b))] for b in diff.bodies_removed])
    table("Changed answers", ["Instrument", "Question", "For", "Before", "After"], [
        [_md(n.instrument(c.instrument)) + f"<br>`{c.instrument}`", f"{_md(n.question(c.question))} (`{c.question}`)",
         _md(n.addressee(c.addressee)) if c.addressee else "all it binds", _md(n.answer(c.before)),
         f"**{_md(n.answer(c.after))}**"] for c in diff.answers])
    table("Changed citations", ["Instrument", "Question", "For", "Before", "After"], [
        [_md(n.instrument(c.instrument)) + f"<br>`{c.instrument}`", f"{_md(n.question(c.question))} (`{c.question}`)",
         _md(n.addressee(c.addressee)) if c.addressee else "all it binds",
         ", ".join(f"`{p}`" for p in c.before) or "nothing", ", ".join(f"`{p}`" for p in c.after) or "nothing"]
        for c in diff.cites])
    quotes = []
    for c in diff.quotes:
        where = f" ({_md(c.where)})" if c.where else ""
        label = f"{_md(n.instrument(c.instrument))}, {_md(n.provision(c.instrument, c.provision))}{where}<br>`{c.instrument}#{c.provision}`"
        if not c.before:
            change = "added: " + _md(_short(c.after, 300))
        elif not c.after:
            change = "removed: " + _md(_short(c.before, 300))
        else:
            change = word_diff(c.before, c.after, lambda s: f"<del>{_md_inline(s)}</del>",
                               lambda s: f"<ins>{_md_inline(s)}</ins>", context=60, same=_md_inline)
        quotes.append([label, n.language(c.lang), change])
    table("Changed quotes", ["Provision", "Language", "Change"], quotes)
    table(f"Changed gap states (read on {diff.day})", ["Jurisdiction", "Perspective", "Question", "Before", "After"], [
        [_md(n.jurisdiction(g.jurisdiction)), _md(n.term("perspective", g.perspective)), _md(n.question(g.question)),
         _md(n.term("gap_state", g.before)), f"**{_md(n.term('gap_state', g.after))}**"] for g in diff.gaps])
    if diff.other:
        out += [f"### Other changed fields ({len(diff.other)})", ""]
        out += [f"- {kind} `{oid}`: " + ", ".join(f"`{p}`" for p in paths) for (kind, oid), paths in _grouped(diff.other)]
        out.append("")
    out.append("<sub>Generated by `kb diff`; `kb diff --format changelog` drafts the edition's changelog entry.</sub>")
    return "\n".join(out) + "\n"


def _md_inline(text: str) -> str:
    """A piece of a word diff for a table cell: escaped like _md, but its spaces at either end kept."""
    return html.escape(re.sub(r"\s+", " ", text), quote=False).replace("|", "\\|")


# --- the changelog entry (data/editions.yaml) --------------------------------------------------------------

INDENT = 6  # "changes:" items sit at this indentation in data/editions.yaml


def changelog_items(diff: Diff) -> list[str]:
    """One sentence per instrument changed (and one for instruments and bodies added or removed), in
    the style of the changelog's entries."""
    n = _Names(diff)
    items = []
    if diff.added:
        items.append("New instruments: " + "; ".join(f"{n.title(i)} ({i})" for i in diff.added) + ".")
    if diff.removed:
        items.append("Removed: " + "; ".join(f"{n.title(i)} ({i})" for i in diff.removed) + ".")
    if diff.bodies_added:
        items.append("New oversight bodies: " + "; ".join(n.body(b) for b in diff.bodies_added) + ".")
    if diff.bodies_removed:
        items.append("Oversight bodies removed: " + "; ".join(n.body(b) for b in diff.bodies_removed) + ".")
    per: dict[str, list[str]] = {}
    for c in diff.answers:
        who = f" for {n.addressee(c.addressee).lower()}" if c.addressee else ""
        per.setdefault(c.instrument, []).append(
            f'"{n.question(c.question).lower()}"{who} changed from "{n.answer(c.before).lower()}" to '
            f'"{n.answer(c.after).lower()}"')
    for c in diff.cites:
        who = f" for {n.addressee(c.addressee).lower()}" if c.addressee else ""
        now = ", ".join(n.provision(c.instrument, p) for p in c.after) or "no provision"
        was = ", ".join(n.provision(c.instrument, p) for p in c.before) or "no provision"
        per.setdefault(c.instrument, []).append(f'"{n.question(c.question).lower()}"{who} now rests on {now} (was {was})')
    quoted: dict[tuple[str, str, str], list[QuoteChange]] = {}
    for c in diff.quotes:
        quoted.setdefault((c.instrument, c.provision, c.where), []).append(c)
    for (iid, pid, where), changes in sorted(quoted.items()):
        label = n.provision(iid, pid) + (f" ({where})" if where else "")
        langs = " and ".join(n.language(c.lang) for c in changes)
        if all(not c.before for c in changes):
            what = f"{label} is now quoted ({langs})"
        elif all(not c.after for c in changes):
            what = f"{label} is no longer quoted ({langs})"
        else:
            what = f"the quoted wording of {label} changed ({langs})"
        per.setdefault(iid, []).append(what)
    for iid in sorted(per, key=lambda i: (n.instrument(i), i)):
        parts = per[iid]
        items.append(f"{n.instrument(iid)}: " + "; ".join(parts) + ".")
    if diff.gaps:
        parts = [f'{g.jurisdiction} {n.term("perspective", g.perspective).lower()}, "{n.question(g.question).lower()}" '
                 f'from "{n.term("gap_state", g.before).lower()}" to "{n.term("gap_state", g.after).lower()}"'
                 for g in diff.gaps]
        items.append(f"Gap views on {diff.day}: " + "; ".join(parts) + ".")
    return items


def render_changelog(diff: Diff) -> str:
    """The items as YAML, ready to paste under an edition's ``changes:`` in data/editions.yaml."""
    out = []
    width = 100 - INDENT - 4
    for item in changelog_items(diff):
        lines = textwrap.wrap(" ".join(item.split()), width=width, break_long_words=False, break_on_hyphens=False)
        out.append(" " * INDENT + "- en: >-")
        out.extend(" " * (INDENT + 4) + line for line in lines)
    return "\n".join(out) + ("\n" if out else "")


RENDER = {"text": render_text, "markdown": render_markdown, "changelog": render_changelog}
