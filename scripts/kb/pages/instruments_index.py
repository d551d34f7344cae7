"""The index of every instrument, sortable and filterable."""

from __future__ import annotations

from . import Nav, Page


def pages(site):
    yield Page(path="instruments/index.md", title="Instruments", template="instruments_index.html.j2",
               nav=Nav(20), hide=("navigation", "toc"), matrix=True, shows=tuple(i.title.en for i in site.kb.instruments[:5]))
