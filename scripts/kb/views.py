"""Derived views of the knowledge base: what a jurisdiction's binding law answers at a date.

Kept apart from rendering so the tests can check the year pages against the same rules.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from .model import Finding, Instrument, Jurisdiction, KnowledgeBase, Question

# Stronger answers first. Anything not listed closes nothing.
STRENGTH = {"yes": 2, "partial": 1}


def coded_from(instrument: Instrument) -> str:
    """The day from which the coded wording (and so the findings) applied."""
    if instrument.coded_version and instrument.coded_version != instrument.adopted:
        for amendment in instrument.dates.amended:
            if amendment.date == instrument.coded_version:
                return amendment.effective or amendment.date
    return instrument.effective or instrument.adopted


def in_force_on(instrument: Instrument, day: str) -> bool:
    """Binding, its coded wording in effect on ``day``, and not repealed by then."""
    if instrument.legal_force.id != "binding":
        return False
    if coded_from(instrument) > day:
        return False
    return not (instrument.dates.repealed and instrument.dates.repealed <= day)


def members(kb: KnowledgeBase, jurisdiction: Jurisdiction) -> list[Instrument]:
    """Instruments that apply in a jurisdiction: its own and its parent's (federal law applies in a state)."""
    codes = {jurisdiction.code} | ({jurisdiction.parent} if jurisdiction.parent else set())
    return [i for i in kb.instruments if i.jurisdiction.code in codes]


@dataclass(frozen=True)
class Answer:
    question: Question
    state: str  # closed | partly | open
    best: list[tuple[Instrument, Finding]]  # the instruments giving the strongest answer


def as_of(kb: KnowledgeBase, jurisdiction: Jurisdiction, day: str) -> list[Answer]:
    in_force = [i for i in members(kb, jurisdiction) if in_force_on(i, day)]
    answers = []
    for question in kb.questions:
        scored = [(STRENGTH.get(i.findings[question.id].answer, 0), i, i.findings[question.id]) for i in in_force]
        top = max((s for s, _, _ in scored), default=0)
        best = [(i, f) for s, i, f in scored if s == top and top > 0]
        answers.append(Answer(question, {2: "closed", 1: "partly", 0: "open"}[top], best))
    return answers


def years(first: int, today: str) -> list[int]:
    return list(range(first, int(today[:4]) + 1))


@dataclass(frozen=True)
class Change:
    year: int
    question: Question
    before: str
    after: str
    by: list[tuple[Instrument, Finding]]


def changes(answers_on: Callable[[Jurisdiction, str], list[Answer]], jurisdiction: Jurisdiction,
            first: int, last: int) -> list[Change]:
    """Each year in which a question's state changed, and the instruments that changed it.

    ``answers_on(jurisdiction, day)`` is ``as_of`` for one knowledge base; the renderer passes
    its memoised one, since the year pages ask for the same days.
    """
    out = []
    previous = {a.question.id: a for a in answers_on(jurisdiction, f"{first - 1}-12-31")}
    for year in range(first, last + 1):
        current = answers_on(jurisdiction, f"{year}-12-31")
        for answer in current:
            before = previous[answer.question.id]
            if answer.state != before.state:
                out.append(Change(year, answer.question, before.state, answer.state, answer.best))
        previous = {a.question.id: a for a in current}
    return out
