"""One canonical text for every record, so diffs in pull requests show content, not layout.

Keys follow the order of the schema (findings follow the framework), text that YAML would read
as something else ("yes", "010", dates) is double-quoted, multi-line text uses | blocks, lines
wrap at 100 columns, and the file starts with the yaml-language-server modeline. Comments other
than that first line are not kept: notes belong in note fields, where readers see them.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml

from .load.schema import SCHEMA_NAMES, raw_schema, resolve_ref
from .load.yamlsafe import parse_bytes

WIDTH = 100
MODELINE = {
    "instruments": "# yaml-language-server: $schema=../../schema/instrument.schema.json",
    "bodies": "# yaml-language-server: $schema=../../schema/body.schema.json",
}
_SCHEMA_OF = {"instruments": "instrument", "bodies": "body"}


class _Dumper(yaml.SafeDumper):
    def ignore_aliases(self, data):  # records never share values; never write anchors
        return True


def _represent_str(dumper: yaml.SafeDumper, value: str):
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    # Would a YAML 1.1 reader take this for a boolean, number, date or null? Then quote it.
    resolved = dumper.resolve(yaml.ScalarNode, value, (True, False))
    # Characters YAML reads as line breaks or cannot print raw must be escaped in double quotes.
    awkward = any(c in "\x85\u2028\u2029" or (not c.isprintable() and c not in "\t") for c in value)
    style = '"' if resolved != "tag:yaml.org,2002:str" or awkward else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _key_order(name: str) -> dict:
    """For each object in the schema, the order of its keys; nested by key."""

    schemas = {name: raw_schema(name) for name in SCHEMA_NAMES}

    def resolve(node, base):
        return resolve_ref(node, schemas, base)

    def walk(node, base):
        node, base = resolve(node, base)
        node = node if isinstance(node, dict) else {}
        if not isinstance(node, dict):
            return {}
        if node.get("type") == "array":
            return walk(node.get("items", {}), base)
        order = {"__keys__": list(node.get("properties", {}))}
        for name, child in node.get("properties", {}).items():
            order[name] = walk(child, base)
        if isinstance(node.get("additionalProperties"), dict):
            order["__any__"] = walk(node["additionalProperties"], base)
        return order

    return walk(schemas[name], name)


def _ordered(value, order: dict, question_order: list[str]):
    if isinstance(value, list):
        return [_ordered(item, order, question_order) for item in value]
    if not isinstance(value, dict):
        return value
    known = order.get("__keys__", [])
    if "__any__" in order:  # findings: keyed by question id, in framework order
        rank = {q: i for i, q in enumerate(question_order)}
        keys = sorted(value, key=lambda k: (rank.get(k, len(rank)), k))
        return {k: _ordered(value[k], order["__any__"], question_order) for k in keys}
    keys = [k for k in known if k in value] + sorted(k for k in value if k not in known)
    return {k: _ordered(value[k], order.get(k, {}), question_order) for k in keys}


def canonical(data: dict, folder: str, question_order: list[str]) -> str:
    ordered = _ordered(data, _key_order(_SCHEMA_OF[folder]), question_order)
    body = yaml.dump(ordered, Dumper=_Dumper, sort_keys=False, allow_unicode=True, width=WIDTH,
                     default_flow_style=False, indent=2)
    return MODELINE[folder] + "\n" + body


def _question_order(data_dir: Path) -> list[str]:
    doc, _ = parse_bytes((data_dir / "framework.yaml").read_bytes(), "framework.yaml")
    if doc is None:
        return []
    return [q["id"] for d in doc.data.get("dimensions", []) for q in d.get("questions", [])]


def format_folder(data_dir: Path, write: bool) -> tuple[list[str], list[str]]:
    """Returns (diffs of files not in canonical form, files that could not be read)."""
    questions = _question_order(data_dir)
    diffs, unreadable = [], []
    for folder in ("instruments", "bodies"):
        for path in sorted((data_dir / folder).glob("*.yaml")):
            raw = path.read_bytes()
            doc, problems = parse_bytes(raw, str(path))
            if doc is None or problems:
                unreadable.append(str(path))
                continue
            text = raw.decode("utf-8-sig")
            wanted = canonical(doc.data, folder, questions)
            if text != wanted:
                diffs.append("".join(difflib.unified_diff(
                    text.splitlines(keepends=True), wanted.splitlines(keepends=True),
                    fromfile=f"{path} (now)", tofile=f"{path} (canonical)")))
                if write:
                    path.write_text(wanted, encoding="utf-8")
    return diffs, unreadable
