"""Load a data folder: read every file safely, check it, and build the model.

``check(data_dir)`` returns every problem in the folder in one pass; ``load(data_dir)`` returns
the KnowledgeBase or raises DataError carrying all of them. Nothing here prints or exits, so
the command line, the MkDocs hook and the tests share it.
"""

from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from . import rules
from .model import (
    Amendment, Body, Dimension, Edition, Finding, Instrument, Jurisdiction, KnowledgeBase, OversightRole,
    Provision, Question, Relation, Source, Term, Text, Vocabulary,
)
from .problems import DataError, Problem
from .schema import SchemaSet, raw_schema
from .yamlsafe import Document, parse_file

REQUIRED_FILES = ("vocabularies.yaml", "jurisdictions.yaml", "framework.yaml", "editions.yaml")
RECORD_FOLDERS = ("instruments", "bodies")


def display_path(path: Path) -> str:
    """Paths in messages are relative to the working directory where possible."""
    absolute = Path(path).resolve()
    try:
        return absolute.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(absolute)


@dataclass
class _Pass:
    """Everything read in one pass over a data folder."""

    problems: list[Problem] = field(default_factory=list)
    vocabularies: Document | None = None
    jurisdictions: Document | None = None
    framework: Document | None = None
    editions: Document | None = None
    bodies: list[Document] = field(default_factory=list)
    instruments: list[Document] = field(default_factory=list)

    def read(self, path: Path) -> Document | None:
        doc, problems = parse_file(path, display_path(path))
        self.problems.extend(problems)
        return doc


def _record_files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and not p.name.startswith("."))


def _terms(vocab_doc: Document | None, jur_doc: Document | None) -> dict[str, list[str]]:
    terms: dict[str, list[str]] = {}
    if vocab_doc:
        for name, vocabulary in vocab_doc.data.items():
            entries = vocabulary.get("terms") if isinstance(vocabulary, dict) else None
            terms[name] = [t["id"] for t in entries or [] if isinstance(t, dict) and isinstance(t.get("id"), str)]
    if jur_doc:
        entries = jur_doc.data.get("jurisdictions")
        terms["jurisdiction"] = [j["code"] for j in entries or [] if isinstance(j, dict) and isinstance(j.get("code"), str)]
    return terms


def _question_ids(framework: Document | None) -> list[str]:
    if not framework:
        return []
    ids = []
    for dimension in framework.data.get("dimensions") or []:
        for question in (dimension.get("questions") if isinstance(dimension, dict) else None) or []:
            if isinstance(question, dict) and isinstance(question.get("id"), str):
                ids.append(question["id"])
    return ids


def _read_and_check(data_dir: Path, today: dt.date) -> _Pass:
    run = _Pass()
    if not data_dir.is_dir():
        run.problems.append(Problem(display_path(data_dir), 1, "KB031", "data folder does not exist"))
        return run
    for name in REQUIRED_FILES:
        if not (data_dir / name).is_file():
            run.problems.append(Problem(display_path(data_dir / name), 1, "KB031", f"{name} is missing"))
    for name in RECORD_FOLDERS:
        if not (data_dir / name).is_dir():
            run.problems.append(Problem(display_path(data_dir / name), 1, "KB031", f"folder {name}/ is missing"))

    # The vocabularies and jurisdictions come first: the other schemas are filled in from them.
    if (data_dir / "vocabularies.yaml").is_file():
        run.vocabularies = run.read(data_dir / "vocabularies.yaml")
    if (data_dir / "jurisdictions.yaml").is_file():
        run.jurisdictions = run.read(data_dir / "jurisdictions.yaml")
    schemas = SchemaSet(_terms(run.vocabularies, run.jurisdictions))
    if run.vocabularies:
        run.problems += schemas.check(run.vocabularies, "vocabularies")
        for name in run.vocabularies.data:
            run.problems += rules.unique_entries(run.vocabularies, (name, "terms"), "id", f"term of {name}")
    if run.jurisdictions:
        run.problems += schemas.check(run.jurisdictions, "jurisdictions")
        run.problems += rules.unique_entries(run.jurisdictions, ("jurisdictions",), "code", "jurisdiction")

    if (data_dir / "framework.yaml").is_file():
        run.framework = run.read(data_dir / "framework.yaml")
    if run.framework:
        run.problems += schemas.check(run.framework, "framework")
        run.problems += rules.unique_entries(run.framework, ("dimensions",), "id", "dimension")
        for index, _ in enumerate(run.framework.data.get("dimensions") or []):
            run.problems += rules.unique_entries(run.framework, ("dimensions", index, "questions"), "id", "question")
    question_ids = _question_ids(run.framework)

    if (data_dir / "editions.yaml").is_file():
        run.editions = run.read(data_dir / "editions.yaml")
    if run.editions:
        run.problems += schemas.check(run.editions, "editions")
        run.problems += rules.real_dates(run.editions)
        run.problems += rules.editions_in_order(run.editions)

    for folder, docs, schema_name in (("bodies", run.bodies, "body"), ("instruments", run.instruments, "instrument")):
        if not (data_dir / folder).is_dir():
            continue
        for path in _record_files(data_dir / folder):
            doc = run.read(path)
            if doc is None:
                continue
            docs.append(doc)
            run.problems += schemas.check(doc, schema_name)
            run.problems += rules.id_matches_file(doc, path.stem)
            run.problems += rules.real_dates(doc)
        run.problems += rules.unique_ids(docs, schema_name)

    body_ids = {d.data.get("id") for d in run.bodies}
    instrument_ids = {d.data.get("id") for d in run.instruments}
    for doc in run.bodies:
        run.problems += rules.bodies_exist(doc, body_ids)
    for doc in run.instruments:
        run.problems += rules.dates_in_order(doc)
        run.problems += rules.coded_version_exists(doc)
        run.problems += rules.not_in_future(doc, today)
        run.problems += rules.has_official_source(doc)
        run.problems += rules.unique_provisions(doc)
        run.problems += rules.citations_resolve(doc)
        run.problems += rules.findings_match_framework(doc, question_ids)
        run.problems += rules.bodies_exist(doc, body_ids)
        run.problems += rules.relations_resolve(doc, instrument_ids)
    # A placeholder explains its line better than the errors it causes there: keep only it.
    for doc in run.instruments + run.bodies:
        marked = list(rules.placeholders(doc))
        if marked:
            lines = {p.line for p in marked}
            run.problems = [p for p in run.problems if p.path != doc.path or p.line not in lines] + marked
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


def check(data_dir: Path, today: dt.date | None = None) -> list[Problem]:
    """Every problem in the data folder, sorted by file and line."""
    with _collector_paused():
        return sorted(set(_read_and_check(Path(data_dir), today or dt.date.today()).problems))


def load(data_dir: Path, today: dt.date | None = None) -> KnowledgeBase:
    with _collector_paused():
        run = _read_and_check(Path(data_dir), today or dt.date.today())
        if run.problems:
            raise DataError(sorted(set(run.problems)))
        return _build(run)


# --- building the model from checked data -------------------------------------------------


def _vocabularies(doc: Document) -> dict[str, Vocabulary]:
    out = {}
    for name, raw in doc.data.items():
        terms = {
            t["id"]: Term(t["id"], Text.of(t["label"]), Text.of(t["definition"]), t.get("icon"))
            for t in raw["terms"]
        }
        out[name] = Vocabulary(name, raw["description"], terms)
    return out


def _sources(raw: list) -> tuple[Source, ...]:
    return tuple(
        Source(s["role"], s["lang"], s["title"], s["url"], s.get("publisher"), s.get("translator"),
               s.get("accessed"), s.get("note"))
        for s in raw
    )


def _build(run: _Pass) -> KnowledgeBase:
    vocabularies = _vocabularies(run.vocabularies)
    jurisdictions = {
        j["code"]: Jurisdiction(j["code"], Text.of(j["name"]), j.get("parent"))
        for j in run.jurisdictions.data["jurisdictions"]
    }
    dimensions = tuple(
        Dimension(
            d["id"], Text.of(d["title"]), Text.of(d["description"]),
            tuple(
                Question(q["id"], d["id"], Text.of(q["short"]), Text.of(q["text"]), Text.of(q["guidance"]),
                         tuple(q["gap_answers"]), Text.of(q["gap_meaning"]))
                for q in d["questions"]
            ),
        )
        for d in run.framework.data["dimensions"]
    )
    questions = {q.id: q for d in dimensions for q in d.questions}
    question_order = {qid: n for n, qid in enumerate(questions)}

    bodies = {}
    for doc in run.bodies:
        b = doc.data
        bodies[b["id"]] = Body(
            id=b["id"], source_path=doc.path, jurisdiction=jurisdictions[b["jurisdiction"]], name=Text.of(b["name"]),
            abbreviation=b.get("abbreviation"), body_type=vocabularies["body_type"][b["body_type"]],
            dedicated=vocabularies["answer"][b["dedicated"]], independence=Text.of(b["independence"]),
            powers=Text.of(b["powers"]), summary=Text.of(b["summary"]), sources=_sources(b["sources"]),
            established=b.get("established"), dissolved=b.get("dissolved"), predecessor=b.get("predecessor"),
            successor=b.get("successor"), note=Text.of(b.get("note")),
        )

    instruments = []
    for doc in run.instruments:
        r = doc.data
        provisions = tuple(
            Provision(p["id"], Text.of(p["label"]), dict(p["text"]),
                      (p.get("translation") or {}).get("by"), (p.get("translation") or {}).get("url"),
                      Text.of(p.get("note")), tuple(p.get("former_ids", ())))
            for p in r["provisions"]
        )
        by_id = {p.id: p for p in provisions}
        findings = {
            qid: Finding(questions[qid], raw["answer"], tuple(by_id[c] for c in raw.get("cite", [])),
                         Text.of(raw.get("summary")), Text.of(raw.get("note")),
                         raw.get("coded_by") or r["review"].get("verified_by"), raw.get("reviewed_by"),
                         raw.get("last_verified") or r["review"]["last_verified"])
            for qid, raw in sorted(r["findings"].items(), key=lambda kv: question_order[kv[0]])
        }
        oversight = tuple(
            OversightRole(bodies[o["body"]], Text.of(o["role"]), tuple(by_id[c] for c in o["cite"]))
            for o in r["oversight"]
        )
        dates = r["dates"]
        instruments.append(Instrument(
            id=r["id"], source_path=doc.path, jurisdiction=jurisdictions[r["jurisdiction"]], language=r["language"],
            title=Text(r["title"]["en"], r["title"].get("zh")), pinyin=r["title"].get("pinyin"),
            aliases=tuple(r["title"].get("aliases", [])), short_title=r["short_title"], issuer=Text.of(r["issuer"]),
            document_number=r.get("document_number"),
            instrument_type=vocabularies["instrument_type"][r["instrument_type"]],
            legal_force=vocabularies["legal_force"][r["legal_force"]],
            adopted=dates["adopted"], effective=dates.get("effective"),
            amended=tuple(Amendment(a["date"], Text.of(a.get("note")), a.get("effective")) for a in dates.get("amended", [])),
            coded_version=r.get("coded_version"),
            repealed=dates.get("repealed"), status=vocabularies["status"][r["status"]],
            status_note=Text.of(r.get("status_note")), summary=Text.of(r.get("summary")),
            sources=_sources(r["sources"]), provisions=provisions, findings=findings, oversight=oversight,
            last_verified=r["review"]["last_verified"], verified_by=r["review"].get("verified_by"),
            review_note=Text.of(r["review"].get("note")), citation=dict(r.get("citation", {})),
        ))

    by_id = {i.id: i for i in instruments}
    for doc in run.instruments:
        subject = by_id[doc.data["id"]]
        for raw in doc.data.get("relations", []):
            relation = Relation(subject, vocabularies["relation_type"][raw["type"]], by_id[raw["target"]],
                                tuple(p for p in subject.provisions if p.id in raw.get("cite", [])),
                                Text.of(raw.get("note")))
            subject.relations.append(relation)
            by_id[raw["target"]].inverse_relations.append(relation)

    order = {code: index for index, code in enumerate(jurisdictions)}
    instruments.sort(key=lambda i: (order[i.jurisdiction.code], i.adopted, i.id))
    for instrument in instruments:
        for role in instrument.oversight:
            role.body.roles.append((instrument, role))
    body_list = sorted(bodies.values(), key=lambda b: (order[b.jurisdiction.code], b.name.en))
    editions = tuple(
        Edition(e["edition"], Text.of(e["summary"]), tuple(Text.of(c) for c in e["changes"]))
        for e in run.editions.data["editions"]
    )
    return KnowledgeBase(vocabularies, jurisdictions, dimensions, instruments, body_list, editions)


__all__ = ["check", "load", "DataError", "raw_schema"]
