"""Verdicts on the source essay's claims, computed from the findings (never typed).

A claim (data/claims.yaml) is a set of points the findings can check:

- a state claim says which gap states some questions were in, for a jurisdiction, a year and
  some perspectives; a point agrees when the computed state is one the claim names, disagrees when
  it lies at the other end of the scale (closed where the claim says open, or the reverse), and
  agrees in part in between;
- an instrument claim says how one instrument answers some questions; a point agrees when the
  finding gives one of the answers named;
- a comparison claim says one perspective had fewer protections than another; a point is a
  question asked from both, and agrees when the first is weaker; when both stand equal, or the
  first is stronger, the point does not bear the claim out and disagrees.

Every point agrees: supported; the points weigh more against the claim than for it (a point
agreeing in part counts half): not supported; otherwise partly supported; no point to check: no
verdict (KB049 refuses state claims with nothing asked, and comparisons of a perspective with
itself). State and comparison claims are checked
for their own year ("then") and on the dataset edition's day ("today"); an instrument claim is
about the wording we coded, so it has one verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gaps import STATES, GapState, GapViews
from .model import Claim, Finding, KnowledgeBase

AGREES, IN_PART, DISAGREES = 1.0, 0.5, 0.0


@dataclass(frozen=True)
class Point:
    label: str  # what is checked, e.g. "Prior registration, for a business"
    expected: str  # what the claim says, in words
    found: str  # what the findings give, in words
    score: float
    states: tuple[GapState, ...] = ()  # the computed states behind it (state and comparison claims)
    finding: Finding | None = None  # instrument claims


@dataclass(frozen=True)
class Verdict:
    claim: Claim
    year: int
    verdict: str  # a term of the verdict vocabulary
    points: tuple[Point, ...]


def _verdict(points: list[Point]) -> str:
    if not points:
        return ""
    if all(p.score == AGREES for p in points):
        return "supported"
    if sum(p.score for p in points) / len(points) < IN_PART:
        return "not-supported"
    return "partly-supported"


WEAK, STRONG = {"sectoral", "open"}, {"closed", "partly"}


def _state_score(found: str, expected: tuple[str, ...]) -> float:
    """Closed and open are the two ends of the scale; partly and sectoral lie between."""
    if found in expected:
        return AGREES
    if (found == "closed" and set(expected) <= WEAK) or (found == "open" and set(expected) <= STRONG):
        return DISAGREES
    return IN_PART


class ClaimCheck:
    def __init__(self, kb: KnowledgeBase, views: GapViews):
        self.kb, self.views = kb, views
        self.state_label = {t.id: t.label.en for t in kb.vocabularies["gap_state"].terms.values()}
        self.perspective = kb.vocabularies["perspective"].terms
        self.questions = {q.id: q for q in kb.questions}

    def verdict(self, claim: Claim, year: int) -> Verdict:
        day = self.views.day(year)
        points = getattr(self, f"_{claim.kind}")(claim, day)
        return Verdict(claim, year, _verdict(points), tuple(points))

    def _state(self, claim: Claim, day: str) -> list[Point]:
        points = []
        for perspective_id in claim.perspectives:
            perspective = self.perspective[perspective_id]
            states = {s.question.id: s for s in self.views.at(claim.jurisdiction, day, perspective, claim.own_law_only)}
            for question_id in claim.questions:
                state = states[question_id]
                if not state.asked:
                    continue
                points.append(Point(
                    label=f"{self.questions[question_id].short.en}, {perspective.label.en.lower()}",
                    expected=" or ".join(self.state_label[e] for e in claim.expects),
                    found=self.state_label[state.state], score=_state_score(state.state, claim.expects),
                    states=(state,)))
        return points

    def _instrument(self, claim: Claim, day: str) -> list[Point]:
        points = []
        for question_id, answers in claim.answers.items():
            finding = claim.instrument.findings[question_id]
            points.append(Point(
                label=self.questions[question_id].short.en,
                expected=" or ".join(self.kb.answer(a).label.en for a in answers),
                found=self.kb.answer(finding.answer).label.en,
                score=AGREES if finding.answer in answers else DISAGREES, finding=finding))
        return points

    def _comparison(self, claim: Claim, day: str) -> list[Point]:
        fewer, than = self.perspective[claim.fewer], self.perspective[claim.than]
        rank = {state: n for n, state in enumerate(STATES)}
        points = []
        pairs = zip(self.views.at(claim.jurisdiction, day, fewer, claim.own_law_only),
                    self.views.at(claim.jurisdiction, day, than, claim.own_law_only), strict=True)
        for weaker, stronger in pairs:
            if not (weaker.asked and stronger.asked):
                continue
            if claim.questions and weaker.question.id not in claim.questions:
                continue
            difference = rank[weaker.state] - rank[stronger.state]  # > 0: the first is weaker, as claimed
            points.append(Point(
                label=weaker.question.short.en,
                expected=f"weaker {fewer.label.en.lower()} than {than.label.en.lower()}",
                found=f"{self.state_label[weaker.state]} against {self.state_label[stronger.state]}",
                score=AGREES if difference > 0 else DISAGREES,
                states=(weaker, stronger)))
        return points
