"""Chinese text is marked as Chinese: every text node with Han characters on every page of the
built site (and in the rows a table loads from rows.json) is inside an element whose lang starts
with "zh", so screen readers read it as Chinese and kb-cjk.css gives it CJK fonts. The pages come
from the registry and the text from the pages themselves, so a contribution keeps this green."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest

from conftest import KB, PAGES
from kb.pages.lang import zh_runs

HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef]")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
# Not text a reader reads as prose: scripts and styles, the window title (which cannot hold markup;
# the page's h1 carries the same words, marked), templates, and code: literal input such as a YAML
# line in CONTRIBUTING's examples or the rule table, shown as typed.
SKIP = {"script", "style", "title", "template", "code", "pre", "kbd", "samp"}


class _Unmarked(HTMLParser):
    """Collects the text nodes with Han characters whose nearest lang is not Chinese."""

    def __init__(self, root_lang: str = ""):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = [("#root", root_lang)]
        self.skipping = 0
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        lang = dict(attrs).get("lang")
        self.stack.append((tag, self.stack[-1][1] if lang is None else lang))
        self.skipping += tag in SKIP

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        for n in range(len(self.stack) - 1, 0, -1):
            if self.stack[n][0] == tag:
                self.skipping -= sum(t in SKIP for t, _ in self.stack[n:])
                del self.stack[n:]
                break

    def handle_data(self, data):
        if self.skipping or not HAN.search(data):
            return
        if not self.stack[-1][1].lower().startswith("zh"):
            where = "/".join(t for t, _ in self.stack[-4:])
            self.found.append(f"<{where}> {data.strip()[:70]!r} (lang={self.stack[-1][1]!r})")


def unmarked(html: str, root_lang: str = "") -> list[str]:
    parser = _Unmarked(root_lang)
    parser.feed(html)
    parser.close()
    return parser.found


def _built(site, page) -> str:
    return (site / page.url / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.url or "home")
def test_every_chinese_string_on_the_page_is_marked_chinese(built_site, page):
    assert unmarked(_built(built_site, page)) == []


def test_rows_loaded_into_tables_mark_their_chinese_too(built_site):
    # a row is appended into a table of an English page, so it must carry its own lang
    for rows in built_site.rglob("rows.json"):
        if "pagefind" in rows.parts:
            continue
        for fragment in json.loads(rows.read_text(encoding="utf-8")):
            assert unmarked(fragment, "en") == [], rows


def test_the_check_sees_unmarked_chinese_and_zh_runs_marks_it():
    assert unmarked('<html lang="en"><p>Art. 11 (明示)</p></html>')
    assert unmarked('<html lang="en"><p lang="zh-Hans">明示</p><p title="明示">x</p><script>"明示"</script></html>') == []
    marked = str(zh_runs("Zhonghua Renmin Gongheguo (中华人民共和国个人信息保护法) <b> & 第4条"))
    assert marked == ('Zhonghua Renmin Gongheguo (<span lang="zh-Hans">中华人民共和国个人信息保护法</span>) '
                      '&lt;b&gt; &amp; <span lang="zh-Hans">第4条</span>')
    assert unmarked(f'<html lang="en"><p>{marked}</p></html>') == []


def _chinese_instrument():
    return next(i for i in KB.instruments if i.title.zh)


CJK_STACK = ['"PingFang SC"', '"Hiragino Sans GB"', '"Microsoft YaHei"', '"Noto Sans CJK SC"']


def _font_family(page, selector: str) -> list[str]:
    value = page.locator(selector).first.evaluate("e => getComputedStyle(e).fontFamily")
    return [part.strip() for part in value.split(",")]


@pytest.mark.browser
@pytest.mark.parametrize("width", [1280, 390])
def test_chinese_titles_get_the_cjk_fonts_and_fit_a_phone(browser, site_url, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        instrument = _chinese_instrument()
        page.goto(f"{site_url}/instruments/{instrument.id}/")
        assert _font_family(page, ".kb-title-zh")[:4] == CJK_STACK
        assert _font_family(page, "blockquote.kb-original")[:4] == CJK_STACK  # quoted provisions
        assert _font_family(page, "h1")[0] != CJK_STACK[0]  # English keeps its own fonts
        title = page.locator(".kb-title-zh").first
        assert title.evaluate("e => getComputedStyle(e).wordBreak") == "keep-all"
        line_height = title.evaluate("e => parseFloat(getComputedStyle(e).lineHeight) / parseFloat(getComputedStyle(e).fontSize)")
        assert line_height >= 1.6
        # the title and the quoted provisions wrap within the screen, however long they are
        for block in (title, *page.locator("blockquote.kb-original").all()):
            box = block.bounding_box()
            assert box["x"] + box["width"] <= width + 1
            assert block.evaluate("e => e.scrollWidth <= e.clientWidth + 1")
        page.goto(f"{site_url}/instruments/")
        name = page.locator(".kb-zh-name").first
        assert _font_family(page, ".kb-zh-name")[:4] == CJK_STACK
        assert name.evaluate("e => getComputedStyle(e).wordBreak") == "keep-all"
    finally:
        context.close()
