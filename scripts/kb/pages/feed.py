"""The Atom feed of the dataset's editions, /feed.xml (RFC 4287): one entry per edition of
data/editions.yaml, newest first, with its date, summary and changes, linking that edition's entry
in the changelog (the page that publishes the anchor ``edition-<date>``, the Downloads page).

A file beside the pages rather than a page: ``files(site)`` hands it to the downloads
(kb.exports.files), so it is built with the site as kb.json is. ``head(site, page)`` gives every
page the ``<link rel="alternate">`` by which browsers and feed readers find it.

Identifiers and links. Atom wants an absolute, permanent IRI as each entry's ``atom:id``, and the
site has no ``site_url`` (every link is relative, so that it works from any host, and offline).
The ids therefore do not depend on where the site is published: they are name-based UUIDs
(``urn:uuid:``, RFC 4122 version 5) of the edition's date in this project's own namespace below,
the same on every build and every host, and never reused. (A ``tag:`` URI would need a domain or
e-mail address that the project owns, which it does not name.) Links may be relative in Atom:
they resolve against ``xml:base`` or, without it, against the feed's own address (RFC 4287 §2,
RFC 3986 §5.1). The feed sits at the root of the site, so ``downloads/#edition-…`` lands on the
changelog wherever the site is served; where mkdocs.yml sets ``site_url``, the feed also carries
it as ``xml:base`` so that readers which ignore the feed's own address get absolute links too.
"""

from __future__ import annotations

import uuid
from functools import partial

from markupsafe import escape

from . import Page

FEED = "feed.xml"
TEMPLATE = "feed.xml.j2"
# This project's namespace for the feed's ids (made once with uuid4; never change it).
NAMESPACE = uuid.UUID("0dd3db76-19d7-47f1-b7f5-1a513d009ba7")


def pages(site) -> list[Page]:
    return []  # the feed is a file of the site, not a page


def files(site) -> dict:
    return {FEED: partial(atom, site)}


def head(site, page: Page) -> str:
    from .site import relative

    title = escape(f"{site.options.site_name}: editions")
    return f'<link rel="alternate" type="application/atom+xml" title="{title}" href="{relative(page.path, FEED)}">\n'


def entry_id(edition: str) -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, f'edition/{edition}')}"


def feed_id() -> str:
    return f"urn:uuid:{uuid.uuid5(NAMESPACE, 'editions')}"


def _timestamp(day: str) -> str:
    return f"{day}T00:00:00Z"


def _changelog(site) -> str:
    """The page that shows the editions, found in the registry by the anchors it publishes."""
    newest = site.kb.edition
    for page in site.pages():
        if f"edition-{newest}" in page.anchors:
            return page.url
    return "downloads/"


def atom(site) -> bytes:
    kb = site.kb
    changelog = _changelog(site)
    base = site.options.site_url
    if base and not base.endswith("/"):
        base += "/"
    editions = [{"edition": e, "id": entry_id(e.edition), "updated": _timestamp(e.edition),
                 "link": f"{changelog}#edition-{e.edition}"} for e in reversed(kb.editions)]
    template = site.env.get_template(TEMPLATE)
    text = template.render(options=site.options, base=base, feed_id=feed_id(), self_link=FEED,
                           changelog=f"{changelog}#changelog", editions=editions,
                           updated=_timestamp(kb.edition) if kb.edition else "1970-01-01T00:00:00Z")
    return text.encode("utf-8")
