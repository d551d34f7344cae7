"""The rulebook: the JSON Schemas in schema/, with vocabularies filled in from the data.

Fields that take a term from a closed list say so with ``"x-vocabulary": "<name>"``; the terms
themselves live in data/vocabularies.yaml (and jurisdiction codes in data/jurisdictions.yaml),
so a term is added in one place and the schema, the validator and the docs all follow.
"""

from __future__ import annotations

import copy
import difflib
import json
from functools import cache
from pathlib import Path

import fastjsonschema
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from .problems import Problem
from .yamlsafe import Document

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schema"
SCHEMA_BASE = "https://privacy-law-kb.invalid/schema/"
SCHEMA_NAMES = ("common", "instrument", "body", "framework", "jurisdictions", "vocabularies", "editions", "claims")

Terms = dict[str, list[dict]]  # vocabulary name -> its terms as written in vocabularies.yaml (id first)


@cache
def raw_schema(name: str) -> dict:
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def _fill_vocabularies(node, terms: Terms):
    """``x-vocabulary: name`` becomes an enum of that vocabulary's terms; with
    ``x-terms-requiring: field`` only the terms whose ``requires`` lists that field (so that
    "yes, no and partial must cite" is said once, by the answer terms themselves)."""
    if isinstance(node, dict):
        out = {key: _fill_vocabularies(value, terms) for key, value in node.items()}
        vocabulary = node.get("x-vocabulary")
        if vocabulary is not None:
            wanted = node.get("x-terms-requiring")
            out["enum"] = [t["id"] for t in terms.get(vocabulary, [])
                           if wanted is None or wanted in (t.get("requires") or [])]
        return out
    if isinstance(node, list):
        return [_fill_vocabularies(item, terms) for item in node]
    return node


def filled_schemas(terms: Terms) -> dict[str, dict]:
    """Every schema with its vocabulary fields turned into enums. Also what the site publishes."""
    return {name: _fill_vocabularies(copy.deepcopy(raw_schema(name)), terms) for name in SCHEMA_NAMES}


def resolve_ref(node: dict, schemas: dict[str, dict], current: str) -> tuple[dict, str]:
    """Follow $ref chains (within a schema or into common.schema.json); the referrer's own keys
    (a description, say) win over the target's. Returns the node and the schema it lives in."""
    while isinstance(node, dict) and "$ref" in node:
        target, _, pointer = node["$ref"].partition("#")
        name = target.removesuffix(".schema.json") if target else current
        resolved = schemas[name]
        for part in pointer.strip("/").split("/"):
            if part:
                resolved = resolved[part]
        node, current = {**resolved, **{k: v for k, v in node.items() if k != "$ref"}}, name
    return node, current


def _inline(node, schemas: dict[str, dict], current: str):
    """Replace every $ref by the schema it points to (ours are not recursive).

    Resolving references is most of jsonschema's work on a record; doing it once here makes
    validating thousands of records several times faster, with the same rules and messages.
    """
    if isinstance(node, list):
        return [_inline(item, schemas, current) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        resolved, name = resolve_ref(node, schemas, current)
        return _inline(resolved, schemas, name)
    # Once every $ref is inlined the definitions are not needed (and fastjsonschema would try to fetch theirs).
    return {key: _inline(value, schemas, current) for key, value in node.items() if key != "$defs"}



class SchemaSet:
    def __init__(self, terms: Terms):
        self.schemas = filled_schemas(terms)
        registry = Registry().with_resources(
            (SCHEMA_BASE + f"{name}.schema.json", Resource.from_contents(schema))
            for name, schema in self.schemas.items()
        )
        inlined = {name: _inline(schema, self.schemas, name) for name, schema in self.schemas.items()}
        self.validators = {name: Draft202012Validator(schema, registry=registry) for name, schema in inlined.items()}
        # A compiled twin of each schema answers "valid?" several times faster; only a record it
        # rejects goes through jsonschema, which explains every error. Same schema, same rules.
        self.fast = {name: fastjsonschema.compile({k: v for k, v in schema.items() if k not in ("$schema", "$id")})
                     for name, schema in inlined.items() if name != "common"}

    def check(self, doc: Document, schema_name: str) -> list[Problem]:
        try:
            self.fast[schema_name](doc.data)
            return []
        except fastjsonschema.JsonSchemaException:
            pass
        validator = self.validators[schema_name]
        return flatten([_to_problem(doc, error) for error in validator.iter_errors(doc.data)])


def _describe(value) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return f"'{value}'" if len(str(value)) < 60 else f"'{str(value)[:57]}...'"


def _field_name(path) -> str:
    named = [str(p) for p in path if not isinstance(p, int)]
    return ".".join(named) if named else "the record"


_TYPE_WORDS = {"object": "a mapping (field: value lines)", "array": "a list", "string": "text"}


def _to_problem(doc: Document, error) -> Problem | None:
    path = tuple(error.absolute_path)
    line = doc.line_of(path)
    where = _field_name(path)
    schema = error.schema if isinstance(error.schema, dict) else {}
    description = schema.get("description", "")
    kind = error.validator

    if kind == "required":
        missing = [name for name in error.validator_value if isinstance(error.instance, dict) and name not in error.instance]
        name = missing[0] if missing else str(error.validator_value)
        parent = path[-2] if len(path) >= 2 else None
        if parent == "findings" and name in ("cite", "note"):
            answer = error.instance.get("answer", "")
            need = "a cite list of provision ids" if name == "cite" else "a note explaining it"
            return Problem(doc.path, line, "KB015", f"finding {path[-1]} answers '{answer}' but has no {name}",
                           f"answer '{answer}' needs {need}")
        field_schema = schema.get("properties", {}).get(name, {})
        hint = field_schema.get("description") or "see the field reference"
        return Problem(doc.path, line, "KB010", f"{where}: missing required field '{name}'", f"add {name}: ... ({hint})")

    if kind == "additionalProperties" and isinstance(error.instance, dict):
        allowed = list(schema.get("properties", {}))
        extras = [key for key in error.instance if key not in allowed]
        problems = []
        for key in extras:
            guess = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
            hint = f"did you mean '{guess[0]}'?" if guess else f"allowed fields here: {', '.join(allowed)}"
            problems.append(Problem(doc.path, doc.key_line(path + (key,)), "KB011",
                                    f"{where}: unknown field '{key}'", hint))
        # iter_errors reports one error per object; return the first and let the rest follow
        return problems[0] if len(problems) == 1 else _Multi(problems)

    if kind == "enum":
        allowed = [str(v) for v in error.validator_value]
        value = str(error.instance)
        guess = [a for a in allowed if a.lower() == value.lower().strip()] or difflib.get_close_matches(value, allowed, n=1)
        hint = f"did you mean '{guess[0]}'? " if guess else ""
        hint += f"allowed: {', '.join(allowed)}"
        if schema.get("x-vocabulary"):
            hint += f" (vocabulary {schema['x-vocabulary']})"
        return Problem(doc.path, line, "KB012", f"{where}: {_describe(error.instance)} is not an allowed value", hint)

    if kind == "type":
        expected = error.validator_value
        words = _TYPE_WORDS.get(expected, expected) if isinstance(expected, str) else " or ".join(expected)
        return Problem(doc.path, line, "KB013", f"{where}: expected {words}, found {_describe(error.instance)}",
                       description or "see the field reference")

    if kind == "pattern":
        return Problem(doc.path, line, "KB013", f"{where}: {_describe(error.instance)} has the wrong form",
                       description or f"must match {error.validator_value}")

    if kind in ("minItems", "maxItems", "minLength", "maxLength", "uniqueItems"):
        detail = {
            "minItems": f"needs at least {error.validator_value} item(s)",
            "maxItems": f"allows at most {error.validator_value} item(s)",
            "minLength": "must not be empty",
            "maxLength": f"is longer than {error.validator_value} characters",
            "uniqueItems": "lists the same item twice",
        }[kind]
        return Problem(doc.path, line, "KB014", f"{where} {detail}", description or "")

    if kind == "oneOf" and isinstance(error.instance, dict):  # a provision: its words as text or as paragraphs
        given = [key for option in error.validator_value for key in option.get("required", []) if key in error.instance]
        choices = " or ".join(key for option in error.validator_value for key in option.get("required", []))
        said = f"gives both {' and '.join(given)}" if given else f"gives neither {choices.replace(' or ', ' nor ')}"
        return Problem(doc.path, line, "KB010", f"{where} {said}",
                       f"give its words once: as {choices} (paragraphs, for an article whose paragraphs or items are cited)")

    return Problem(doc.path, line, "KB013", f"{where}: {error.message}", description or "")


class _Multi(list):
    """Several problems from one schema error (unknown fields on one object)."""


def flatten(problems: list) -> list[Problem]:
    out: list[Problem] = []
    for p in problems:
        if isinstance(p, _Multi):
            out.extend(p)
        elif p is not None:
            out.append(p)
    return out
