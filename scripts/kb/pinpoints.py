"""Paragraphs (款) and items (项) of a provision: their ids, labels and words.

A record gives a provision either as ``text`` or as ``paragraphs``, each with its words and its
items. Every paragraph and item gets an id from its position (art-11-p1, art-11-p1-i2), which is
its anchor on the page and what a finding cites, and a label that pinpoints it the way lawyers
write it: Article 11(1)(ii) and 第十一条第一款第（二）项; a US subsection keeps its own mark, so
§ 552a + (b) + (3) reads § 552a(b)(3). The rules (kb.load.rules) and the model builder both read
the structure from here, so the ids a citation may use and the anchors the page has are the same.
"""

from __future__ import annotations

from collections.abc import Iterator

_DIGITS = "零一二三四五六七八九"
_ROMAN = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]


def chinese_number(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 40 -> 四十 (enough for paragraphs and items)."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")


def roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def joined(texts: list[dict]) -> dict[str, str]:
    """The words of several parts, one part per line, in each language all of them give."""
    languages = [lang for lang in ("zh", "en") if all(lang in t for t in texts)]
    return {lang: "\n".join(t[lang] for t in texts) for lang in languages}


def parts(provision: dict) -> Iterator[dict]:
    """Each paragraph and item of a provision record, outermost first, as
    {id, label_en, label_zh, marker, text, items (ids), depth, defines (term ids)}. Labels are the pinpoint only
    (e.g. "(1)(ii)" and "第一款第（二）项"; an article of one paragraph: "(1)(ii)" and "第（二）项", and the
    paragraph itself has no Chinese label of its own); the caller puts the article's label in front."""
    paragraphs = provision.get("paragraphs") or []
    for n, paragraph in enumerate(paragraphs, start=1):
        if not isinstance(paragraph, dict):
            continue
        pid = f"{provision.get('id')}-p{n}"
        p_en = paragraph.get("label") or f"({n})"
        # Chinese citation names the 款 only where the article has more than one (第六十一条第（一）项)
        p_zh = None if paragraph.get("label") else (f"第{chinese_number(n)}款" if len(paragraphs) > 1 else "")
        items = [i for i in paragraph.get("items") or [] if isinstance(i, dict)]
        own = {k: paragraph[k] for k in ("zh", "en") if isinstance(paragraph.get(k), str)}
        whole = joined([own, *items]) if items else own
        yield {"id": pid, "label_en": p_en, "label_zh": p_zh, "marker": paragraph.get("label"), "text": whole,
               "depth": 1, "items": [f"{pid}-i{m}" for m in range(1, len(items) + 1)], "lead": own,
               "defines": _terms(paragraph.get("defines"))}
        for m, item in enumerate(items, start=1):
            i_en = item.get("label") or f"({roman(m)})"
            i_zh = f"{p_zh}第（{chinese_number(m)}）项" if p_zh is not None and not item.get("label") else None
            yield {"id": f"{pid}-i{m}", "label_en": p_en + i_en, "label_zh": i_zh, "marker": item.get("label"),
                   "text": {k: item[k] for k in ("zh", "en") if isinstance(item.get(k), str)}, "depth": 2,
                   "items": [], "lead": None, "defines": _terms(item.get("defines"))}


def _terms(value) -> list[str]:
    """The term ids a part's ``defines`` lists (read defensively: the rules run on unchecked data)."""
    return [t for t in value if isinstance(t, str)] if isinstance(value, list) else []


def part_ids(provision: dict) -> list[str]:
    return [part["id"] for part in parts(provision)]


def provision_text(provision: dict) -> dict[str, str]:
    """The provision's words: its text, or all its paragraphs one per line."""
    if provision.get("text"):
        return dict(provision["text"])
    return joined([p["text"] for p in parts(provision) if p["depth"] == 1])
