"""One page per oversight body: powers, independence, its roles under the instruments."""

from __future__ import annotations

from . import Page


def pages(site):
    for body in site.kb.bodies:
        yield Page(path=f"bodies/{body.id}.md", title=body.label, template="body.html.j2", context={"body": body},
                   shows=(body.name.en,) + ((body.name.zh,) if body.name.zh else ()))
