"""One page per instrument: metadata, findings, the provisions they cite, sources, citations."""

from __future__ import annotations

from functools import partial

from . import Page
from .metadata import head_tags


def pages(site):
    kb = site.kb
    for i in kb.instruments:
        yield Page(
            path=f"instruments/{i.id}.md", title=i.title.en, template="instrument.html.j2", context={"i": i},
            hide=("navigation",),  # the left sidebar is empty here; the findings table takes its width
            anchors=tuple(p.id for p in i.provisions) + tuple(d.id for p in i.provisions for d in p.descendants())
            + tuple(q.anchor for q in kb.questions),
            shows=partial(_shows, i), head=partial(head_tags, i, site.options.site_url, site.options.site_name),
            # the page names the instruments it relates to, and those that relate to it
            depends=(i.id, *sorted({r.target.id for r in i.relations} | {r.subject.id for r in i.inverse_relations})),
        )


def _shows(i) -> tuple[str, ...]:
    """Its titles and every provision's words."""
    shows = [i.title.en, *(t for t in (i.title.zh, i.title.pinyin) if t)]
    shows += [" ".join(words.split()) for p in i.provisions for block in p.blocks() for words in block.values()]
    return tuple(shows)
