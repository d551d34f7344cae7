"""Chinese inside English text: each run of Chinese characters marked ``lang="zh-Hans"``.

Screen readers read a run in the language it is marked with, and the stylesheet
(docs/stylesheets/kb-cjk.css) gives ``:lang(zh)`` the CJK fonts and line height, so every Chinese
string on a page must be inside an element whose ``lang`` starts with ``zh``. A field that is all
Chinese (a title, a label's ``zh``) is wrapped whole by the ``zh`` and ``bilingual`` macros; English
prose that quotes Chinese (a note quoting 明示, a source titled 个人信息保护法 (LawRefBook/Laws), a
citation giving the title in characters) goes through :func:`zh_runs`, which wraps each run.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape

# Han ideographs (CJK Unified, Extension A, compatibility, Extensions B-F) and the punctuation
# written with them (CJK symbols and punctuation, full-width forms, the middle dot of names).
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef"
_CJK = _HAN + "\u3000-\u303f\uff00-\uffef\u00b7"
# A run starts and ends with a Chinese character or punctuation and may hold digits or Latin
# letters between them (第4条, 《个人信息保护法》), never a space: "个人信息保护法 (LawRefBook)" marks
# only the characters.
HAN = re.compile(f"[{_HAN}]")
RUN = re.compile(f"[{_CJK}]*[{_HAN}][{_CJK}]*(?:[0-9A-Za-z.\\-]+[{_CJK}]*[{_HAN}][{_CJK}]*)*")


def zh_runs(text) -> Markup:
    """``text`` escaped, each run of Chinese in it in ``<span lang="zh-Hans">``; text already
    marked up (Markup) is returned as it is."""
    if text is None:
        return Markup("")
    if isinstance(text, Markup):
        return text
    escaped = str(escape(text))  # escaping leaves Chinese characters as they are
    if not HAN.search(escaped):
        return Markup(escaped)
    return Markup(RUN.sub(lambda m: f'<span lang="zh-Hans">{m.group(0)}</span>', escaped))
