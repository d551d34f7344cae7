"""Compare anything: the side-by-side chooser with a shareable address, and sorting and filtering
of every matrix, in Chromium."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import HEADLINE, KB, ROOT, SITE

pytestmark = pytest.mark.browser
SEEDS = list(HEADLINE)


def _ids(page) -> list[str]:
    return parse_qs(urlparse(page.url).query).get("ids", [""])[0].split(",")


def _columns(page) -> list[str]:
    return [a.get_attribute("href").rstrip("/").split("/")[-1]
            for a in page.locator("#side-by-side thead th a").all()]


def test_without_script_the_page_shows_the_seed_comparison(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/compare/")
    assert _columns(page) == SEEDS
    assert page.locator("#side-by-side tbody tr:not(.kb-group)").count() == len(KB.questions)
    assert page.locator("form.kb-chooser").is_hidden()
    context.close()


def test_choosing_instruments_updates_the_table_and_the_address(page, site_url):
    added, fifth, refused = [i for i in KB.instruments if i.id not in SEEDS][:3]  # any three others
    page.goto(f"{site_url}/compare/?ids={','.join(SEEDS)}")  # the page starts empty; begin from the seeds
    page.wait_for_selector("form.kb-chooser:not([hidden])")
    assert _columns(page) == SEEDS
    page.check(f'input[value="{added.id}"]')
    assert _ids(page) == SEEDS + [added.id]
    assert _columns(page) == SEEDS + [added.id]
    page.uncheck(f'input[value="{SEEDS[-1]}"]')
    chosen = SEEDS[:-1] + [added.id]
    assert _ids(page) == chosen
    # A fifth choice is refused with a message, not silently dropped.
    page.check(f'input[value="{fifth.id}"]')
    page.click(f'input[value="{refused.id}"]')  # refused: the box stays unticked
    assert "At most 4 instruments" in page.locator(".kb-compare-message").inner_text()
    assert len(_ids(page)) == 4
    assert not page.locator(f'input[value="{refused.id}"]').is_checked()
    # Reloading the address shows the same comparison; cells link to the provisions they cite.
    page.reload()
    page.wait_for_selector("form.kb-chooser:not([hidden])")
    assert _columns(page) == chosen + [fifth.id]
    cited = next(p for f in added.findings.values() for p in f.cite)
    link = page.locator(f'#side-by-side a.kb-cite[href$="{added.id}/#{cited.id}"]').first
    assert link.count() == 1
    assert page.errors == []


@pytest.mark.parametrize("ids, message, shown", [
    ("cn-saic-2015-consumer-measures,nope-1,us-eop-2014-big-data-report", "Unknown instrument id: nope-1",
     ["cn-saic-2015-consumer-measures", "us-eop-2014-big-data-report"]),
    (",".join(i.id for i in KB.instruments[:6]), "At most 4 instruments", [i.id for i in KB.instruments[:4]]),
    ("only-unknown", "Unknown instrument id: only-unknown", []),
    ("cn-saic-2015-consumer-measures", "Choose at least one more", ["cn-saic-2015-consumer-measures"]),
])
def test_shared_links_with_bad_ids_explain_themselves(page, site_url, ids, message, shown):
    page.goto(f"{site_url}/compare/?ids={ids}")
    page.wait_for_selector("form.kb-chooser:not([hidden])")
    assert message in page.locator(".kb-compare-message").inner_text()
    assert _columns(page) == shown
    assert page.locator("#side-by-side tbody td").count() == len(shown) * len(KB.questions)
    assert page.errors == []


def test_the_comparison_downloads_as_csv_with_citations(page, site_url):
    page.goto(f"{site_url}/compare/?ids=cn-saic-2015-consumer-measures,us-eop-2014-big-data-report")
    page.wait_for_selector("form.kb-chooser:not([hidden])")
    with page.expect_download() as download:
        page.click("button.kb-download-csv")
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == 2 * len(KB.questions)
    saic = KB.instrument("cn-saic-2015-consumer-measures")
    finding = saic.findings["consent.required"]
    row = next(r for r in rows if r["instrument_id"] == saic.id and r["question_id"] == "consent.required")
    assert row["answer"] == finding.answer and row["cite"] == "; ".join(p.label.en for p in finding.cite)
    if finding.cite:
        first = finding.cite[0]
        assert first.text["zh"] in row["quote_original"]
        assert row["citation"].startswith(SITE.citer.cite(saic, first)["bluebook"])
        assert row["page"].endswith(f"/instruments/{saic.id}/#{first.id}")


def test_the_compare_page_fits_a_phone(browser, site_url):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{site_url}/compare/?ids=cn-saic-2015-consumer-measures,us-eop-2014-big-data-report,cn-npc-2020-civil-code")
    page.wait_for_selector("form.kb-chooser:not([hidden])")
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    context.close()


def _first_column(page, table: str) -> list[str]:
    return [t.strip() for t in page.locator(f"#{table} tbody tr:not([hidden]) th").all_inner_texts()]


def test_sorting_by_a_column_with_the_keyboard_sets_aria_sort(page, site_url):
    page.goto(f"{site_url}/instruments/")
    header = page.locator("#instrument-index thead th", has_text="Adopted")
    header.focus()
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") in ("ascending", "descending")
    first = header.get_attribute("aria-sort")
    dates = [t for t in page.locator("#instrument-index tbody td:nth-child(7)").all_inner_texts()]
    assert dates == sorted(dates, reverse=(first == "descending"))
    page.keyboard.press("Enter")
    assert header.get_attribute("aria-sort") != first
    dates = [t for t in page.locator("#instrument-index tbody td:nth-child(7)").all_inner_texts()]
    assert dates == sorted(dates, reverse=(first != "descending"))


def test_chinese_titles_sort_by_pinyin(page, site_url):
    page.goto(f"{site_url}/instruments/")
    header = page.locator("#instrument-index thead th", has_text="Chinese title")
    header.click()
    if header.get_attribute("aria-sort") == "descending":
        header.click()
    titles = [t for t in page.locator("#instrument-index tbody td:nth-child(2)").all_inner_texts() if t.strip()]
    from kb.citations import romanize
    by_title = {i.title.zh: romanize(i.title.pinyin).lower() for i in KB.instruments if i.title.zh}
    keys = [by_title[t.strip()] for t in titles]
    assert keys == sorted(keys)


def test_filters_narrow_every_matrix(page, site_url):
    page.goto(f"{site_url}/compare/consent/")
    form = page.locator('form.kb-filters[data-table="matrix-consent"]')
    assert form.is_visible()
    form.locator('select[name="jurisdiction"]').select_option("CN")
    shown = page.locator("#matrix-consent tbody tr:not([hidden])").count()
    assert shown == sum(1 for i in KB.instruments if i.jurisdiction.code == "CN")
    form.locator('select[name="force"]').select_option("non-binding")
    assert page.locator("#matrix-consent tbody tr:not([hidden])").count() == sum(
        1 for i in KB.instruments if i.jurisdiction.code == "CN" and i.legal_force.id == "non-binding")
    form.locator('select[name="force"]').select_option("")
    form.locator('select[name="answers"]').select_option("yes")
    expected = sum(1 for i in KB.instruments if i.jurisdiction.code == "CN"
                   and any(i.findings[q.id].answer == "yes" for q in KB.questions if q.dimension_id == "consent"))
    assert page.locator("#matrix-consent tbody tr:not([hidden])").count() == expected
    assert f"{expected} of {len(KB.instruments)} rows shown" in form.locator("output").inner_text()
    # The gap views filter by state.
    page.goto(f"{site_url}/gaps/2015/")
    state = page.locator('form.kb-filters[data-table="year-cn-business"] select[name="states"]')
    state.select_option("open")
    rows = page.locator("#year-cn-business tbody tr:not([hidden])")
    assert rows.count() >= 1
    assert all("kb-state--open" in (c or "") for c in [r.locator("td").first.get_attribute("class") for r in rows.all()])
    assert page.errors == []


def test_the_vendored_sorting_library_is_the_pinned_npm_package():
    vendored = ROOT / "docs" / "javascripts" / "vendor" / "tablesort"
    package = ROOT / "node_modules" / "tablesort" / "dist"
    assert (vendored / "tablesort.min.js").read_bytes() == (package / "tablesort.min.js").read_bytes()
    assert (vendored / "tablesort.number.min.js").read_bytes() == (package / "sorts" / "tablesort.number.min.js").read_bytes()
