"""Any two to four instruments side by side (the choice is kept in ?ids=)."""

from __future__ import annotations

from . import Nav, Page


def pages(site):
    kb = site.kb
    default = [kb.instrument(i) for i in site.options.headline] or kb.instruments[:3]
    yield Page(path="compare/index.md", title="Compare", template="compare_index.html.j2",
               context={"default": default, "default_ids": [i.id for i in default], "chooser_limit": 80},
               nav=Nav(30, section="Compare"), hide=("navigation", "toc"))
