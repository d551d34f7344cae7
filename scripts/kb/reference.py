"""The field reference, generated from the JSON Schemas so it can never disagree with them."""

from __future__ import annotations

from dataclasses import dataclass

from .load.schema import resolve_ref


@dataclass(frozen=True)
class Field:
    path: str
    required: bool
    form: str
    allowed: tuple[str, ...]
    vocabulary: str | None
    description: str


def _form(node: dict) -> str:
    kind = node.get("type")
    if "enum" in node:
        return "one term"
    if kind == "string":
        pattern = node.get("pattern", "")
        if pattern.startswith("^[0-9]{4}-"):
            return "date YYYY-MM-DD"
        if pattern.startswith("^https?://"):
            return "web address"
        if "a-z0-9" in pattern:
            return "id (lowercase, digits, hyphens)"
        return "text"
    if kind == "array":
        return "list"
    if kind == "object":
        if set(node.get("properties", {})) <= {"en", "zh"} and node.get("properties"):
            return "text in en (and zh)"
        return "mapping"
    return str(kind or "")


def fields(schema_name: str, schemas: dict[str, dict]) -> list[Field]:
    out: list[Field] = []

    def walk(node: dict, path: str, required: bool, current: str):
        node, current = resolve_ref(node, schemas, current)
        form = _form(node)
        out.append(Field(path, required, form, tuple(str(v) for v in node.get("enum", ())),
                         node.get("x-vocabulary"), node.get("description", "")))
        if form == "text in en (and zh)":
            return
        if node.get("type") == "object":
            needed = set(node.get("required", ()))
            for name, child in node.get("properties", {}).items():
                walk(child, f"{path}.{name}" if path else name, name in needed, current)
            extra = node.get("additionalProperties")
            if isinstance(extra, dict):
                walk(extra, f"{path}.<question id>", True, current)
        elif node.get("type") == "array" and isinstance(node.get("items"), dict):
            walk(node["items"], f"{path}[]", True, current)

    root, _ = resolve_ref(schemas[schema_name], schemas, schema_name)
    needed = set(root.get("required", ()))
    for name, child in root.get("properties", {}).items():
        walk(child, name, name in needed, schema_name)
    return out
