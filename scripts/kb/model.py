"""The typed in-memory knowledge base that pages and exports read.

Objects here are built only from data that passed validation (kb.load), so every reference
resolves: a finding's citations are Provision objects, an oversight role points at a Body, a term
is a Term of its vocabulary. The classes follow the shape of the YAML records, field for field and
with the same names, so that kb.json (kb.exports) can be dumped from them without a second list of
fields. Fields marked ``ref`` are written out as the id of what they point to; fields marked
``internal`` (back-references, file paths) are left out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

# The instrument page uses these anchors for its own parts; a provision id may not take one (rule
# KB040), or a citation of the provision would land on the wrong element. Question anchors
# (consent-required, ...) and findings-<dimension> are reserved too; see reserved_anchors().
PAGE_ANCHORS = frozenset({"facts", "findings", "binds", "oversight", "relations", "provisions", "sources", "cite",
                          "record"})


def ref(**kwargs):
    """A field that points at another object; exported as that object's id."""
    return field(metadata={"ref": True}, **kwargs)


def internal(**kwargs):
    """A field the exports leave out (derived back-references, where a file lives)."""
    return field(metadata={"internal": True}, **kwargs)


@dataclass(frozen=True, kw_only=True)
class Text:
    """Text in English with an optional Chinese version."""

    en: str
    zh: str | None = None

    @classmethod
    def of(cls, raw: dict | None) -> Text | None:
        return cls(en=raw["en"], zh=raw.get("zh")) if raw else None


@dataclass(frozen=True, kw_only=True)
class Term:
    """A term of a vocabulary in data/vocabularies.yaml, with whatever it says about itself."""

    id: str
    label: Text
    definition: Text
    icon: str | None = None
    requires: tuple[str, ...] = ()
    protects: str | None = None  # answers: "fully" or "partly"
    closes_gaps: bool = False  # legal force: an instrument with it can close a gap
    perspective: str | None = None  # addressees: business or state
    coverage: str | None = None  # addressees: general or sectoral
    national_only: bool = False  # addressees: the national government's own bodies only


@dataclass(frozen=True, kw_only=True)
class Vocabulary:
    name: str
    description: str
    terms: dict[str, Term]

    def __getitem__(self, term_id: str) -> Term:
        return self.terms[term_id]


@dataclass(frozen=True, kw_only=True)
class Jurisdiction:
    code: str
    name: Text
    parent: str | None = None
    official_domains: tuple[str, ...] = ()

    @property
    def slug(self) -> str:
        return self.code.lower()


@dataclass(frozen=True, kw_only=True)
class Question:
    id: str
    short: Text
    text: Text
    guidance: Text
    gap_answers: tuple[str, ...]
    gap_meaning: Text
    perspectives: tuple[str, ...] = ()  # the gap views' perspectives this question is asked for
    conditions: tuple[dict, ...] = ()  # how the answer depends on another question's (rule KB046)
    dimension_id: str = internal()

    @property
    def anchor(self) -> str:
        return question_anchor(self.id)


@dataclass(frozen=True, kw_only=True)
class Dimension:
    id: str
    title: Text
    description: Text
    questions: tuple[Question, ...]


def renumbered(provision: Provision, article_label: Text) -> Text:
    """A provision's label under its article's new number: the article's new label, with a
    part's pinpoint (e.g. (1)(ii), 第一款第（二）项) carried over."""
    whole = provision.whole
    if provision is whole:
        return article_label
    en = article_label.en + provision.label.en[len(whole.label.en):]
    zh = (article_label.zh + provision.label.zh[len(whole.label.zh):]) if article_label.zh and provision.label.zh \
        and whole.label.zh else article_label.zh
    return Text(en=en, zh=zh)


def reserved_anchors(dimension_ids, question_ids) -> frozenset[str]:
    """Every anchor of the instrument page that is not a provision's."""
    return PAGE_ANCHORS | {f"findings-{d}" for d in dimension_ids} | {question_anchor(q) for q in question_ids}


def question_anchor(question_id: str) -> str:
    return question_id.replace(".", "-")


@dataclass(frozen=True, kw_only=True)
class Source:
    role: str
    lang: str
    title: str
    url: str
    publisher: str | None = None
    translator: str | None = None
    accessed: str | None = None
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class Translation:
    by: str
    url: str | None = None


@dataclass(frozen=True, kw_only=True)
class ProvisionVersion:
    """What one amendment did to a provision: its number in the amended text, and its words."""

    of: str  # the amendment's date (an entry of dates.amended)
    wording: Term = ref()  # unchanged | amended | unverified | repealed
    label: Text | None = None  # None: repealed
    text: dict[str, str] | None = None  # the amended words, where known
    note: Text | None = None


@dataclass(frozen=True, kw_only=True)
class Provision:
    """A provision findings cite. Its paragraphs (款) and their items (项) are Provisions too, in
    ``parts``, each with its own id (art-11-p1, art-11-p1-i2) and a label that pinpoints it, so a
    finding can cite one and every page, citation and download treats it like any provision."""

    id: str
    label: Text
    text: dict[str, str]  # the words; for a provision with parts, all of them, one part per line
    translation: Translation | None = None
    note: Text | None = None
    former_ids: tuple[str, ...] = ()
    wording_of: str | None = None  # the version the words are quoted from, if not the coded one
    source: str | None = None  # the URL of the source the original words were read in, if not the default
    versions: tuple[ProvisionVersion, ...] = ()
    defines: tuple[Term, ...] = ref(default=())  # the defined_term terms its quoted words define (the glossary)
    parts: tuple[Provision, ...] = ()
    marker: str | None = None  # a part's own mark in the text, e.g. (b) or (3), where it has one
    parent: Provision | None = internal(default=None, compare=False, repr=False)

    @property
    def whole(self) -> Provision:
        """The article (or section) a part belongs to; the provision itself if it is one."""
        return self.parent.whole if self.parent else self

    def descendants(self):
        for part in self.parts:
            yield part
            yield from part.descendants()

    def blocks(self) -> list[dict[str, str]]:
        """The words as the page shows them, block by block: the whole text, or each paragraph's
        own words (before its items) and each item's."""
        if not self.parts:
            return [self.text]
        return [{lang: words.split("\n")[0] for lang, words in part.text.items()} if part.parts else part.text
                for part in self.descendants()]

    def version_of(self, amendment_date: str) -> ProvisionVersion | None:
        """What the amendment of that date did to this provision (a part: to its article), if recorded."""
        return next((v for v in self.whole.versions if v.of == amendment_date), None)


@dataclass(frozen=True, kw_only=True)
class Answer:
    """How an instrument answers a question for one of its addressees, where it differs."""

    answer: str
    cite: tuple[Provision, ...] = ref(default=())
    summary: Text | None = None
    note: Text | None = None


@dataclass(frozen=True, kw_only=True)
class Finding:
    question: Question = internal()  # (findings are keyed by question id)
    answer: str
    cite: tuple[Provision, ...] = ref(default=())
    summary: Text | None = None
    note: Text | None = None
    differs_for: dict[str, Answer] = field(default_factory=dict)  # addressee id -> its own answer
    coded_by: str | None = None
    reviewed_by: str | None = None
    last_verified: str | None = None
    operative: str | None = None  # where this answer's provisions applied from another day than the instrument's

    @property
    def is_gap(self) -> bool:
        return self.answer in self.question.gap_answers


@dataclass(frozen=True, kw_only=True)
class Binding:
    """Whom an instrument binds: one addressee, and the provisions that say so."""

    who: Term = ref()
    cite: tuple[Provision, ...] = ref()
    note: Text | None = None


@dataclass(frozen=True, kw_only=True)
class Amendment:
    date: str
    effective: str | None = None
    by: Text | None = None  # the amending instrument, by name
    url: str | None = None
    adds: tuple[Text, ...] = ()  # provisions it inserted, by their new numbers
    note: Text | None = None


@dataclass(frozen=True, kw_only=True)
class TextVersion:
    """One wording of an instrument: as adopted, or as one amendment left it. Records name a
    version by its date (dates.adopted or the amendment's date)."""

    date: str
    effective: str | None  # the day this wording took effect
    amendment: Amendment | None = None  # None: the text as adopted

    @property
    def name(self) -> Text:
        year = self.date[:4]
        if self.amendment is None:
            return Text(en=f"{year} text", zh=f"{year}年文本")
        return Text(en=f"text as amended in {year}", zh=f"{year}年修改后文本")


@dataclass(frozen=True, kw_only=True)
class Dates:
    adopted: str
    effective: str | None = None
    operative: str | None = None  # where most provisions began to apply later than the effective day
    amended: tuple[Amendment, ...] = ()
    repealed: str | None = None


@dataclass(frozen=True, kw_only=True)
class Title:
    en: str
    zh: str | None = None
    pinyin: str | None = None
    aliases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()  # in common use (PIPL); search ranks the page first for them
    short_zh: tuple[str, ...] = ()  # Chinese short names in common use (个保法)


@dataclass(frozen=True, kw_only=True)
class Review:
    last_verified: str
    verified_by: str | None = None
    note: Text | None = None


@dataclass(kw_only=True, eq=False)  # compared by identity: bodies point at each other
class Body:
    id: str
    jurisdiction: Jurisdiction = ref()
    name: Text
    abbreviation: str | None = None
    body_type: Term = ref()
    dedicated: Term = ref()
    independence: Text
    powers: Text
    summary: Text
    established: str | None = None
    dissolved: str | None = None
    predecessor: Body | None = ref(default=None)
    successor: Body | None = ref(default=None)
    note: Text | None = None
    sources: tuple[Source, ...] = ()
    source_path: str = internal(default="")
    # (instrument, role) pairs, in instrument order, filled in once the instruments are read
    roles: list = internal(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name.en} ({self.abbreviation})" if self.abbreviation else self.name.en

    def existed_on(self, day: str) -> bool:
        """Whether the body existed on ``day`` (as far as its dates are recorded)."""
        return not (self.established and self.established > day) and not (self.dissolved and self.dissolved <= day)


@dataclass(frozen=True, kw_only=True)
class OversightRole:
    body: Body = ref()
    role: Text
    cite: tuple[Provision, ...] = ref()


@dataclass(frozen=True, kw_only=True)
class Relation:
    type: Term = ref()
    target: Instrument = ref()
    cite: tuple[Provision, ...] = ref(default=())
    note: Text | None = None
    subject: Instrument = internal()


@dataclass(kw_only=True, eq=False)  # compared by identity: relations point both ways
class Instrument:
    id: str
    jurisdiction: Jurisdiction = ref()
    language: str
    title: Title
    short_title: str
    issuer: Text
    document_number: str | None = None
    citation: dict = field(default_factory=dict)  # the parts of a formal citation the record gives
    instrument_type: Term = ref()
    legal_force: Term = ref()
    binds: tuple[Binding, ...] = ()
    dates: Dates
    coded_version: str | None = None
    status: Term = ref()
    status_note: Text | None = None
    summary: Text | None = None
    sources: tuple[Source, ...]
    provisions: tuple[Provision, ...]
    findings: dict[str, Finding]
    oversight: tuple[OversightRole, ...] = ()
    relations: list[Relation] = field(default_factory=list)
    review: Review
    source_path: str = internal(default="")
    inverse_relations: list[Relation] = internal(default_factory=list)  # relations of others that point here

    # Shorthands the templates use often.
    @property
    def adopted(self) -> str:
        return self.dates.adopted

    @property
    def effective(self) -> str | None:
        return self.dates.effective

    @property
    def pinyin(self) -> str | None:
        return self.title.pinyin

    @property
    def year(self) -> str:
        return self.dates.adopted[:4]

    @property
    def official_sources(self) -> list[Source]:
        return [s for s in self.sources if s.role == "official"]

    @property
    def closes_gaps(self) -> bool:
        return self.legal_force.closes_gaps

    def gaps(self) -> list[Finding]:
        return [f for f in self.findings.values() if f.is_gap]

    # Versions of the text: which wording the record codes, which was in force on a day.
    @cached_property  # asked for on every provision of every page; the record never changes
    def versions(self) -> list[TextVersion]:
        first = TextVersion(date=self.adopted, effective=self.effective or self.adopted)
        return [first, *(TextVersion(date=a.date, effective=a.effective or a.date, amendment=a)
                         for a in sorted(self.dates.amended, key=lambda a: a.date))]

    @cached_property
    def coded(self) -> TextVersion:
        """The version whose wording the provisions and findings code."""
        wanted = self.coded_version or self.adopted
        return next(v for v in self.versions if v.date == wanted)

    def version_on(self, day: str) -> TextVersion | None:
        """The wording in force on ``day`` (None before the instrument took effect)."""
        in_force = [v for v in self.versions if v.effective <= day]
        return in_force[-1] if in_force else None

    def later_versions(self) -> list[TextVersion]:
        """The amendments after the coded wording."""
        return self._later_versions

    @cached_property
    def _later_versions(self) -> list[TextVersion]:
        return [v for v in self.versions if v.date > self.coded.date]

    def label_on(self, provision: Provision, day: str) -> Text:
        """How the wording in force on ``day`` numbers the provision: its label in the coded text
        unless a later amendment in force that day renumbered it (recorded under versions)."""
        label = provision.label
        for version in self.later_versions():
            if version.effective > day:
                break
            change = provision.version_of(version.date)
            if change and change.label:
                # a paragraph's or item's pinpoint carries over only where we compared the words;
                # otherwise the new text may be structured differently: cite the article
                label = renumbered(provision, change.label) if change.wording.id == "unchanged" else change.label
        return label

    def answer_for(self, question_id: str, addressee: str) -> Finding | Answer:
        """The finding, or the addressee's own answer where the instrument treats it differently."""
        finding = self.findings[question_id]
        return finding.differs_for.get(addressee, finding)


@dataclass(frozen=True, kw_only=True)
class Edition:
    edition: str
    summary: Text
    changes: tuple[Text, ...]


@dataclass(frozen=True, kw_only=True)
class ClaimSource:
    title: str
    author: str
    year: str
    url: str
    note: Text | None = None


@dataclass(frozen=True, kw_only=True)
class Claim:
    """A claim of the source essay, as points the findings can check (data/claims.yaml)."""

    id: str
    says: Text
    where: str
    kind: str  # state | instrument | comparison
    jurisdiction: Jurisdiction = ref()
    year: str
    perspectives: tuple[str, ...] = ()
    questions: tuple[str, ...] = ()
    expects: tuple[str, ...] = ()
    instrument: Instrument | None = ref(default=None)
    answers: dict[str, tuple[str, ...]] = field(default_factory=dict)
    fewer: str | None = None
    than: str | None = None
    own_law_only: bool = False  # federal law alone, without the states' own
    note: Text


@dataclass(kw_only=True)
class KnowledgeBase:
    vocabularies: dict[str, Vocabulary]
    jurisdictions: dict[str, Jurisdiction]
    dimensions: tuple[Dimension, ...]
    instruments: list[Instrument]  # grouped by jurisdiction (data order), then by date
    bodies: list[Body]
    editions: tuple[Edition, ...] = ()
    claims: tuple[Claim, ...] = ()
    claims_source: ClaimSource | None = None
    # Digests of the files it was read from: each instrument's (by id), and the rest of the data
    # folder's together (under ""). A page part made from some instruments and the shared files is
    # the same in two builds whose digests of those agree (kb.pages.site.Site.across_builds).
    fingerprints: dict[str, bytes] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self):
        self._by_id = {i.id: i for i in self.instruments}

    @property
    def edition(self) -> str:
        """The current edition: the newest entry of data/editions.yaml."""
        return self.editions[-1].edition if self.editions else ""

    @property
    def questions(self) -> list[Question]:
        return [q for d in self.dimensions for q in d.questions]

    def instrument(self, instrument_id: str) -> Instrument:
        return self._by_id[instrument_id]

    def by_jurisdiction(self) -> list[tuple[Jurisdiction, list[Instrument]]]:
        groups = []
        for j in self.jurisdictions.values():
            members = [i for i in self.instruments if i.jurisdiction.code == j.code]
            if members:
                groups.append((j, members))
        return groups

    def answer(self, answer_id: str) -> Term:
        return self.vocabularies["answer"][answer_id]
