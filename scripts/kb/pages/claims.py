"""The source essay's claims, each checked against the findings, then and today."""

from __future__ import annotations

from . import Nav, Page


def pages(site):
    kb = site.kb
    if not kb.claims:
        return
    yield Page(path="claims/index.md", title="Claims checked", template="claims.html.j2", nav=Nav(45), hide=("navigation",),
               context={"latest": site.years()[-1], "all_years": site.years()}, anchors=tuple(c.id for c in kb.claims),
               shows=tuple(c.says.en for c in kb.claims))
