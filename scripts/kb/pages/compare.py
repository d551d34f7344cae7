"""Every instrument against the questions of one dimension (consent, registration, oversight)."""

from __future__ import annotations

from . import Nav, Page


def pages(site):
    for n, dimension in enumerate(site.kb.dimensions):
        yield Page(path=f"compare/{dimension.id}.md", title=dimension.title.en, heading=f"Compare: {dimension.title.en}",
                   template="compare.html.j2", context={"dimension": dimension}, nav=Nav(31 + n, section="Compare"),
                   hide=("navigation", "toc"), matrix=True, anchors=tuple(q.anchor for q in dimension.questions),
                   shows=tuple(q.text.en for q in dimension.questions))
