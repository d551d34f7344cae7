"""The downloads (kb.exports), the dataset edition and the changelog."""

from __future__ import annotations

from ..exports.tables import FINDING_COLUMNS, GAP_COLUMNS, INSTRUMENT_COLUMNS, gap_row_count
from . import Nav, Page


def pages(site):
    yield Page(path="downloads/index.md", title="Downloads", template="downloads.html.j2", nav=Nav(90),
               context={"instrument_columns": INSTRUMENT_COLUMNS, "finding_columns": FINDING_COLUMNS,
                        "gap_columns": GAP_COLUMNS, "gap_rows": gap_row_count(site.kb, site.gaps, site.years())},
               shows=(f"Edition {site.kb.edition}",),
               # each edition's entry in the changelog: the feed (feed.xml) links them
               anchors=("changelog", *(f"edition-{e.edition}" for e in site.kb.editions)))
