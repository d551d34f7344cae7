"""Machine-readable metadata in an instrument page's <head>.

Highwire Press ``citation_*`` tags (read by Google Scholar and most reference managers), Dublin
Core, the ``z.itemType`` hint with which Zotero files the page as a statute or a report rather
than guessing "journal article" from ``citation_title``, and schema.org JSON-LD (``Legislation``
or ``Report``) for search engines.
"""

from __future__ import annotations

import json

from markupsafe import escape

from ..citations import kind
from ..model import Instrument

_ZOTERO_TYPE = {"report": "report", "chinese": "statute", "us-statute": "statute", "us-regulation": "statute"}
_LEGAL_FORCE = {"in-force": "InForce", "amended": "InForce", "repealed": "NotInForce",
                "superseded": "NotInForce", "never-in-force": "NotInForce"}
_LANG = {"zh": "zh-CN", "en": "en-US"}


def _meta(name: str, content: str | None) -> str:
    return f'<meta name="{name}" content="{escape(content)}">' if content else ""


def _json_ld(document: dict) -> str:
    text = json.dumps(document, ensure_ascii=False, sort_keys=True)
    # "</script>" inside a string would end the script element early.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return f'<script type="application/ld+json">{text}</script>'


def head_tags(i: Instrument, site_url: str, site_name: str) -> str:
    page_url = f"{site_url.rstrip('/')}/instruments/{i.id}/" if site_url else ""
    author = i.citation.get("author") or i.issuer.en
    zotero_type = _ZOTERO_TYPE[kind(i)] if i.instrument_type.id != "normative-document" else "document"
    official = i.official_sources[0].url
    tags = [
        _meta("citation_title", i.title.en),
        _meta("citation_author", author),
        _meta("citation_date", i.adopted.replace("-", "/")),
        _meta("citation_publication_date", i.adopted.replace("-", "/")),
        _meta("citation_language", _LANG.get(i.language, i.language)),
        _meta("citation_public_url", page_url),
        '<link rel="schema.DC" href="http://purl.org/dc/elements/1.1/">',
        _meta("DC.title", i.title.en),
        _meta("DC.title.alternative", i.title.zh),
        _meta("DC.creator", author),
        _meta("DC.date", i.adopted),
        _meta("DC.type", zotero_type),
        _meta("DC.language", _LANG.get(i.language, i.language)),
        _meta("DC.coverage", i.jurisdiction.name.en),
        _meta("DC.identifier", official),
        _meta("DC.publisher", site_name),
        _meta("z.itemType", zotero_type),
    ]
    if zotero_type == "report":
        tags += [_meta("citation_technical_report_institution", author),
                 _meta("citation_technical_report_number", i.document_number)]
    if kind(i) == "report":
        document = {"@context": "https://schema.org", "@type": "Report", "name": i.title.en,
                    "author": {"@type": "Organization", "name": author}, "datePublished": i.adopted,
                    "inLanguage": _LANG.get(i.language, i.language), "sameAs": official,
                    "spatialCoverage": i.jurisdiction.name.en}
        if i.document_number:
            document["reportNumber"] = i.document_number
    else:
        document = {
            "@context": "https://schema.org", "@type": "Legislation", "name": i.title.en,
            "alternateName": [n for n in [i.title.zh, i.pinyin, *i.title.aliases, *i.title.abbreviations, *i.title.short_zh] if n],
            "legislationIdentifier": i.document_number or i.citation.get("public_law") or i.id,
            "legislationDate": i.adopted,
            "legislationDateVersion": i.coded_version or i.adopted,
            "legislationJurisdiction": i.jurisdiction.name.en,
            "legislationPassedBy": {"@type": "Organization", "name": author},
            "legislationType": i.instrument_type.label.en,
            "inLanguage": _LANG.get(i.language, i.language),
            "sameAs": official,
        }
        if i.effective:
            document["legislationDateOfApplicability"] = i.effective
        if i.status.id in _LEGAL_FORCE:
            document["legislationLegalForce"] = _LEGAL_FORCE[i.status.id]
    if page_url:
        document["url"] = page_url
    return "\n".join(t for t in tags if t) + "\n" + _json_ld(document) + "\n"
