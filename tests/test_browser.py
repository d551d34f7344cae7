"""What a reader sees, in Debian's Chromium driven headless by Playwright."""

from __future__ import annotations

import pytest

from conftest import KB, PAGES, SITE

pytestmark = pytest.mark.browser

@pytest.mark.parametrize("path", [p.url for p in PAGES], ids=lambda url: url or "home")
def test_page_loads_without_errors_or_foreign_requests(page, site_url, path):
    response = page.goto(f"{site_url}/{path}")
    assert response.ok
    page.wait_for_load_state("networkidle")
    assert page.errors == []
    assert page.foreign == []
    assert page.locator("h1").count() == 1


def _search(page, site_url, query, *, home=True):
    """Type a query into the header's search box, as a reader does (press /, type); the result
    pages, best first. Expectations come from the records, so a correct edit never breaks them."""
    if home:
        page.goto(f"{site_url}/")
    box = page.locator(".kb-search__input")
    if box.is_visible():
        box.fill("")
        page.keyboard.press("Escape")  # closes the box and leaves it: "/" opens it again
    page.keyboard.press("/")  # the shortcut opens (and focuses) the box from anywhere on the page
    page.keyboard.type(query)
    page.wait_for_function(
        "q => document.querySelector('.kb-search__results').getAttribute('data-query') === q", arg=query,
        timeout=10_000)
    return [a.get_attribute("href") for a in page.locator(".kb-search__result").all()]


def _own(instrument) -> str:
    return f"/instruments/{instrument.id}/"


def _names(instrument) -> list[str]:
    """Every name a reader may know the instrument by, as its record gives them."""
    title = instrument.title
    return [n for n in (title.en, title.zh, instrument.short_title, *title.abbreviations, *title.short_zh,
                        *title.aliases) if n]


def _key(name: str) -> str:  # as the validator's KB052 and the search box compare names
    import re
    import unicodedata
    return re.sub(r"[\s.§]+", "", unicodedata.normalize("NFKC", name)).casefold()


def test_search_puts_an_instruments_own_page_first_for_every_name_it_goes_by(page, site_url):
    """Title, short title, aliases, abbreviations and Chinese short names, in both languages, as
    the records give them (title.abbreviations, title.short_zh); a name two instruments share
    cannot name either, and is skipped."""
    claimed: dict[str, set[str]] = {}
    for instrument in KB.instruments:
        for name in _names(instrument):
            claimed.setdefault(_key(name), set()).add(instrument.id)
    page.goto(f"{site_url}/")
    asked, wrong = 0, []
    for instrument in KB.instruments:
        for name in dict.fromkeys(_names(instrument)):
            if len(claimed[_key(name)]) > 1:
                continue
            hrefs = _search(page, site_url, name, home=False)
            asked += 1
            if not hrefs or hrefs[0] != _own(instrument):
                wrong.append(f"{name!r}: expected {_own(instrument)}, got {hrefs[:3]}")
            page.keyboard.press("Escape")
    assert asked >= 2 * len(KB.instruments)
    assert any(i.title.abbreviations for i in KB.instruments) and any(i.title.short_zh for i in KB.instruments)
    assert wrong == []
    assert page.errors == [] and page.foreign == []


def test_search_in_english_and_chinese_finds_the_words_of_the_law(page, site_url):
    hrefs = _search(page, site_url, "consent")
    assert any("/instruments/" in h for h in hrefs)
    hrefs = _search(page, site_url, "同意")
    assert any("/instruments/" in h for h in hrefs)
    # Words quoted in a provision (not in any title) find the instrument that has them.
    chinese = next(i for i in KB.instruments if i.language == "zh" and i.provisions[0].text.get("zh"))
    phrase = chinese.provisions[0].text["zh"].split("，")[0].split("。")[0][:12]
    assert _own(chinese) in _search(page, site_url, phrase)
    assert page.errors == [] and page.foreign == []


def test_results_show_title_jurisdiction_and_year_and_can_be_narrowed(page, site_url):
    instrument = next(i for i in KB.instruments if i.title.abbreviations)
    _search(page, site_url, instrument.title.abbreviations[0])
    first = page.locator(".kb-search__result").first
    assert first.locator(".kb-search__title").inner_text() == instrument.title.en
    meta = first.locator(".kb-search__meta").inner_text()
    assert instrument.jurisdiction.name.en in meta and instrument.adopted[:4] in meta
    # Narrow "consent" to one jurisdiction, then to one type: every result shown is of it.
    _search(page, site_url, "consent")
    page.select_option('.kb-search__filter[data-filter="jurisdiction"]', label=None,
                       value=instrument.jurisdiction.name.en)
    page.wait_for_timeout(300)
    shown = [m.inner_text() for m in page.locator(".kb-search__result .kb-search__meta").all()]
    assert shown and all(m.startswith(instrument.jurisdiction.name.en) for m in shown)
    page.select_option('.kb-search__filter[data-filter="jurisdiction"]', value="")
    page.select_option('.kb-search__filter[data-filter="type"]', value=instrument.instrument_type.label.en)
    page.wait_for_timeout(300)
    shown = [m.inner_text() for m in page.locator(".kb-search__result .kb-search__meta").all()]
    assert shown and all(m.endswith(instrument.instrument_type.label.en) for m in shown)
    assert page.errors == [] and page.foreign == []


def test_search_works_by_keyboard(page, site_url):
    instrument = next(i for i in KB.instruments if i.title.abbreviations)
    hrefs = _search(page, site_url, instrument.title.abbreviations[0])
    page.keyboard.press("ArrowDown")  # from the box to the first result
    assert page.evaluate("document.activeElement.getAttribute('href')") == hrefs[0]
    if len(hrefs) > 1:
        page.keyboard.press("ArrowDown")
        assert page.evaluate("document.activeElement.getAttribute('href')") == hrefs[1]
        page.keyboard.press("ArrowUp")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{_own(instrument)}")
    assert page.locator("h1").inner_text().startswith(instrument.title.en[:20])
    _search(page, site_url, instrument.title.abbreviations[0], home=False)
    page.keyboard.press("Escape")
    assert page.locator(".kb-search__panel").is_hidden()
    assert page.errors == []


def test_search_on_a_phone(browser, site_url):
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    instrument = next(i for i in KB.instruments if i.title.short_zh)
    page.goto(f"{site_url}/")
    assert page.locator(".kb-search__input").is_hidden()  # behind the magnifier until asked
    page.locator(".kb-search-open").tap()
    box = page.locator(".kb-search__input")
    assert box.is_visible() and box.bounding_box()["width"] > 300
    box.type(instrument.title.short_zh[0])
    page.wait_for_selector(".kb-search__result")
    first = page.locator(".kb-search__result").first
    assert first.get_attribute("href") == _own(instrument)
    frame = first.bounding_box()
    assert frame["x"] >= 0 and frame["x"] + frame["width"] <= 390
    first.tap()
    page.wait_for_url(f"**{_own(instrument)}")
    context.close()


def test_a_cell_link_lands_on_the_quoted_provision(page, site_url):
    # The first Chinese instrument citing a provision on whether consent is required, as the data says.
    instrument = next(i for i in KB.instruments if i.language == "zh" and i.findings["consent.required"].cite)
    provision = instrument.findings["consent.required"].cite[0]
    page.goto(f"{site_url}/compare/consent/")
    page.locator(f'a[href$="{instrument.id}/#{provision.id}"]').first.click()
    page.wait_for_url(f"**/instruments/{instrument.id}/#{provision.id}")
    assert page.locator(f'[id="{provision.id}"]').is_visible()
    quoted = page.locator(f'[id="{provision.id}"] ~ .kb-provision').first.inner_text()
    assert provision.text["zh"][:12] in quoted


# The dimension grids (/compare/<dimension>/) become cards on a phone instead: tests/test_reading.py.
@pytest.mark.parametrize("path", ["", "gaps/",
                                  f"gaps/{SITE.years()[0]}/", *(f"jurisdictions/{j.slug}/" for j in KB.jurisdictions.values())])
def test_tables_scroll_inside_their_box_on_a_phone(browser, site_url, path):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{site_url}/{path}")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 375, f"the page itself overflows: {page_width}px"
    wraps = page.locator(".kb-table-wrap")
    assert wraps.count() >= 1
    boxes = wraps.evaluate_all("""ws => ws.map(w => ({
        wide: w.scrollWidth > w.clientWidth, overflow: getComputedStyle(w).overflowX,
        years: !!w.querySelector('table.kb-years')}))""")
    # every table wider than its box scrolls inside it (the page itself does not: checked above) ...
    assert all(b["overflow"] in ("auto", "scroll") for b in boxes if b["wide"]), boxes
    # ... and a table of questions by years never fits a phone, so where the page has one, it scrolls
    if any(b["years"] for b in boxes):
        assert any(b["wide"] for b in boxes if b["years"]), "a wide table should scroll inside its container"
    context.close()
