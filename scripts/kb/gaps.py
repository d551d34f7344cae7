"""Where each question stands for a jurisdiction, a day and a perspective: the gap views.

For a perspective (a business in general, or the state) only the binding instruments in force that
bind an addressee of that perspective count, and each answers for that addressee (its own answer
where the instrument treats it differently, kb.model.Instrument.answer_for). Then:

- closed: an instrument binding the perspective's addressees in general answers "yes";
- partly: the strongest such answer is "partly";
- sectoral: protection exists only through instruments binding some sectors or kinds of data (or,
  in a national view, only in the law of some of its states: a US state's view includes federal
  law, and the US view counts what exists only in state law as "only in some states"). In a
  state's view, national law binding only the national government's bodies (an addressee marked
  national_only) does not bind the state's own, so it counts as sectoral there;
- open: nothing binding protects.

An instrument is in force from the day it took effect (never, if it never was). Its findings count
from the day the wording we coded applied, and not before its provisions were operative (the
finding's own operative day, else the instrument's). In between it is in force but not counted: a
state weaker than closed then names it, since the earlier wording might have protected more. A
state also carries caveats where a counted instrument was amended after the wording we coded, or
(on the edition's day) its status is unknown or superseded: every reason the state may not
describe that day's law.

Each state carries its grounds: the instruments, addressees and provisions behind it. The labels
of the states are the gap_state vocabulary in data/vocabularies.yaml; their meaning is here.
Kept apart from the pages so that the tests can check the computation on small data sets.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .model import Answer, Finding, Instrument, Jurisdiction, KnowledgeBase, Provision, Question, Term

STATES = ("closed", "partly", "sectoral", "open")  # strongest first


def in_force_from(instrument: Instrument) -> str:
    return instrument.effective or instrument.adopted


def coded_from(instrument: Instrument) -> str:
    """The day the wording we coded took effect."""
    if instrument.coded_version and instrument.coded_version != instrument.adopted:
        for amendment in instrument.dates.amended:
            if amendment.date == instrument.coded_version:
                return amendment.effective or amendment.date
    return in_force_from(instrument)


def counted_from(instrument: Instrument, question_id: str | None = None) -> str:
    """The day from which a finding applies: its coded wording in effect and its provisions operative
    (the finding's own operative day, else the instrument's)."""
    finding = instrument.findings.get(question_id) if question_id else None
    operative = (finding.operative if finding and finding.operative else None) or instrument.dates.operative or ""
    return max(coded_from(instrument), operative)


def in_force_on(instrument: Instrument, day: str) -> bool:
    """Binding, in effect on ``day`` (on whatever wording), and not repealed by then."""
    return (instrument.closes_gaps and instrument.status.id != "never-in-force" and in_force_from(instrument) <= day
            and not (instrument.dates.repealed and instrument.dates.repealed <= day))


def counted_on(instrument: Instrument, day: str, question_id: str | None = None) -> bool:
    """In force on ``day`` on the wording the findings describe, its provisions operative."""
    return in_force_on(instrument, day) and counted_from(instrument, question_id) <= day


def not_counted_because(instrument: Instrument, question_id: str | None = None) -> str:
    """Why an instrument in force is not counted before counted_from(), in words."""
    day = counted_from(instrument, question_id)
    if day != coded_from(instrument):
        return f"{'most of ' if question_id is None else ''}its provisions operative only from {day}"
    return f"coded on its wording in effect from {day}"


def caveats_on(instrument: Instrument, day: str, edition: str) -> list[str]:
    """Why a counted instrument's answers may not describe the law of ``day``, in words."""
    later = sorted(a.effective or a.date for a in instrument.dates.amended
                   if coded_from(instrument) < (a.effective or a.date) <= day)
    out = []
    if later:
        times = "" if len(later) == 1 else f"{len(later)} times, last "
        out.append(f"amended after the wording we coded ({times}with effect from {later[-1]}); counted on that wording")
    if day == edition and instrument.status.id in ("unknown", "superseded"):
        out.append(f"its status today is {instrument.status.label.en.lower()} (see its record); counted as in force")
    return out


def years(first: int, edition: str) -> list[int]:
    return list(range(first, int(edition[:4]) + 1))


@dataclass(frozen=True)
class Ground:
    """One instrument's answer behind a state: for which addressee, and on which provisions."""

    instrument: Instrument
    addressee: Term
    answer: Finding | Answer
    national_only: Jurisdiction | None = None  # binds only this (the national) government, not a state's

    @property
    def cite(self) -> tuple[Provision, ...]:
        return self.answer.cite

    @property
    def sectoral(self) -> bool:
        return self.addressee.coverage != "general" or self.national_only is not None


@dataclass(frozen=True)
class GapState:
    jurisdiction: Jurisdiction
    perspective: Term
    day: str
    question: Question
    state: str  # one of STATES, or "" where the question is not asked for this perspective
    grounds: tuple[Ground, ...]  # what gives the state (empty when open)
    elsewhere: tuple[tuple[Jurisdiction, Ground], ...] = ()  # protection only in the law of some states
    not_counted: tuple[Instrument, ...] = ()  # in force then on a wording not coded: the state may understate
    caveats: tuple[tuple[Instrument, str], ...] = ()  # every reason the state may not describe that day's law

    @property
    def marked(self) -> bool:
        return bool(self.caveats)

    @property
    def asked(self) -> bool:
        return self.state != ""

    @cached_property
    def closed_by(self) -> list[str]:
        """``instrument-id#provision-id`` for every provision behind the state."""
        return list(dict.fromkeys(f"{ground.instrument.id}#{provision.id}"
                                  for ground in (*self.grounds, *(g for _, g in self.elsewhere))
                                  for provision in ground.cite))


class GapViews:
    """The gap views of one knowledge base, computed once per (jurisdiction, day, perspective)."""

    def __init__(self, kb: KnowledgeBase, edition: str = ""):
        self.kb = kb
        self.edition = edition or kb.edition
        self._cache: dict[tuple, list[GapState]] = {}
        # The same instruments are asked about for every day, question and perspective: remember
        # what does not change (at 1,000 instruments this was most of the gap pages' cost).
        self._in_force: dict[tuple, list[Instrument]] = {}
        self._starts: dict[tuple[str, str], str] = {}
        self._caveats: dict[tuple[str, str], list[str]] = {}
        self._bound: dict[tuple[str, str], bool] = {}
        self._ground: dict[tuple, Ground | None] = {}
        self._splits: dict[tuple, tuple[list, list, list]] = {}

    def day(self, year: int) -> str:
        """The day a year's view is read on: its last day, or the edition's day in the edition's year."""
        return self.edition if self.edition[:4] == str(year) else f"{year}-12-31"

    @cached_property
    def perspectives(self) -> list[Term]:
        return list(self.kb.vocabularies["perspective"].terms.values())

    def chain(self, jurisdiction: Jurisdiction) -> list[Jurisdiction]:
        """The jurisdiction and those whose law also applies in it (a US state: the US)."""
        out, current = [], jurisdiction
        while current is not None and current not in out:
            out.append(current)
            current = self.kb.jurisdictions.get(current.parent) if current.parent else None
        return out

    def within(self, jurisdiction: Jurisdiction) -> list[Jurisdiction]:
        """The jurisdictions inside this one (the US: its states), at any depth."""
        return [j for j in self.kb.jurisdictions.values() if j is not jurisdiction and jurisdiction in self.chain(j)]

    def bearing_on(self, jurisdiction: Jurisdiction) -> list[Instrument]:
        """Every instrument a view of the jurisdiction reads: its own, those of the jurisdictions
        whose law applies there, and those of the jurisdictions inside it."""
        codes = {j.code for j in [*self.chain(jurisdiction), *self.within(jurisdiction)]}
        return [i for i in self.kb.instruments if i.jurisdiction.code in codes]

    def in_force(self, jurisdiction: Jurisdiction, day: str, own_only: bool = False) -> list[Instrument]:
        """The binding instruments in force there on ``day``, counted or not."""
        key = (jurisdiction.code, day, own_only)
        if key not in self._in_force:
            codes = {jurisdiction.code} if own_only else {j.code for j in self.chain(jurisdiction)}
            self._in_force[key] = [i for i in self.kb.instruments if i.jurisdiction.code in codes and in_force_on(i, day)]
        return self._in_force[key]

    def _counted(self, instrument: Instrument, day: str, question_id: str) -> bool:
        """counted_on() for an instrument known to be in force on ``day``."""
        key = (instrument.id, question_id)
        start = self._starts.get(key)
        if start is None:
            start = self._starts[key] = counted_from(instrument, question_id)
        return start <= day

    def _caveats_on(self, instrument: Instrument, day: str) -> list[str]:
        key = (instrument.id, day)
        if key not in self._caveats:
            self._caveats[key] = caveats_on(instrument, day, self.edition)
        return self._caveats[key]

    def at(self, jurisdiction: Jurisdiction, day: str, perspective: Term, own_law_only: bool = False) -> list[GapState]:
        """Every question's state, in framework order. ``own_law_only``: the jurisdiction's own law,
        without that of the states inside it (federal law alone)."""
        key = (jurisdiction.code, day, perspective.id, own_law_only)
        if key not in self._cache:
            instruments = self.in_force(jurisdiction, day)
            inside = [] if own_law_only else [(j, self.in_force(j, day, own_only=True)) for j in self.within(jurisdiction)]
            self._cache[key] = [self._state(jurisdiction, day, perspective, q, instruments, inside)
                                for q in self.kb.questions]
        return self._cache[key]

    def _grounds(self, jurisdiction: Jurisdiction, instruments: list[Instrument], perspective: Term,
                 question: Question) -> list[Ground]:
        """Each instrument's most protective answer for an addressee of the perspective, general
        addressees first (one ground per instrument)."""
        grounds = []
        for instrument in instruments:
            # the same for every day: remembered (the views ask it for every year and every state)
            key = (instrument.id, perspective.id, question.id, instrument.jurisdiction is jurisdiction)
            if key in self._ground:
                if self._ground[key] is not None:
                    grounds.append(self._ground[key])
                continue
            best = None
            for binding in instrument.binds:
                if binding.who.perspective != perspective.id:
                    continue
                answer = instrument.answer_for(question.id, binding.who.id)
                protects = self.kb.answer(answer.answer).protects
                if protects is None:
                    continue
                # National law binding only the national government does not bind a state's own bodies.
                national = instrument.jurisdiction if binding.who.national_only and instrument.jurisdiction is not jurisdiction else None
                ground = Ground(instrument, binding.who, answer, national)
                rank = (not ground.sectoral, protects == "fully")
                if best is None or rank > best[0]:
                    best = (rank, ground)
            self._ground[key] = best[1] if best is not None else None
            if best is not None:
                grounds.append(best[1])
        return grounds

    def _binds(self, instrument: Instrument, perspective: Term) -> bool:
        key = (instrument.id, perspective.id)
        if key not in self._bound:
            self._bound[key] = any(b.who.perspective == perspective.id for b in instrument.binds)
        return self._bound[key]

    def _split(self, instruments: list[Instrument], day: str, question_id: str) -> tuple[list, list, list]:
        """The instruments (a list from in_force()) counted for the question on ``day``, those not
        counted, and the counted ones with caveats that day; the same for both perspectives and
        for a state's own view and its nation's, so remembered."""
        key = (id(instruments), day, question_id)  # in_force() keeps its lists, so their ids stay theirs
        if key not in self._splits:
            counted, not_counted = [], []
            for instrument in instruments:
                (counted if self._counted(instrument, day, question_id) else not_counted).append(instrument)
            self._splits[key] = (counted, not_counted, [i for i in counted if self._caveats_on(i, day)])
        return self._splits[key]

    @staticmethod
    def asks(question: Question, perspective: Term) -> bool:
        """Whether the question is asked from that perspective (a state has no consent to give)."""
        return not question.perspectives or perspective.id in question.perspectives

    def _state(self, jurisdiction, day, perspective, question, instruments, inside) -> GapState:
        if not self.asks(question, perspective):
            return GapState(jurisdiction, perspective, day, question, "", ())
        counted, uncounted, with_caveats = self._split(instruments, day, question.id)
        splits_inside = [(j, self._split(own, day, question.id)) for j, own in inside]
        grounds = self._grounds(jurisdiction, counted, perspective, question)
        general = [g for g in grounds if not g.sectoral]
        fully = [g for g in general if self.kb.answer(g.answer.answer).protects == "fully"]
        elsewhere = tuple((j, g) for j, (own_counted, _, _) in splits_inside
                          for g in self._grounds(j, own_counted, perspective, question))
        if fully:
            state, behind = "closed", fully
        elif general:
            state, behind = "partly", general
        elif grounds or elsewhere:
            state, behind = "sectoral", [g for g in grounds if g.sectoral]
        else:
            state, behind = "open", []
        caveats: list[tuple[Instrument, str]] = []
        not_counted: list[Instrument] = []
        if state != "closed":  # an instrument not counted might have closed it
            for instrument in [*uncounted, *(i for _, (_, own_uncounted, _) in splits_inside for i in own_uncounted)]:
                if self._binds(instrument, perspective):
                    not_counted.append(instrument)
                    caveats.append((instrument, "not counted: " + not_counted_because(instrument, question.id)))
        shown = {g.instrument.id for g in behind} | {g.instrument.id for _, g in (elsewhere if state == "sectoral" else ())}
        for instrument in [*with_caveats, *(i for _, (_, _, own_with_caveats) in splits_inside for i in own_with_caveats)]:
            if instrument.id in shown or (state != "closed" and self._binds(instrument, perspective)):
                caveats += [(instrument, why) for why in self._caveats_on(instrument, day)]
        return GapState(jurisdiction, perspective, day, question, state, tuple(behind),
                        elsewhere if state == "sectoral" else (), tuple(not_counted), tuple(caveats))

    def changes(self, jurisdiction: Jurisdiction, perspective: Term, first: int, last: int) -> list[tuple[int, GapState, GapState]]:
        """(year, state before, state after) for each year in which a question's state changed."""
        out = []
        previous = self.at(jurisdiction, self.day(first - 1), perspective)
        for year in range(first, last + 1):
            current = self.at(jurisdiction, self.day(year), perspective)
            out += [(year, before, after) for before, after in zip(previous, current, strict=True)
                    if after.state != before.state]
            previous = current
        return out
