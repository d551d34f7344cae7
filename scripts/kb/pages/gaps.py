"""The gaps: China and the US side by side today, for a business and for the state, each
jurisdiction year by year, when it changed, and each instrument's own gaps."""

from __future__ import annotations

from . import Nav, Page


def pages(site):
    yield Page(path="gaps/index.md", title="Gaps", template="gaps.html.j2", nav=Nav(40), hide=("navigation", "toc"),
               matrix=True, context={"all_years": site.years()},
               anchors=("today",) + tuple(j.slug for j in site.kb.jurisdictions.values()),
               shows=tuple(p.label.en for p in site.gaps.perspectives))
