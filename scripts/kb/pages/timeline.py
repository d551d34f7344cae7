"""The instruments of every jurisdiction on one time axis (an SVG drawn at build time) and as a list."""

from __future__ import annotations

from ..timeline import timeline_svg
from . import Nav, Page


def pages(site):
    yield Page(path="timeline/index.md", title="Timeline", template="timeline.html.j2",
               context={"svg": lambda: timeline_svg(site.kb, site.options.edition, relative_to="timeline/index.md"),
                        "list_limit": 300},
               nav=Nav(50), hide=("navigation", "toc"))
