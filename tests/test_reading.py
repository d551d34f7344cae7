"""A reference people read: grids that stay legible at 1280 px, pages that fit a 390 px phone, pages
that print whole, the compare chooser, and no axe violations on content, in Debian's Chromium.

Every expectation is read from the data and the page registry (which questions a dimension has,
which instruments the knowledge base holds, which suggestions the chooser derives), never listed
by hand.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from urllib.parse import parse_qs, urlparse

import pytest

from conftest import KB, PAGES, SITE

pytestmark = pytest.mark.browser

DIMENSIONS = [d for d in KB.dimensions]
PHONE = {"width": 390, "height": 844}


def _squash(text: str) -> str:
    """Text as compared with a PDF's: letters and digits only (pdftotext joins words hyphenated at
    a line's end and may move punctuation around Chinese text)."""
    return re.sub(r"[\W_]+", "", text)


def _title_in(title: str, text: str, gap: int = 80) -> bool:
    """A title is in a PDF's text if its words are there in order: where a cell wraps, the text of
    the next cell in the same line may come between them."""
    words = [w for w in (_squash(w) for w in re.findall(r"[^\s\u2013\u2014-]+", title)) if w]
    return re.search(f".{{0,{gap}}}?".join(map(re.escape, words)), text, re.S) is not None


def _grid(page, site_url, dimension):
    page.goto(f"{site_url}/compare/{dimension.id}/")
    page.wait_for_load_state("networkidle")
    table = page.locator(f"#matrix-{dimension.id}")
    # Rows past the page's budget come from rows.json; wait until every instrument is there.
    page.wait_for_function("([id, n]) => document.querySelectorAll('#' + id + ' tbody tr').length === n",
                           arg=[f"matrix-{dimension.id}", len(KB.instruments)])
    return table


# --- 1. grids for reading ------------------------------------------------------------------------

@pytest.mark.parametrize("dimension", DIMENSIONS, ids=lambda d: d.id)
def test_every_question_and_instrument_is_readable_at_1280(page, site_url, dimension):
    table = _grid(page, site_url, dimension)
    wrap = page.locator(f".kb-grid-wrap:has(#matrix-{dimension.id})")
    box = wrap.bounding_box()
    # All questions side by side, no sideways scrolling needed.
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth + 1"), "the grid needs sideways scrolling at 1280 px"
    headers = table.locator("thead th")
    assert headers.count() == len(dimension.questions) + 2
    for q in dimension.questions:
        th = table.locator(f'thead th[id="{q.anchor}"]')
        assert th.inner_text().strip().startswith(q.short.en)
        cell = th.bounding_box()
        assert box["x"] - 1 <= cell["x"] and cell["x"] + cell["width"] <= box["x"] + box["width"] + 1
        assert cell["width"] >= 80, f"{q.short.en}: column too narrow to read ({cell['width']:.0f}px)"
    names = [t.strip() for t in table.locator("tbody th[scope=row] a").all_inner_texts()]
    assert sorted(names) == sorted(i.short_title for i in KB.instruments)


@pytest.mark.parametrize("dimension", DIMENSIONS, ids=lambda d: d.id)
def test_cells_are_compact_with_the_reasoning_on_demand(page, site_url, dimension):
    table = _grid(page, site_url, dimension)
    # The first instrument with reasoning for the first question, as the data says.
    q = dimension.questions[0]
    n, instrument = next((n, i) for n, i in enumerate(KB.instruments) if i.findings[q.id].summary)
    finding = instrument.findings[q.id]
    row = table.locator("tbody tr").filter(has=page.locator(f'th a[href$="/{instrument.id}/"]'))
    cell = row.locator("td").nth(1 + dimension.questions.index(q))
    term = KB.answer(finding.answer)
    assert term.label.en in cell.inner_text()
    for p in finding.cite:  # the pinpoint citation is in view, linked to the provision
        link = cell.locator(f'a.kb-cite[href$="{instrument.id}/#{p.id}"]')
        assert link.is_visible()
    details = cell.locator("details.kb-why")
    assert not details.evaluate("d => d.open")
    assert not cell.get_by_text(finding.summary.en[:40]).first.is_visible()
    summary = details.locator("summary")
    summary.focus()
    page.keyboard.press("Enter")
    assert details.evaluate("d => d.open")
    assert cell.get_by_text(finding.summary.en[:40]).first.is_visible()
    for p in finding.cite:
        assert cell.locator(f'a.kb-cite[href$="{instrument.id}/#{p.id}"]').is_visible()
    page.keyboard.press("Enter")
    assert not details.evaluate("d => d.open")


@pytest.mark.parametrize("dimension", DIMENSIONS, ids=lambda d: d.id)
def test_header_row_and_first_column_stay_in_view_when_scrolled(browser, site_url, dimension):
    # The narrowest window that still shows a grid (not cards): a grid with many questions scrolls
    # both ways inside its box, one with few only down.
    context = browser.new_context(viewport={"width": 730, "height": 700})
    page = context.new_page()
    _grid(page, site_url, dimension)
    wrap = page.locator(f".kb-grid-wrap:has(#matrix-{dimension.id})")
    wrap.scroll_into_view_if_needed()
    assert wrap.evaluate("w => w.scrollHeight > w.clientHeight"), "the grid should scroll down inside its box"
    if len(dimension.questions) >= 4:
        assert wrap.evaluate("w => w.scrollWidth > w.clientWidth"), "a wide grid should scroll sideways"
    wrap.evaluate("w => { w.scrollTop = w.scrollHeight; w.scrollLeft = w.scrollWidth; }")
    box = wrap.bounding_box()
    last_q = dimension.questions[-1]
    header = page.locator(f'#matrix-{dimension.id} thead th[id="{last_q.anchor}"]').bounding_box()
    assert abs(header["y"] - box["y"]) <= 2, "the header row scrolled out of view"
    rows = page.locator(f"#matrix-{dimension.id} tbody tr")
    last = rows.nth(rows.count() - 1).locator("th[scope=row]").bounding_box()
    assert abs(last["x"] - box["x"]) <= 2, "the first column scrolled out of view"
    corner = page.locator(f"#matrix-{dimension.id} thead th").first.bounding_box()
    assert abs(corner["x"] - box["x"]) <= 2 and abs(corner["y"] - box["y"]) <= 2
    context.close()


def test_sorting_and_filtering_still_work_on_a_grid(page, site_url):
    dimension = DIMENSIONS[0]
    q = dimension.questions[0]
    table = _grid(page, site_url, dimension)
    answers = {i.findings[q.id].answer for i in KB.instruments}
    wanted = sorted(answers)[0]
    page.select_option(f'form[data-table="matrix-{dimension.id}"] select[name=answers]', wanted)
    shown = table.locator("tbody tr:not([hidden])").count()
    assert shown == sum(1 for i in KB.instruments if wanted in {f.answer for f in
                                                                (i.findings[x.id] for x in dimension.questions)})
    page.select_option(f'form[data-table="matrix-{dimension.id}"] select[name=answers]', "")
    header = table.locator(f'thead th[id="{q.anchor}"]')
    header.click()
    assert header.get_attribute("aria-sort") in ("ascending", "descending")
    ranks = [int(v) for v in table.locator(f"tbody tr td:nth-child({3})").evaluate_all(
        "cells => cells.map(c => c.dataset.sort)")]
    assert ranks in (sorted(ranks), sorted(ranks, reverse=True))


# --- 2. phones -----------------------------------------------------------------------------------

def _one_of_each_type() -> list[str]:
    """One page of every page type the registry declares (by template), every hand-written page,
    and a chosen comparison."""
    seen, urls = set(), []
    for p in PAGES:
        key = p.template or p.path
        if key not in seen:
            seen.add(key)
            urls.append(p.url)
    pair = ",".join(i.id for i in KB.instruments[:2])
    return urls + [f"compare/?ids={pair}"]


@pytest.mark.parametrize("path", _one_of_each_type(), ids=lambda url: url or "home")
def test_no_page_is_wider_than_a_phone(browser, site_url, path):
    context = browser.new_context(viewport=PHONE, has_touch=True)
    page = context.new_page()
    page.goto(f"{site_url}/{path}")
    page.wait_for_load_state("networkidle")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"/{path} is {width}px wide on a {PHONE['width']}px phone"
    context.close()


@pytest.mark.parametrize("path", [f"instruments/{i.id}/" for i in KB.instruments])
def test_no_instrument_page_is_wider_than_a_phone(browser, site_url, path):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{site_url}/{path}")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


def test_grids_become_cards_on_a_phone(browser, site_url):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    for dimension in DIMENSIONS:
        table = _grid(page, site_url, dimension)
        head = table.locator("thead").bounding_box()
        assert head is None or head["height"] <= 1, "the header row shows above the cards"
        first = table.locator("tbody tr").first
        box = first.bounding_box()
        assert box["width"] <= PHONE["width"]
        # Each cell says which question it answers.
        labels = first.locator("td[data-label]").evaluate_all(
            "cells => cells.map(c => getComputedStyle(c, '::before').content.replace(/^\"|\"$/g, ''))")
        assert labels[1:] == [q.short.en for q in dimension.questions]
    context.close()


def test_the_findings_table_reads_on_a_phone(browser, site_url):
    """No "Artic/le 11", no question wrapped one word a line: the findings become cards."""
    instrument = next(i for i in KB.instruments if any(len(f.cite) for f in i.findings.values()))
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{site_url}/instruments/{instrument.id}/")
    for table in page.locator("table.kb-findings").all():
        question = table.locator("tbody th[scope=row]").first
        assert question.bounding_box()["width"] >= PHONE["width"] * 0.75
        for link in table.locator("a.kb-cite").all()[:20]:
            words = link.inner_text().split()
            # A word never breaks inside: each line holds whole words of the label.
            lines = link.evaluate("a => { const r = document.createRange(); r.selectNodeContents(a); "
                                  "return new Set([...r.getClientRects()].map(x => Math.round(x.top))).size; }")
            assert lines <= max(1, len(words))
            assert link.evaluate("a => getComputedStyle(a).wordBreak") != "break-all"
            assert link.evaluate("a => getComputedStyle(a).overflowWrap") not in ("anywhere", "break-word")
    context.close()


def test_the_instruments_index_uses_the_full_width(page, site_url):
    page.goto(f"{site_url}/instruments/")
    content = page.locator(".md-content").bounding_box()
    assert content["width"] >= 0.9 * (1280 - 2 * 40), f"squeezed to {content['width']:.0f}px"
    assert page.locator(".md-sidebar--primary").is_hidden()


def test_the_timeline_has_a_readable_phone_form(browser, site_url):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{site_url}/timeline/")
    items = page.locator("ol.kb-timeline-list li")
    assert items.count() == len(KB.instruments)
    sizes = items.evaluate_all("lis => lis.map(li => parseFloat(getComputedStyle(li).fontSize))")
    assert min(sizes) >= 12
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    context.close()


# --- 3. print ------------------------------------------------------------------------------------

PDFTOTEXT = shutil.which("pdftotext")


def _printed(page, tmp_path, name) -> str:
    page.emulate_media(media="print")
    target = tmp_path / f"{name}.pdf"
    page.pdf(path=str(target), prefer_css_page_size=True, print_background=True)
    return subprocess.run([PDFTOTEXT, "-enc", "UTF-8", str(target), "-"], capture_output=True, text=True,
                          check=True).stdout


@pytest.mark.skipif(not PDFTOTEXT, reason="pdftotext (poppler-utils) is not installed")
@pytest.mark.parametrize("dimension", DIMENSIONS, ids=lambda d: d.id)
def test_a_printed_grid_is_complete(page, site_url, tmp_path, dimension):
    _grid(page, site_url, dimension)
    text = _squash(_printed(page, tmp_path, dimension.id))
    for q in dimension.questions:
        assert _squash(q.short.en) in text, f"question {q.short.en!r} missing from the print"
    missing = [i.short_title for i in KB.instruments if not _title_in(i.short_title, text)]
    assert not missing, f"instruments missing from the print: {missing}"
    # The reasoning prints open: every summary and note of the first question is there.
    q = dimension.questions[0]
    for i in KB.instruments:
        f = i.findings[q.id]
        for said in (f.summary, f.note):
            if said:  # its longest run of Latin text (Chinese within it may come out elsewhere)
                latin = max(re.split(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+", said.en), key=len)
                # (the words, not their order: at a page break pdftotext may reorder the lines; split at
                # hyphens too, as _title_in does: where "Do-Not-E-Mail" breaks after a hyphen, the next
                # cell's text on the same line comes between its halves)
                words = [w for w in (_squash(w) for w in re.findall(r"[^\s\u2013\u2014-]+", latin)[:12])
                         if len(w) > 3]
                assert all(w in text for w in words), f"{i.id}: the reasoning is missing from the print"
    # The margin names the edition and the page's permalink.
    assert _squash(f"edition {SITE.options.edition or KB.edition}") in text
    assert _squash(f"/compare/{dimension.id}/") in text


@pytest.mark.skipif(not PDFTOTEXT, reason="pdftotext (poppler-utils) is not installed")
def test_print_repeats_headers_prints_landscape_and_hides_the_controls(page, site_url, tmp_path):
    dimension = DIMENSIONS[0]
    _grid(page, site_url, dimension)
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-tabs", "form.kb-filters", ".kb-copy", ".md-sidebar"):
        for el in page.locator(hidden).all():
            assert not el.is_visible(), f"{hidden} prints"
    assert page.locator(f"#matrix-{dimension.id} thead").evaluate("t => getComputedStyle(t).display") == "table-header-group"
    target = tmp_path / "grid.pdf"
    page.pdf(path=str(target), prefer_css_page_size=True)
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "2", str(target)], capture_output=True, text=True).stdout
    sizes = re.findall(r"size:\s+([\d.]+) x ([\d.]+)", info)
    assert sizes and all(float(w) > float(h) for w, h in sizes), "a grid prints landscape"
    pages = subprocess.run([PDFTOTEXT, "-f", "2", "-l", "2", str(target), "-"], capture_output=True, text=True).stdout
    assert _squash(dimension.questions[-1].short.en) in _squash(pages), "the header row is not repeated on page 2"


@pytest.mark.skipif(not PDFTOTEXT, reason="pdftotext (poppler-utils) is not installed")
def test_printed_instrument_page_shows_external_link_targets(page, site_url, tmp_path):
    instrument = KB.instruments[0]
    page.goto(f"{site_url}/instruments/{instrument.id}/")
    page.wait_for_load_state("networkidle")
    text = _squash(_printed(page, tmp_path, "instrument"))
    official = next(s.url for s in instrument.sources)
    assert _squash(official)[:60] in text


# --- 7. the compare chooser ----------------------------------------------------------------------

def _suggestions():
    from kb.pages import compare_index
    return compare_index.today(KB, SITE.options.edition or KB.edition), SITE.headline()


def _columns(page) -> list[str]:
    return [a.get_attribute("href").rstrip("/").split("/")[-1] for a in page.locator("#side-by-side thead th a").all()]


def test_the_chooser_starts_empty_and_offers_suggestions(page, site_url):
    today, seeds = _suggestions()
    jurisdictions = {i.jurisdiction.parent or i.jurisdiction.code for i in today}
    assert len(jurisdictions) >= 2, "today's suggestion compares jurisdictions"
    page.goto(f"{site_url}/compare/")
    page.wait_for_selector("form.kb-chooser:not([hidden])")
    assert page.locator("#side-by-side").is_hidden()
    assert page.locator("form.kb-chooser input:checked").count() == 0
    assert page.locator(".kb-compare-empty").is_visible()
    links = page.locator("a.kb-suggestion")
    offered = [link.get_attribute("data-ids").split(",") for link in links.all()]
    assert [i.id for i in today] in offered and [i.id for i in seeds] in offered
    links.first.click()
    assert _columns(page) == offered[0]
    assert parse_qs(urlparse(page.url).query)["ids"] == [",".join(offered[0])]
    page.click("button.kb-compare-clear")
    assert page.locator("#side-by-side").is_hidden()
    assert "ids" not in parse_qs(urlparse(page.url).query)
    assert page.errors == []


def test_the_chooser_groups_federal_and_state_law(page, site_url):
    page.goto(f"{site_url}/compare/")
    page.wait_for_selector("form.kb-chooser:not([hidden])")
    titles = page.locator("form.kb-chooser .kb-chooser-title").all_inner_texts()
    for j, members in KB.by_jurisdiction():
        group = page.locator("form.kb-chooser .kb-chooser-group").nth(list(KB.by_jurisdiction()).index((j, members)))
        assert sorted(group.locator("input").evaluate_all("bs => bs.map(b => b.value)")) == sorted(i.id for i in members)
        if j.parent:
            assert "state law" in titles[list(KB.by_jurisdiction()).index((j, members))]
        elif any(k.parent == j.code for k in KB.jurisdictions.values()):
            assert "federal law" in titles[list(KB.by_jurisdiction()).index((j, members))]


def test_the_chooser_works_from_the_address_alone(page, site_url):
    today, _ = _suggestions()
    ids = [i.id for i in today][:2]
    page.goto(f"{site_url}/compare/?ids={','.join(ids)}")
    page.wait_for_selector("form.kb-chooser:not([hidden])")
    assert _columns(page) == ids
    # The plain form's address (?ids=a&ids=b) is read the same way.
    page.goto(f"{site_url}/compare/?" + "&".join(f"ids={i}" for i in ids))
    page.wait_for_selector("form.kb-chooser:not([hidden])")
    assert _columns(page) == ids


def test_without_script_the_chooser_says_so_and_offers_a_plain_form(browser, site_url):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{site_url}/compare/?ids={KB.instruments[0].id},{KB.instruments[1].id}")
    note = page.locator(".kb-noscript")
    assert note.is_visible()
    assert "JavaScript is off" in note.inner_text()
    form = note.locator("form")
    assert form.get_attribute("method") == "get"
    assert form.locator("input[name=ids]").count() == len(KB.instruments)
    assert form.locator("button[type=submit]").is_visible()
    context.close()


# --- axe (WCAG 2.1 AA) on content ----------------------------------------------------------------

AXE_PAGES = ["compare/", f"compare/?ids={','.join(i.id for i in KB.instruments[:3])}", "timeline/", "instruments/",
             f"instruments/{KB.instruments[0].id}/", *(f"compare/{d.id}/" for d in DIMENSIONS)]


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("path", AXE_PAGES, ids=lambda url: url or "home")
def test_no_axe_violations_on_content(browser, site_url, path, width):
    from axe_playwright_python.sync_playwright import Axe

    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(f"{site_url}/{path}")
    page.wait_for_load_state("networkidle")
    if path.startswith("compare/?"):
        page.wait_for_selector("form.kb-chooser:not([hidden])")
    page.locator("details.kb-why").evaluate_all("ds => ds.slice(0, 20).forEach(d => d.open = true)")
    results = Axe().run(page, context={"include": [[".md-content"]]},
                        options={"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}})
    violations = results.response["violations"]
    assert not violations, "\n".join(f"{v['id']}: {v['help']} ({len(v['nodes'])}) e.g. {v['nodes'][0]['html'][:160]}"
                                     for v in violations)
    context.close()


@pytest.mark.browser
def test_the_gap_tables_become_cards_on_a_phone(browser, site_url):
    """China and the US side by side (home page): one card per question, each cell labelled with
    its jurisdiction and perspective, no header row above the cards."""
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(f"{site_url}/")
    table = page.locator("table.kb-side-gaps").first
    head = table.locator("thead").bounding_box()
    assert head is None or head["height"] <= 1, "the header row shows above the cards"
    row = table.locator("tbody tr:not(.kb-group)").first
    assert row.bounding_box()["width"] <= PHONE["width"]
    labels = row.locator("td[data-label]").evaluate_all(
        "cells => cells.map(c => getComputedStyle(c, '::before').content.replace(/^\"|\"$/g, ''))")
    top = [j for j in KB.jurisdictions.values() if not j.parent]
    assert len(labels) == len(top) * len(SITE.gaps.perspectives) and all(any(j.name.en.split(" (")[0] in label for j in top) for label in labels)
    context.close()
