"""The hand-written pages: docs/index.md, docs/method.md, docs/performance.md, and CONTRIBUTING.md
(the repository's own, also the site's /contributing/ page). Their ``<!-- kb:NAME -->`` lines are
filled in with generated fragments (templates/fragment_NAME.html.j2)."""

from __future__ import annotations

from . import Nav, Page


def pages(site):
    yield Page(path="index.md", title="Privacy law compared: China and the United States", nav=Nav(10, "Home"),
               shows=("How to cite",))
    yield Page(path="method.md", title="Method", nav=Nav(80, "Method"), shows=("What counts as a gap",))
    yield Page(path="contributing.md", title="Contributing", nav=Nav(100, "Contributing", "Contributing"),
               source="CONTRIBUTING.md", shows=("Validation messages",))
    yield Page(path="performance.md", title="Performance", nav=Nav(102, "Performance", "Contributing"))
