"""What each jurisdiction's binding law left open, year by year, and each instrument's own gaps."""

from __future__ import annotations

from .. import views
from . import Nav, Page


def gap_history(site, all_years: list[int]) -> list[dict]:
    history = []
    for jurisdiction in site.kb.jurisdictions.values():
        by_year = [site.as_of(jurisdiction, f"{y}-12-31") for y in all_years]
        rows = [{"question": q, "states": [year[n].state for year in by_year], "today": by_year[-1][n]}
                for n, q in enumerate(site.kb.questions)]
        history.append({"jurisdiction": jurisdiction, "rows": rows,
                        "changes": views.changes(site.as_of, jurisdiction, all_years[0], all_years[-1])})
    return history


def pages(site):
    all_years = site.years()
    yield Page(path="gaps/index.md", title="Gaps", template="gaps.html.j2", nav=Nav(40),
               hide=("navigation", "toc"), matrix=True,
               context={"history": lambda: gap_history(site, all_years), "all_years": all_years})
