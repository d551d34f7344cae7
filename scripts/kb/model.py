"""The typed in-memory knowledge base that renderers and exporters read.

Objects here are built only from data that passed validation (see load.py), so renderers can
rely on every reference resolving: a finding's citations are Provision objects, an oversight
role points at a Body, and so on.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Text:
    """Text in English with an optional Chinese version."""

    en: str
    zh: str | None = None

    @classmethod
    def of(cls, raw: dict | None) -> "Text | None":
        return cls(raw["en"], raw.get("zh")) if raw else None


@dataclass(frozen=True)
class Term:
    id: str
    label: Text
    definition: Text
    icon: str | None = None


@dataclass(frozen=True)
class Vocabulary:
    name: str
    description: str
    terms: dict[str, Term]

    def __getitem__(self, term_id: str) -> Term:
        return self.terms[term_id]


@dataclass(frozen=True)
class Jurisdiction:
    code: str
    name: Text
    parent: str | None = None

    @property
    def slug(self) -> str:
        return self.code.lower()


@dataclass(frozen=True)
class Question:
    id: str
    dimension_id: str
    short: Text
    text: Text
    guidance: Text
    gap_answers: tuple[str, ...]
    gap_meaning: Text

    @property
    def anchor(self) -> str:
        return self.id.replace(".", "-")


@dataclass(frozen=True)
class Dimension:
    id: str
    title: Text
    description: Text
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Source:
    role: str
    lang: str
    title: str
    url: str
    publisher: str | None = None
    translator: str | None = None
    accessed: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Provision:
    id: str
    label: Text
    text: dict[str, str]
    translation_by: str | None = None
    translation_url: str | None = None
    note: Text | None = None
    former_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Finding:
    question: Question
    answer: str
    cite: tuple[Provision, ...]
    summary: Text | None = None
    note: Text | None = None
    coded_by: str | None = None
    reviewed_by: str | None = None
    last_verified: str | None = None

    @property
    def is_gap(self) -> bool:
        return self.answer in self.question.gap_answers


@dataclass(frozen=True)
class Amendment:
    date: str
    note: Text | None = None
    effective: str | None = None


@dataclass
class Body:
    id: str
    source_path: str
    jurisdiction: Jurisdiction
    name: Text
    abbreviation: str | None
    body_type: Term
    dedicated: Term
    independence: Text
    powers: Text
    summary: Text
    sources: tuple[Source, ...]
    established: str | None = None
    dissolved: str | None = None
    predecessor: str | None = None
    successor: str | None = None
    note: Text | None = None
    # filled in once instruments are loaded: (instrument, role) pairs, in instrument order
    roles: list = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name.en} ({self.abbreviation})" if self.abbreviation else self.name.en


@dataclass(frozen=True)
class OversightRole:
    body: Body
    role: Text
    cite: tuple[Provision, ...]


@dataclass
class Instrument:
    id: str
    source_path: str
    jurisdiction: Jurisdiction
    language: str
    title: Text
    pinyin: str | None
    aliases: tuple[str, ...]
    short_title: str
    issuer: Text
    document_number: str | None
    instrument_type: Term
    legal_force: Term
    adopted: str
    effective: str | None
    amended: tuple[Amendment, ...]
    repealed: str | None
    coded_version: str | None
    status: Term
    status_note: Text | None
    summary: Text | None
    sources: tuple[Source, ...]
    provisions: tuple[Provision, ...]
    findings: dict[str, Finding]
    oversight: tuple[OversightRole, ...]
    last_verified: str
    verified_by: str | None
    review_note: Text | None
    citation: dict = field(default_factory=dict)
    relations: list = field(default_factory=list)  # Relation objects where this is the subject
    inverse_relations: list = field(default_factory=list)  # Relation objects that point here

    @property
    def year(self) -> str:
        return self.adopted[:4]

    @property
    def official_sources(self) -> list[Source]:
        return [s for s in self.sources if s.role == "official"]

    def gaps(self) -> list[Finding]:
        return [f for f in self.findings.values() if f.is_gap]


@dataclass(frozen=True)
class Relation:
    subject: "Instrument"
    type: Term
    target: "Instrument"
    cite: tuple[Provision, ...]
    note: Text | None = None


@dataclass(frozen=True)
class Edition:
    edition: str
    summary: Text
    changes: tuple[Text, ...]


@dataclass
class KnowledgeBase:
    vocabularies: dict[str, Vocabulary]
    jurisdictions: dict[str, Jurisdiction]
    dimensions: tuple[Dimension, ...]
    instruments: list[Instrument]  # grouped by jurisdiction (data order), then by date
    bodies: list[Body]
    editions: tuple[Edition, ...] = ()

    @property
    def edition(self) -> str:
        """The current edition: the newest entry of data/editions.yaml."""
        return self.editions[-1].edition if self.editions else ""

    @property
    def questions(self) -> list[Question]:
        return [q for d in self.dimensions for q in d.questions]

    def instrument(self, instrument_id: str) -> Instrument:
        return next(i for i in self.instruments if i.id == instrument_id)

    def by_jurisdiction(self) -> list[tuple[Jurisdiction, list[Instrument]]]:
        groups = []
        for j in self.jurisdictions.values():
            members = [i for i in self.instruments if i.jurisdiction.code == j.code]
            if members:
                groups.append((j, members))
        return groups

    def answer(self, answer_id: str) -> Term:
        return self.vocabularies["answer"][answer_id]
