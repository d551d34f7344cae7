"""One citable page per year: what the binding instruments in force at the end of it answered."""

from __future__ import annotations

from .. import views
from . import Page


def year_view(site, year: int) -> list[dict]:
    day = f"{year}-12-31"
    return [{"jurisdiction": j, "answers": site.as_of(j, day),
             "in_force": [i for i in views.members(site.kb, j) if views.in_force_on(i, day)]}
            for j in site.kb.jurisdictions.values()]


def pages(site):
    all_years = site.years()
    for year in all_years:
        yield Page(path=f"gaps/{year}.md", title=f"Gaps as of the end of {year}", template="gaps_year.html.j2",
                   hide=("navigation",), context={"year": year, "all_years": all_years,
                                                  "views": lambda year=year: year_view(site, year)},
                   anchors=tuple(f"{j.slug}-{q.anchor}" for j in site.kb.jurisdictions.values() for q in site.kb.questions))
