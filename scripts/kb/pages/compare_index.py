"""Any two to four instruments side by side (the choice is kept in ?ids=).

The page starts with nothing chosen and offers suggested comparisons, derived from the data and
the site's configuration rather than named here: "China vs US today" (for each jurisdiction
without a parent, the binding instrument in force on the edition's day that leaves the fewest
gaps, with the instruments it amends) and "the 2015 picture" (the seed instruments of
mkdocs.yml's ``headline``). Without script the page shows the 2015 picture and says why.
"""

from __future__ import annotations

from ..gaps import in_force_on
from . import Nav, Page

MAX = 4  # instruments side by side


def today(kb, day: str) -> list:
    """Per top-level jurisdiction (its sub-jurisdictions included), the binding instrument in force
    on ``day`` with the fewest gaps (the latest on a tie), followed by the instruments it amends."""
    chosen: list = []
    for j in kb.jurisdictions.values():
        if j.parent:
            continue
        family = [i for i in kb.instruments if i.jurisdiction.code == j.code or i.jurisdiction.parent == j.code]
        binding = [i for i in family if i.legal_force.id == "binding" and in_force_on(i, day)]
        if not binding:
            continue
        best = min(binding, key=lambda i: (len(i.gaps()), -int(i.adopted[:4]), i.id))
        chosen.append(best)
    amended = [r.target for i in chosen for r in i.relations if r.type.id == "amends" and r.target not in chosen]
    return (chosen + amended)[:MAX] if len(chosen) >= 2 else []


def groups(kb) -> list[tuple[str, list]]:
    """The chooser's groups: a jurisdiction with sub-jurisdictions is its federal (national) law, a
    sub-jurisdiction is state law of its parent."""
    parents = {j.parent for j in kb.jurisdictions.values() if j.parent}
    named = []
    for j, instruments in kb.by_jurisdiction():
        if j.parent:
            parent = kb.jurisdictions[j.parent]
            label = f"{parent.name.en}: state law — {j.name.en.split(' (')[0]}"
        elif j.code in parents:
            label = f"{j.name.en}: federal law"
        else:
            label = j.name.en
        named.append((label, instruments))
    return named


def pages(site):
    kb = site.kb
    seeds = [kb.instrument(i) for i in site.options.headline] or kb.instruments[:3]
    day = site.options.edition or kb.edition
    seeds_title = f"The {max(int(i.adopted[:4]) for i in seeds)} picture"
    suggestions = [s for s in (
        ("China vs US today", f"the instruments of each jurisdiction in force on {day} that leave the fewest gaps",
         today(kb, day)),
        (seeds_title, "the instruments this knowledge base started from", seeds),
    ) if len(s[2]) >= 2]
    yield Page(path="compare/index.md", title="Compare", template="compare_index.html.j2",
               context={"default": seeds, "default_ids": [i.id for i in seeds], "chooser_limit": 80,
                        "suggestions": suggestions, "default_title": seeds_title, "groups": lambda: groups(kb), "max_ids": MAX},
               nav=Nav(30, section="Compare"), hide=("navigation", "toc"))
