"""Every field of a record, generated from the JSON Schemas so it can never disagree with them."""

from __future__ import annotations

from ..load.schema import filled_schemas
from ..reference import fields
from . import Nav, Page


def _tables(kb):
    terms = {name: [{"id": t} for t in v.terms] for name, v in kb.vocabularies.items()}
    terms["jurisdiction"] = [{"id": code} for code in kb.jurisdictions]
    schemas = filled_schemas(terms)
    return [
        ("Instrument records (data/instruments/<id>.yaml)", "instrument", fields("instrument", schemas)),
        ("Body records (data/bodies/<id>.yaml)", "body", fields("body", schemas)),
        ("The framework (data/framework.yaml)", "framework", fields("framework", schemas)),
    ]


def pages(site):
    yield Page(path="reference/index.md", title="Field reference", template="reference.html.j2",
               context={"tables": lambda: _tables(site.kb)}, nav=Nav(101, section="Contributing"),
               hide=("navigation",))
