"""One citable page per year: where each question stood at the end of it, for a business and
for the state, with every instrument and provision behind it."""

from __future__ import annotations

from . import Page


def pages(site):
    all_years = site.years()
    kb = site.kb
    for year in all_years:
        rows = tuple(f"{j.slug}-{p.id}-{q.anchor}" for j in kb.jurisdictions.values() for p in site.gaps.perspectives
                     for q in kb.questions if not q.perspectives or p.id in q.perspectives)
        day = site.gaps.day(year)  # the edition's year is read on the edition's day
        title = f"Gaps as of the end of {year}" if day.endswith("-12-31") else f"Gaps as of {day}"
        yield Page(path=f"gaps/{year}.md", title=title, template="gaps_year.html.j2",
                   hide=("navigation",), context={"year": year, "all_years": all_years},
                   anchors=tuple(j.slug for j in kb.jurisdictions.values()) + rows)
