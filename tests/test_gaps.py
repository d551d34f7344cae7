"""The gap views (kb.gaps) and the claims' verdicts (kb.claims), computed on small hand-made data
sets whose answers are known: whom a rule binds, a protection that exists only in one sector, a
US state's law seen from the state and from the country, answers that differ for state organs,
and a report that binds nobody."""

from __future__ import annotations

import csv
import io

import pytest

from conftest import FIXTURES, data_with
from kb.claims import ClaimCheck
from kb.exports.tables import gaps_csv
from kb.formatting import canonical
from kb.gaps import GapViews
from kb.load import check, load
from kb.load.yamlsafe import parse_bytes

MINIMAL = parse_bytes((FIXTURES / "minimal-instrument.yaml").read_bytes(), "minimal")[0].data
SILENT = {"answer": "not-addressed", "note": {"en": "Silent."}}


def record(record_id: str, jurisdiction: str, adopted: str, binds: list[str], answers: dict,
           differs: dict | None = None, binding: bool = True) -> dict:
    """A valid record: every question silent (or not applicable) except those given."""
    data = {**MINIMAL, "id": record_id, "jurisdiction": jurisdiction, "language": "zh" if jurisdiction == "CN" else "en"}
    data["dates"] = {"adopted": adopted, "effective": adopted}
    data["sources"] = [{"role": "official", "lang": data["language"], "title": "Test",
                        "url": "https://www.gov.cn/test" if jurisdiction == "CN" else "https://www.congress.gov/test"}]
    data["binds"] = [{"who": who, "cite": ["art-1"]} for who in binds]
    data["legal_force"] = "binding" if binding else "non-binding"
    data["oversight"] = []
    findings = {}
    for question in MINIMAL["findings"]:
        if not binding:
            findings[question] = {"answer": "not-applicable", "note": {"en": "Binds nobody."}}
        elif question in answers:
            answer = answers[question]
            findings[question] = {"answer": answer, "cite": ["art-1"], **({"note": {"en": "Part."}} if answer == "partial" else {})}
        else:
            findings[question] = dict(SILENT)
    if binding and findings["consent.required"]["answer"] in ("yes", "partial"):  # consent required: its definition
        for question in ("consent.defined", "consent.form"):                      # and form are "no", not silence
            if question not in answers:
                findings[question] = {"answer": "no", "cite": ["art-1"]}
    if binding:  # keep the framework's coding rules: no overseer, so dedicated/independent do not arise
        for question in ("oversight.dedicated", "oversight.independent"):
            findings[question] = {"answer": "not-applicable", "note": {"en": "Nobody is designated."}}
        state = any(b in ("state-organs", "national-government", "intelligence-law-enforcement",
                          "public-bodies-in-sectors") for b in binds)
        findings["oversight.government-bound"] = {"answer": "yes", "cite": ["art-1"]} if state else dict(SILENT)
    for question, (who, answer) in (differs or {}).items():
        findings[question]["differs_for"] = {who: {"answer": answer, "note": {"en": "Differs."},
                                                   **({"cite": ["art-1"]} if answer in ("yes", "partial", "no") else {})}}
    data["findings"] = findings
    if not binding:
        data["instrument_type"], data["status"] = "executive-policy-report", "not-applicable"
    return data


@pytest.fixture(scope="module")
def gap_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("gaps")
    records = {
        # China: a general law from 2013 on consent; a telecoms-only rule from 2014 on breach notice;
        # a 2016 law binding businesses and state organs, which exempts state organs from consent.
        "cn-test-2013-general": record("cn-test-2013-general", "CN", "2013-06-01", ["processors"], {"consent.required": "yes"}),
        "cn-test-2014-telecoms": record("cn-test-2014-telecoms", "CN", "2014-06-01", ["telecoms-internet"], {"registration.breach": "yes"}),
        "cn-test-2016-both": record("cn-test-2016-both", "CN", "2016-06-01", ["processors", "state-organs"],
                                    {"consent.required": "yes", "registration.prior": "partial"},
                                    differs={"consent.required": ("state-organs", "not-addressed")}),
        # US: consent only in health; a federal-agencies law; a report; California's own general law.
        "us-test-2015-health": record("us-test-2015-health", "US", "2015-06-01", ["health"], {"consent.required": "yes"}),
        "us-test-2015-agencies": record("us-test-2015-agencies", "US", "2015-06-01", ["national-government"],
                                        {"registration.prior": "yes"}),
        "us-test-2015-report": record("us-test-2015-report", "US", "2015-06-01", [], {}, binding=False),
        "us-ca-test-2018-general": record("us-ca-test-2018-general", "US-CA", "2018-06-01", ["processors"], {"consent.defined": "yes"}),
        # A ban on intercepting communications: it binds everyone, but protects only communications.
        "us-test-2016-wiretap": record("us-test-2016-wiretap", "US", "2016-06-01", ["electronic-information"],
                                       {"consent.withdrawal": "yes"}),
        # California: a law in effect from 2019 whose provisions are operative only from 2021.
        "us-ca-test-2019-operative": record("us-ca-test-2019-operative", "US-CA", "2019-01-01", ["processors"],
                                            {"registration.breach": "yes"}),
        # China: a 2014 law coded on its 2017 amendment, which took effect on 1 January 2018.
        "cn-test-2014-amended": record("cn-test-2014-amended", "CN", "2014-06-01", ["processors"],
                                       {"registration.public-notice": "yes"}),
        # China: a 2015 law whose Art. 1 binds businesses and Art. 2 state organs, each naming an overseer.
        "cn-test-2015-split": record("cn-test-2015-split", "CN", "2015-06-01", ["consumer-transactions", "state-organs"],
                                     {"oversight.designated": "yes"}),
    }
    records["us-ca-test-2019-operative"]["dates"]["operative"] = "2021-01-01"
    # ... except its oversight body, set up on the day it took effect.
    records["us-ca-test-2019-operative"]["findings"]["oversight.designated"] = {"answer": "yes", "cite": ["art-1"],
                                                                                "operative": "2019-01-01"}
    for question in ("oversight.dedicated", "oversight.independent"):
        records["us-ca-test-2019-operative"]["findings"][question] = {"answer": "yes", "cite": ["art-1"]}
    records["cn-test-2014-amended"]["dates"]["amended"] = [{"date": "2017-11-04", "effective": "2018-01-01"}]
    records["cn-test-2014-amended"]["coded_version"] = "2017-11-04"
    # China: a 2013 law amended in 2020, which we have not coded; its status today is unknown.
    records["cn-test-2013-general"]["dates"]["amended"] = [{"date": "2020-06-01"}]
    records["cn-test-2013-general"]["status"] = "unknown"
    records["cn-test-2013-general"]["status_note"] = {"en": "Test."}
    split = records["cn-test-2015-split"]
    split["provisions"] = [*split["provisions"], {**split["provisions"][0], "id": "art-2", "label": {"en": "Article 2", "zh": "第二条"}}]
    split["binds"][1]["cite"] = ["art-2"]
    split["findings"]["oversight.designated"]["differs_for"] = {"state-organs": {"answer": "yes", "cite": ["art-2"]}}
    split["findings"]["oversight.dedicated"] = {"answer": "no", "cite": ["art-1"]}
    split["findings"]["oversight.independent"] = {"answer": "no", "cite": ["art-1"]}
    split["findings"]["oversight.government-bound"]["cite"] = ["art-2"]
    for record_id, data in records.items():
        (folder / f"{record_id}.yaml").write_text(canonical(data, "instruments", list(MINIMAL["findings"])), encoding="utf-8")
    data_dir = data_with(folder, *sorted(folder.glob("*.yaml")))
    assert check(data_dir) == [], "\n".join(p.format() for p in check(data_dir))
    return data_dir


@pytest.fixture(scope="module")
def views(gap_data):
    return GapViews(load(gap_data))


def _state(views, code, year, perspective, question, own_law_only=False):
    j = views.kb.jurisdictions[code]
    p = views.kb.vocabularies["perspective"][perspective]
    return next(s for s in views.at(j, f"{year}-12-31", p, own_law_only) if s.question.id == question)


def test_a_general_law_closes_the_question_for_businesses_from_the_day_it_takes_effect(views):
    assert _state(views, "CN", 2012, "business", "consent.required").state == "open"
    state = _state(views, "CN", 2013, "business", "consent.required")
    assert state.state == "closed" and [g.instrument.id for g in state.grounds] == ["cn-test-2013-general"]
    assert state.closed_by == ["cn-test-2013-general#art-1"]


def test_a_rule_for_one_sector_is_sectoral_not_closed(views):
    state = _state(views, "CN", 2015, "business", "registration.breach")
    assert state.state == "sectoral"
    assert [(g.instrument.id, g.addressee.id) for g in state.grounds] == [("cn-test-2014-telecoms", "telecoms-internet")]


def test_a_rule_binding_businesses_does_not_protect_against_the_state(views):
    assert _state(views, "CN", 2013, "state", "consent.required").state == "open"  # the 2013 law binds businesses only


def test_an_instrument_that_answers_differently_for_state_organs_counts_with_that_answer(views):
    assert _state(views, "CN", 2016, "business", "consent.required").state == "closed"
    assert _state(views, "CN", 2016, "state", "consent.required").state == "open"  # its own answer for state organs
    assert _state(views, "CN", 2016, "state", "registration.prior").state == "partly"  # where it does not differ


def test_a_duty_of_federal_agencies_closes_nothing_for_businesses(views):
    assert _state(views, "US", 2015, "business", "registration.prior").state == "open"
    state = _state(views, "US", 2015, "state", "registration.prior")
    assert state.state == "closed" and state.closed_by == ["us-test-2015-agencies#art-1"]


def test_a_state_law_counts_in_the_state_and_only_as_some_states_in_the_country(views):
    california = _state(views, "US-CA", 2018, "business", "consent.defined")
    assert california.state == "closed" and california.grounds[0].instrument.id == "us-ca-test-2018-general"
    national = _state(views, "US", 2018, "business", "consent.defined")
    assert national.state == "sectoral" and national.grounds == ()
    assert [(j.code, g.instrument.id) for j, g in national.elsewhere] == [("US-CA", "us-ca-test-2018-general")]
    assert national.closed_by == ["us-ca-test-2018-general#art-1"]
    # ... and a state's view includes federal law: health consent is sectoral in California too.
    assert _state(views, "US-CA", 2018, "business", "consent.required").state == "sectoral"
    assert _state(views, "US", 2017, "business", "consent.defined").state == "open"  # before the state law


def test_a_report_never_closes_a_gap(views):
    for question in views.kb.questions:
        for perspective in ("business", "state"):
            state = _state(views, "US", 2016, perspective, question.id)
            assert all(g.instrument.id != "us-test-2015-report" for g in state.grounds)


def test_a_question_asked_only_of_the_state_is_not_asked_of_businesses(views):
    assert not _state(views, "US", 2016, "business", "oversight.government-bound").asked
    assert _state(views, "US", 2016, "state", "oversight.government-bound").state == "closed"


def test_changes_name_the_year_and_the_new_state(views):
    j = views.kb.jurisdictions["CN"]
    changes = [(year, after.question.id, before.state, after.state)
               for year, before, after in views.changes(j, views.kb.vocabularies["perspective"]["business"], 2012, 2016)]
    assert (2013, "consent.required", "open", "closed") in changes
    assert (2014, "registration.breach", "open", "sectoral") in changes
    assert (2016, "registration.prior", "open", "partly") in changes


def test_gaps_csv_has_one_row_per_jurisdiction_perspective_year_and_question(views):
    rows = list(csv.DictReader(io.StringIO(gaps_csv(views.kb, views, [2015, 2018]).decode("utf-8-sig"))))
    assert list(rows[0]) == ["jurisdiction", "perspective", "year", "question", "state", "closed_by", "not_counted", "caveats", "day"]
    asked = {p: len([q for q in views.kb.questions if not q.perspectives or p in q.perspectives])
             for p in ("business", "state")}
    assert len(rows) == len(views.kb.jurisdictions) * 2 * sum(asked.values())
    row = next(r for r in rows if (r["jurisdiction"], r["perspective"], r["year"], r["question"])
               == ("US", "business", "2018", "consent.defined"))
    assert row["state"] == "sectoral" and row["closed_by"] == "us-ca-test-2018-general#art-1"


def test_a_law_protecting_only_communications_is_sectoral_though_it_binds_everyone(views):
    state = _state(views, "US", 2016, "business", "consent.withdrawal")
    assert state.state == "sectoral"
    assert [(g.instrument.id, g.addressee.id) for g in state.grounds] == [("us-test-2016-wiretap", "electronic-information")]


def test_a_law_counts_from_its_operative_day_and_is_named_until_then(views):
    for year in (2019, 2020):
        state = _state(views, "US-CA", year, "business", "registration.breach")
        assert state.state == "open"
        assert [i.id for i in state.not_counted] == ["us-ca-test-2019-operative"]  # in force, not yet counted
    state = _state(views, "US-CA", 2021, "business", "registration.breach")
    assert state.state == "closed" and state.not_counted == ()
    assert _state(views, "US-CA", 2018, "business", "registration.breach").not_counted == ()  # not yet in force


def test_a_law_coded_on_a_later_wording_is_in_force_but_not_counted_before_it(views):
    cn = views.kb.jurisdictions["CN"]
    assert "cn-test-2014-amended" in [i.id for i in views.in_force(cn, "2015-12-31")]
    for year in (2015, 2017):
        state = _state(views, "CN", year, "business", "registration.public-notice")
        assert state.state == "open" and [i.id for i in state.not_counted] == ["cn-test-2014-amended"]
    assert _state(views, "CN", 2018, "business", "registration.public-notice").state == "closed"
    # A closed question cannot be understated, so it names nothing uncounted.
    assert _state(views, "CN", 2015, "business", "consent.required").not_counted == ()


def test_in_a_states_view_federal_law_binding_government_binds_only_federal_agencies(views):
    national = _state(views, "US", 2018, "state", "registration.prior")
    assert national.state == "closed"
    california = _state(views, "US-CA", 2018, "state", "registration.prior")
    assert california.state == "sectoral"
    [ground] = california.grounds
    assert ground.instrument.id == "us-test-2015-agencies" and ground.national_only.code == "US"
    # For a business, federal law binds businesses in California as anywhere.
    assert _state(views, "US-CA", 2018, "business", "consent.required").state == "sectoral"  # health only, as federally


def test_a_ground_cites_the_provisions_of_its_addressees_own_answer(views):
    business = _state(views, "CN", 2015, "business", "oversight.designated")
    assert business.state == "sectoral" and business.closed_by == ["cn-test-2015-split#art-1"]
    state = _state(views, "CN", 2015, "state", "oversight.designated")
    assert state.state == "closed" and state.closed_by == ["cn-test-2015-split#art-2"]


def test_an_answer_counts_from_its_own_operative_day(views):
    assert _state(views, "US-CA", 2019, "business", "oversight.designated").state == "closed"  # its own day
    assert _state(views, "US-CA", 2019, "business", "oversight.dedicated").state == "open"  # the Act's day: 2021
    assert _state(views, "US-CA", 2021, "business", "oversight.dedicated").state == "closed"


def test_a_law_amended_after_the_wording_we_coded_is_counted_with_a_caveat(views):
    before = _state(views, "CN", 2019, "business", "consent.required")
    assert before.state == "closed" and before.caveats == ()
    after = _state(views, "CN", 2020, "business", "consent.required")
    assert after.state == "closed"
    assert [(i.id, "with effect from 2020-06-01" in why) for i, why in after.caveats] == [("cn-test-2013-general", True)]


def test_an_instrument_of_unknown_status_is_flagged_today(views):
    edition = views.kb.edition
    j, p = views.kb.jurisdictions["CN"], views.kb.vocabularies["perspective"]["business"]
    today = next(s for s in views.at(j, edition, p) if s.question.id == "consent.required")
    assert any(i.id == "cn-test-2013-general" and "status today is unknown" in why for i, why in today.caveats)
    last_year = _state(views, "CN", int(edition[:4]) - 1, "business", "consent.required")
    assert not any("status today" in why for _, why in last_year.caveats)  # only today's view knows today's status


def test_the_editions_year_is_read_on_the_editions_day(views):
    edition = views.kb.edition
    assert views.day(int(edition[:4])) == edition
    assert views.day(int(edition[:4]) - 1) == f"{int(edition[:4]) - 1}-12-31"


def test_own_law_only_leaves_out_the_states_law(views):
    assert _state(views, "US", 2018, "business", "consent.defined").state == "sectoral"  # California's law
    assert _state(views, "US", 2018, "business", "consent.defined", own_law_only=True).state == "open"


CLAIMS = """source: {title: Test essay, author: Tester, year: "2015", url: "https://example.org/essay"}
claims:
  - id: consent-closed
    says: {en: A general law required consent.}
    where: first paragraph
    kind: state
    jurisdiction: CN
    year: "2013"
    perspectives: [business]
    questions: [consent.required]
    expects: [closed]
    note: {en: Read as the state of one question.}
  - id: the-law-requires-consent
    says: {en: The general law requires consent.}
    where: second paragraph
    kind: instrument
    jurisdiction: CN
    year: "2013"
    instrument: cn-test-2013-general
    answers: {consent.required: ["yes"]}
    note: {en: Read as the law's own answer.}
"""


def test_a_claims_verdict_follows_the_findings(gap_data, tmp_path):
    """Changing a finding changes the verdict: nobody types it."""
    import shutil

    data = tmp_path / "data"
    shutil.copytree(gap_data, data)
    (data / "claims.yaml").write_text(CLAIMS, encoding="utf-8")
    assert check(data) == [], "\n".join(p.format() for p in check(data))
    kb = load(data)
    verdicts = {c.id: ClaimCheck(kb, GapViews(kb)).verdict(c, int(c.year)).verdict for c in kb.claims}
    assert verdicts == {"consent-closed": "supported", "the-law-requires-consent": "supported"}
    path = data / "instruments" / "cn-test-2013-general.yaml"
    doc = parse_bytes(path.read_bytes(), str(path))[0].data
    doc["findings"]["consent.required"] = {"answer": "no", "cite": ["art-1"]}
    path.write_text(canonical(doc, "instruments", [q.id for q in kb.questions]), encoding="utf-8")
    kb = load(data)
    verdicts = {c.id: ClaimCheck(kb, GapViews(kb)).verdict(c, int(c.year)).verdict for c in kb.claims}
    assert verdicts == {"consent-closed": "not-supported", "the-law-requires-consent": "not-supported"}


def test_a_claim_with_nothing_to_check_has_no_verdict():
    from kb.claims import _verdict

    assert _verdict([]) == ""


def test_a_verdict_weighs_the_points():
    from kb.claims import AGREES, DISAGREES, IN_PART, Point, _verdict

    def points(*scores):
        return [Point(label="p", expected="e", found="f", score=s) for s in scores]

    assert _verdict(points(AGREES, AGREES)) == "supported"
    assert _verdict(points(AGREES, IN_PART)) == "partly-supported"
    assert _verdict(points(AGREES, DISAGREES)) == "partly-supported"  # as much for as against
    assert _verdict(points(AGREES, DISAGREES, DISAGREES)) == "not-supported"
    assert _verdict(points(IN_PART, IN_PART)) == "partly-supported"


def test_a_comparison_point_where_both_stand_equal_does_not_bear_the_claim_out(views):
    from kb.claims import DISAGREES
    from kb.model import Claim, Text

    claim = Claim(id="t", says=Text(en="t"), where="w", kind="comparison", jurisdiction=views.kb.jurisdictions["US"],
                  year="2016", fewer="state", than="business", note=Text(en="t"))
    verdict = ClaimCheck(views.kb, views).verdict(claim, 2016)
    equal = [p for p in verdict.points if p.states[0].state == p.states[1].state]
    assert equal and all(p.score == DISAGREES for p in equal)
