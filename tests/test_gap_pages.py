"""The gap views and the claims as a reader meets them: China and the US side by side on the home
page and on /gaps/, a year picker, and the claims' verdicts, in Chromium. How the states are
computed is tested on hand-made data in test_gaps.py."""

from __future__ import annotations

import pytest

from conftest import KB, SITE

LATEST = SITE.years()[-1]


def _grid_states(page, table) -> list[list[str]]:
    """The state of each cell of a side-by-side grid, row by row, as the reader's classes say."""
    return page.evaluate("""table => Array.from(table.querySelectorAll('tbody tr:not(.kb-group)')).map(row =>
        Array.from(row.querySelectorAll('td')).map(td => (td.className.match(/kb-state--(\\w+)/) || [])[1]))""",
                         table.element_handle())


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "gaps/"])
def test_china_and_the_us_today_side_by_side_for_a_business_and_for_the_state(page, site_url, path):
    page.goto(f"{site_url}/{path}")
    grid = page.locator("table.kb-side-gaps").first
    header = grid.locator("thead").inner_text()
    for perspective in SITE.gaps.perspectives:
        assert perspective.label.en in header
    top = [j for j in KB.jurisdictions.values() if not j.parent]
    for jurisdiction in top:
        assert jurisdiction.name.en in header
    expected = [[SITE.gaps.at(j, SITE.gaps.day(LATEST), p)[n].state or "na" for p in SITE.gaps.perspectives for j in top]
                for n in range(len(KB.questions))]
    assert _grid_states(page, grid) == expected
    assert grid.locator("tbody tr:not(.kb-group) td").first.is_visible()
    assert page.errors == []


@pytest.mark.browser
def test_every_grid_cell_link_lands_on_a_provision_or_a_row(page, site_url):
    page.goto(f"{site_url}/gaps/")
    hrefs = page.locator("table.kb-side-gaps a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs
    checked = set()
    for href in hrefs:
        target, _, anchor = href.partition("#")
        if (target, anchor) in checked or not anchor:
            continue
        checked.add((target, anchor))
        page.goto(href)
        assert page.locator(f'[id="{anchor}"]').count() == 1, href


@pytest.mark.browser
def test_the_home_page_year_picker_opens_that_year(page, site_url):
    page.goto(f"{site_url}/")
    picker = page.locator("form.kb-year-picker")
    assert picker.is_visible()
    year = SITE.years()[3]
    picker.locator("select").select_option(label=str(year))
    picker.locator("button").click()
    page.wait_for_url(f"**/gaps/{year}/")
    assert page.locator("h1").inner_text().rstrip("¶ \n").endswith(str(year))
    assert page.errors == []


@pytest.mark.browser
def test_the_claims_show_their_computed_verdicts_then_and_today(page, site_url):
    if not KB.claims:
        pytest.skip("no claims in this data")
    page.goto(f"{site_url}/claims/")
    labels = {t.id: t.label.en for t in KB.vocabularies["verdict"].terms.values()}
    for claim in KB.claims:
        verdicts = page.locator(f'[id="{claim.id}"] ~ p.kb-claim-verdicts').first.inner_text()
        then = SITE.claims.verdict(claim, int(claim.year)).verdict
        if claim.kind == "instrument":  # about the wording coded: one verdict
            assert labels[then] in verdicts and "Today" not in verdicts, (claim.id, verdicts)
            continue
        now = SITE.claims.verdict(claim, LATEST).verdict
        assert verdicts.index(labels[then]) < verdicts.index("Today") < verdicts.rindex(labels[now]), (claim.id, verdicts)
    assert page.errors == []
