"""Who oversees what: every oversight body, and the instruments with no overseer."""

from __future__ import annotations

from . import Nav, Page


def pages(site):
    yield Page(path="bodies/index.md", title="Bodies", heading="Oversight bodies", template="bodies_index.html.j2",
               nav=Nav(70), hide=("navigation",), shows=tuple(b.name.en for b in site.kb.bodies))
