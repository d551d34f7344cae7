"""One page per jurisdiction: where its law stands today, its instruments and its bodies."""

from __future__ import annotations

from . import Nav, Page


def pages(site):
    kb = site.kb
    latest = site.years()[-1]
    for n, j in enumerate(kb.jurisdictions.values()):
        own = [i for i in kb.instruments if i.jurisdiction.code == j.code]
        # In the navigation a state is named without the country in brackets: "California".
        yield Page(path=f"jurisdictions/{j.slug}.md", title=j.name.en.split(" (")[0], heading=j.name.en,
                   template="jurisdiction.html.j2", nav=Nav(60 + n, section="Jurisdictions"), matrix=True,
                   context={"j": j, "own": own, "latest_year": latest, "all_years": site.years()},
                   anchors=("today", "instruments", "bodies", "oversight-by-year"))
