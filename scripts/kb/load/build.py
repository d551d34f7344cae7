"""Build the model (kb.model) from data that passed every check.

Nothing here validates: kb.load calls it only when the pass found no problem, so every key the
schema requires is there and every reference resolves. Every object is built with keyword
arguments, so a field added to the model cannot shift the others.
"""

from __future__ import annotations

import hashlib

from .. import pinpoints
from ..model import (
    Amendment,
    Answer,
    Binding,
    Body,
    Claim,
    ClaimSource,
    Dates,
    Dimension,
    Edition,
    Finding,
    Instrument,
    Jurisdiction,
    KnowledgeBase,
    OversightRole,
    Provision,
    ProvisionVersion,
    Question,
    Relation,
    Review,
    Source,
    Term,
    Text,
    Title,
    Translation,
    Vocabulary,
)
from .yamlsafe import Document


def _text(raw) -> Text | None:
    return Text.of(raw)


def _vocabularies(doc: Document) -> dict[str, Vocabulary]:
    out = {}
    for name, raw in doc.data.items():
        terms = {
            t["id"]: Term(id=t["id"], label=_text(t["label"]), definition=_text(t["definition"]), icon=t.get("icon"),
                          requires=tuple(t.get("requires", ())), protects=t.get("protects"),
                          closes_gaps=t.get("closes_gaps") == "yes", perspective=t.get("perspective"),
                          coverage=t.get("coverage"), national_only=t.get("national_only") == "yes")
            for t in raw["terms"]
        }
        out[name] = Vocabulary(name=name, description=raw["description"], terms=terms)
    return out


def _sources(raw: list) -> tuple[Source, ...]:
    return tuple(Source(**{key: s.get(key) for key in ("role", "lang", "title", "url", "publisher", "translator",
                                                       "accessed", "note")}) for s in raw)


def _dimensions(doc: Document) -> tuple[Dimension, ...]:
    return tuple(
        Dimension(
            id=d["id"], title=_text(d["title"]), description=_text(d["description"]),
            questions=tuple(
                Question(id=q["id"], dimension_id=d["id"], short=_text(q["short"]), text=_text(q["text"]),
                         guidance=_text(q["guidance"]), gap_answers=tuple(q["gap_answers"]),
                         gap_meaning=_text(q["gap_meaning"]), perspectives=tuple(q.get("perspectives", ())),
                         conditions=tuple(q.get("conditions", ())))
                for q in d["questions"]
            ),
        )
        for d in doc.data["dimensions"]
    )


def _bodies(docs: list[Document], jurisdictions: dict, vocabularies: dict) -> dict[str, Body]:
    bodies = {}
    for doc in docs:
        b = doc.data
        bodies[b["id"]] = Body(
            id=b["id"], source_path=doc.path, jurisdiction=jurisdictions[b["jurisdiction"]], name=_text(b["name"]),
            abbreviation=b.get("abbreviation"), body_type=vocabularies["body_type"][b["body_type"]],
            dedicated=vocabularies["answer"][b["dedicated"]], independence=_text(b["independence"]),
            powers=_text(b["powers"]), summary=_text(b["summary"]), sources=_sources(b["sources"]),
            established=b.get("established"), dissolved=b.get("dissolved"), note=_text(b.get("note")),
        )
    for doc in docs:  # predecessors and successors point at the Body objects, once all exist
        body = bodies[doc.data["id"]]
        body.predecessor = bodies.get(doc.data.get("predecessor"))
        body.successor = bodies.get(doc.data.get("successor"))
    return bodies


def _provision(p: dict, vocabularies: dict) -> Provision:
    translation = Translation(by=p["translation"]["by"], url=p["translation"].get("url")) if p.get("translation") else None
    label = _text(p["label"])
    found = list(pinpoints.parts(p))
    made: dict[str, Provision] = {}
    for part in reversed(found):  # items before their paragraph, so a paragraph can hold them
        made[part["id"]] = Provision(
            id=part["id"], text=part["text"], translation=translation, marker=part["marker"],
            defines=tuple(vocabularies["defined_term"][t] for t in part["defines"]),
            label=Text(en=label.en + part["label_en"],
                       zh=label.zh + part["label_zh"] if label.zh and part["label_zh"] is not None else None),
            parts=tuple(made[i] for i in part["items"]))
    provision = Provision(
        id=p["id"], label=label, text=pinpoints.provision_text(p), translation=translation, note=_text(p.get("note")),
        former_ids=tuple(p.get("former_ids", ())), wording_of=p.get("wording_of"), source=p.get("source"),
        versions=tuple(ProvisionVersion(of=v["of"], wording=vocabularies["wording_change"][v["wording"]],
                                        label=_text(v.get("label")), text=dict(v["text"]) if v.get("text") else None,
                                        note=_text(v.get("note"))) for v in p.get("versions", ())),
        defines=tuple(vocabularies["defined_term"][t] for t in p.get("defines", ())),
        parts=tuple(made[part["id"]] for part in found if part["depth"] == 1))
    for parent in (provision, *provision.descendants()):  # back-references, once the tree exists
        for child in parent.parts:
            object.__setattr__(child, "parent", parent)
    return provision


def _instrument(doc: Document, jurisdictions: dict, vocabularies: dict, questions: dict, bodies: dict) -> Instrument:
    r = doc.data
    provisions = tuple(_provision(p, vocabularies) for p in r["provisions"])
    by_id = {p.id: p for p in provisions}
    by_id.update({part.id: part for p in provisions for part in p.descendants()})
    review = r["review"]
    order = {qid: n for n, qid in enumerate(questions)}
    def cites(raw) -> tuple:
        return tuple(by_id[c] for c in raw.get("cite", []))

    findings = {
        qid: Finding(question=questions[qid], answer=raw["answer"], cite=cites(raw),
                     summary=_text(raw.get("summary")), note=_text(raw.get("note")),
                     differs_for={who: Answer(answer=v["answer"], cite=cites(v), summary=_text(v.get("summary")),
                                              note=_text(v.get("note")))
                                  for who, v in raw.get("differs_for", {}).items()},
                     coded_by=raw.get("coded_by") or review.get("verified_by"), reviewed_by=raw.get("reviewed_by"),
                     last_verified=raw.get("last_verified") or review["last_verified"], operative=raw.get("operative"))
        for qid, raw in sorted(r["findings"].items(), key=lambda item: order[item[0]])
    }
    dates = r["dates"]
    return Instrument(
        id=r["id"], source_path=doc.path, jurisdiction=jurisdictions[r["jurisdiction"]], language=r["language"],
        title=Title(en=r["title"]["en"], zh=r["title"].get("zh"), pinyin=r["title"].get("pinyin"),
                    aliases=tuple(r["title"].get("aliases", ())),
                    abbreviations=tuple(r["title"].get("abbreviations", ())),
                    short_zh=tuple(r["title"].get("short_zh", ()))),
        short_title=r["short_title"], issuer=_text(r["issuer"]), document_number=r.get("document_number"),
        citation=dict(r.get("citation", {})),
        instrument_type=vocabularies["instrument_type"][r["instrument_type"]],
        legal_force=vocabularies["legal_force"][r["legal_force"]],
        binds=tuple(Binding(who=vocabularies["addressee"][b["who"]], cite=cites(b), note=_text(b.get("note")))
                    for b in r["binds"]),
        dates=Dates(adopted=dates["adopted"], effective=dates.get("effective"), operative=dates.get("operative"),
                    repealed=dates.get("repealed"),
                    amended=tuple(Amendment(date=a["date"], effective=a.get("effective"), by=_text(a.get("by")),
                                            url=a.get("url"), adds=tuple(_text(x) for x in a.get("adds", ())),
                                            note=_text(a.get("note")))
                                  for a in dates.get("amended", ()))),
        coded_version=r.get("coded_version"), status=vocabularies["status"][r["status"]],
        status_note=_text(r.get("status_note")), summary=_text(r.get("summary")), sources=_sources(r["sources"]),
        provisions=provisions, findings=findings,
        oversight=tuple(OversightRole(body=bodies[o["body"]], role=_text(o["role"]), cite=tuple(by_id[c] for c in o["cite"]))
                        for o in r["oversight"]),
        review=Review(last_verified=review["last_verified"], verified_by=review.get("verified_by"),
                      note=_text(review.get("note"))),
    )


def build(shared: dict[str, Document], records: dict[str, list[Document]]) -> KnowledgeBase:
    vocabularies = _vocabularies(shared["vocabularies"])
    jurisdictions = {
        j["code"]: Jurisdiction(code=j["code"], name=_text(j["name"]), parent=j.get("parent"),
                                official_domains=tuple(j.get("official_domains", ())))
        for j in shared["jurisdictions"].data["jurisdictions"]
    }
    dimensions = _dimensions(shared["framework"])
    questions = {q.id: q for d in dimensions for q in d.questions}
    bodies = _bodies(records["body"], jurisdictions, vocabularies)
    instruments = [_instrument(doc, jurisdictions, vocabularies, questions, bodies) for doc in records["instrument"]]

    by_id = {i.id: i for i in instruments}
    for doc in records["instrument"]:
        subject = by_id[doc.data["id"]]
        for raw in doc.data.get("relations", []):
            relation = Relation(subject=subject, type=vocabularies["relation_type"][raw["type"]], target=by_id[raw["target"]],
                                cite=tuple(p for p in (*subject.provisions, *(d for q in subject.provisions for d in q.descendants()))
                                           if p.id in raw.get("cite", [])),
                                note=_text(raw.get("note")))
            subject.relations.append(relation)
            by_id[raw["target"]].inverse_relations.append(relation)

    order = {code: index for index, code in enumerate(jurisdictions)}
    instruments.sort(key=lambda i: (order[i.jurisdiction.code], i.adopted, i.id))
    for instrument in instruments:
        for role in instrument.oversight:
            role.body.roles.append((instrument, role))
    editions = tuple(
        Edition(edition=e["edition"], summary=_text(e["summary"]), changes=tuple(_text(c) for c in e["changes"]))
        for e in shared["editions"].data["editions"]
    )
    claims, source = (), None
    if "claims" in shared:
        raw = shared["claims"].data
        source = ClaimSource(title=raw["source"]["title"], author=raw["source"]["author"], year=raw["source"]["year"],
                             url=raw["source"]["url"], note=_text(raw["source"].get("note")))
        claims = tuple(
            Claim(id=c["id"], says=_text(c["says"]), where=c["where"], kind=c["kind"],
                  jurisdiction=jurisdictions[c["jurisdiction"]], year=c["year"],
                  perspectives=tuple(c.get("perspectives", ())), questions=tuple(c.get("questions", ())),
                  expects=tuple(c.get("expects", ())), instrument=by_id.get(c.get("instrument")),
                  answers={q: tuple(a) for q, a in c.get("answers", {}).items()}, fewer=c.get("fewer"),
                  than=c.get("than"), own_law_only=c.get("own_law_only") == "yes", note=_text(c["note"]))
            for c in raw["claims"]
        )
    return KnowledgeBase(vocabularies=vocabularies, jurisdictions=jurisdictions, dimensions=dimensions,
                         instruments=instruments, claims=claims, claims_source=source,
                         bodies=sorted(bodies.values(), key=lambda b: (order[b.jurisdiction.code], b.name.en)),
                         editions=editions, fingerprints=_fingerprints(shared, records))


def _fingerprints(shared: dict[str, Document], records: dict[str, list[Document]]) -> dict[str, bytes]:
    others = [*shared.values(), *(doc for kind, docs in records.items() if kind != "instrument" for doc in docs)]
    rest = hashlib.blake2b(digest_size=16)
    for doc in sorted(others, key=lambda d: str(d.path)):
        rest.update(str(doc.path).encode() + b"\0" + doc.digest + b"\0")
    fingerprints = {doc.data["id"]: doc.digest for doc in records["instrument"]}
    if all(doc.digest for doc in others) and all(fingerprints.values()):  # (a Document made without kb.load has none)
        fingerprints[""] = rest.digest()
    return fingerprints
