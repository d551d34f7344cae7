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


def _search(page, site_url, query):
    page.goto(f"{site_url}/")
    page.locator(".md-search__input").first.click()
    page.keyboard.type(query)  # Material searches on key events, as a reader types
    page.wait_for_selector(".md-search-result__item", timeout=10_000)
    documents = []  # the pages found, best first (each result also lists its matching sections)
    for href in (a.get_attribute("href") for a in page.locator(".md-search-result__item a").all()):
        document = href.split("?")[0].split("#")[0]
        if document not in documents:
            documents.append(document)
    return documents


def test_search_in_english_finds_the_instruments(page, site_url):
    hrefs = _search(page, site_url, "consent")
    assert any("instruments/" in h for h in hrefs)
    hrefs = _search(page, site_url, "punishments infringements consumer")
    assert any("instruments/cn-saic-2015-consumer-measures/" in h for h in hrefs[:5])
    assert page.errors == []


def test_search_in_chinese_finds_the_instruments(page, site_url):
    hrefs = _search(page, site_url, "同意")
    assert any("instruments/" in h for h in hrefs)
    hrefs = _search(page, site_url, "侵害消费者权益")
    assert any("instruments/cn-saic-2015-consumer-measures/" in h for h in hrefs[:5])
    hrefs = _search(page, site_url, "加强网络信息保护的决定")
    assert any("instruments/cn-npcsc-2012-network-information/" in h for h in hrefs[:5])
    assert page.errors == []


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


@pytest.mark.parametrize("path", ["compare/consent/", "compare/registration/", "compare/oversight/", "", "gaps/",
                                  f"gaps/{SITE.years()[0]}/", *(f"jurisdictions/{j.slug}/" for j in KB.jurisdictions.values())])
def test_tables_scroll_inside_their_box_on_a_phone(browser, site_url, path):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(f"{site_url}/{path}")
    page_width = page.evaluate("document.documentElement.scrollWidth")
    assert page_width <= 375, f"the page itself overflows: {page_width}px"
    wraps = page.locator(".kb-table-wrap")
    assert wraps.count() >= 1
    scrolling = wraps.evaluate_all("ws => ws.filter(e => e.scrollWidth > e.clientWidth).length")
    assert scrolling >= 1, "a wide table should scroll inside its container"
    context.close()
