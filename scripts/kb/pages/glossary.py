"""The glossary: each defined term (data/vocabularies.yaml, defined_term) with every recorded
instrument's definition of it, side by side, read from the provisions marked ``defines``."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import Instrument, KnowledgeBase, Provision, Term
from . import Nav, Page

NOT_DEFINED = "not defined in the recorded instruments"


@dataclass(frozen=True)
class Definition:
    instrument: Instrument
    provision: Provision  # the provision, paragraph or item whose words define the term


def country(kb: KnowledgeBase, instrument: Instrument):
    """The top-level jurisdiction an instrument belongs to (a US state's law counts under the US)."""
    j = instrument.jurisdiction
    while j.parent and j.parent in kb.jurisdictions:
        j = kb.jurisdictions[j.parent]
    return j


def terms(kb: KnowledgeBase) -> list[Term]:
    vocabulary = kb.vocabularies.get("defined_term")
    return list(vocabulary.terms.values()) if vocabulary else []


def definitions(kb: KnowledgeBase) -> dict[str, list[tuple[object, list[Definition]]]]:
    """term id -> [(country, its definitions)], countries in data order, each oldest first."""
    order = {code: n for n, code in enumerate(kb.jurisdictions)}
    found: dict[str, list[Definition]] = {t.id: [] for t in terms(kb)}
    for instrument in kb.instruments:
        for provision in instrument.provisions:
            for part in (provision, *provision.descendants()):
                for term in part.defines:
                    found.setdefault(term.id, []).append(Definition(instrument, part))
    out = {}
    for term_id, entries in found.items():
        entries.sort(key=lambda d: (order[country(kb, d.instrument).code], d.instrument.adopted, d.instrument.id))
        groups: list[tuple[object, list[Definition]]] = []
        for d in entries:
            home = country(kb, d.instrument)
            if not groups or groups[-1][0] is not home:
                groups.append((home, []))
            groups[-1][1].append(d)
        out[term_id] = groups
    return out


def pages(site):
    kb = site.kb
    listed = terms(kb)
    if not listed:
        return
    found = definitions(kb)
    shows = tuple(t.label.en for t in listed)
    if any(not found[t.id] for t in listed):
        shows += (NOT_DEFINED,)
    yield Page(path="glossary/index.md", title="Glossary", heading="Glossary of defined terms",
               template="glossary.html.j2", nav=Nav(82), hide=("navigation",),
               context={"terms": listed, "found": found, "not_defined": NOT_DEFINED},
               anchors=tuple(t.id for t in listed), shows=shows)
