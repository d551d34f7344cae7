"""A strict YAML reader for untrusted records.

PyYAML's loaders guess types (``NO`` -> False, ``010`` -> 8, ``2015-01-05`` -> date), follow
aliases and honour tags. Records come from pull requests, so this reader does none of that:
it composes the node tree, refuses anchors, aliases, tags and duplicate keys, and turns every
scalar into a string. The JSON Schema then decides what each string must look like.

It also remembers the line of every value, so a later check can say ``file:line``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .problems import Problem

MAX_FILE_BYTES = 1_000_000

_PLAIN_TAGS = {
    "tag:yaml.org,2002:str",
    "tag:yaml.org,2002:seq",
    "tag:yaml.org,2002:map",
}

Path_ = tuple  # a path into a document: keys and list indexes


class _Refusal(Exception):
    def __init__(self, line: int, code: str, message: str):
        self.line, self.code, self.message = line, code, message


class _NodeReader(Reader, Scanner, Parser, Composer, BaseResolver):
    """Reader -> Scanner -> Parser -> Composer, with the base resolver (every scalar is a
    string) and no constructor at all, so nothing in the file can create Python objects."""

    def __init__(self, text: str):
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)

    def compose_node(self, parent, index):
        # Refuse aliases before the composer expands them: an alias bomb never grows.
        if self.check_event(AliasEvent):
            event = self.peek_event()
            raise _Refusal(event.start_mark.line + 1, "KB005", f"alias *{event.anchor} is not allowed")
        event = self.peek_event()
        anchor = getattr(event, "anchor", None)
        if anchor is not None:
            raise _Refusal(event.start_mark.line + 1, "KB005", f"anchor &{anchor} is not allowed")
        tag = getattr(event, "tag", None)
        if tag not in (None, "!"):  # any explicit tag, even a harmless-looking !!str
            shown = tag.replace("tag:yaml.org,2002:", "!!")
            raise _Refusal(event.start_mark.line + 1, "KB006", f"tag {shown} is not allowed")
        return super().compose_node(parent, index)


@dataclass
class Document:
    """A parsed file: plain data plus the line where each value starts."""

    path: str
    data: object
    lines: dict = field(default_factory=dict)

    def line_of(self, path: Path_) -> int:
        """Line of the value at ``path``, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def key_line(self, path: Path_) -> int:
        """Line of the key that introduces the value at ``path`` (for 'unknown field')."""
        return self.lines.get(("#key",) + tuple(path), self.line_of(path))


def _to_plain(node, path: Path_, lines: dict, display: str, problems: list[Problem]):
    lines[path] = node.start_mark.line + 1
    if node.tag not in _PLAIN_TAGS:
        raise _Refusal(node.start_mark.line + 1, "KB006", f"tag {node.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed")
    if isinstance(node, ScalarNode):
        return node.value
    if isinstance(node, SequenceNode):
        return [_to_plain(item, path + (i,), lines, display, problems) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict = {}
        first_seen: dict = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode) or key_node.tag not in _PLAIN_TAGS:
                raise _Refusal(key_node.start_mark.line + 1, "KB001", "a key must be plain text")
            key = key_node.value
            key_line = key_node.start_mark.line + 1
            if key == "<<":
                raise _Refusal(key_line, "KB005", "merge keys (<<) are not allowed")
            if key in first_seen:
                problems.append(Problem(display, key_line, "KB004",
                                        f"duplicate key '{key}' (first at line {first_seen[key]})"))
                continue
            first_seen[key] = key_line
            lines[("#key",) + path + (key,)] = key_line
            result[key] = _to_plain(value_node, path + (key,), lines, display, problems)
        return result
    raise _Refusal(node.start_mark.line + 1, "KB001", "unsupported YAML node")


def _unclosed_quote_line(text: str, upto: int) -> int | None:
    """First line before ``upto`` with an odd number of unescaped double quotes outside a comment.

    Records never need a double-quoted text that runs over several lines (they use | blocks),
    so such a line is almost certainly a missing closing quote.
    """
    in_block = None  # indentation of a | or > block scalar we are inside
    for number, line in enumerate(text.splitlines()[: max(upto - 1, 0)], start=1):
        indent = len(line) - len(line.lstrip(" "))
        if in_block is not None:
            if not line.strip() or indent > in_block:
                continue
            in_block = None
        stripped = line.rstrip()
        if stripped.endswith(("|", "|-", "|+", ">", ">-", ">+")):
            in_block = indent
        quotes, inside, previous = 0, False, ""
        for char in line:
            if char == "#" and not inside and previous in ("", " "):
                break
            if char == '"' and previous != "\\":
                quotes += 1
                inside = not inside
            previous = char
        if quotes % 2:
            return number
    return None


def _line_of_offset(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def parse_bytes(raw: bytes, display: str) -> tuple[Document | None, list[Problem]]:
    """Parse one file's bytes. Returns the document (None if unusable) and its problems."""
    if len(raw) > MAX_FILE_BYTES:
        return None, [Problem(display, 1, "KB007", f"file is {len(raw):,} bytes; the limit is {MAX_FILE_BYTES:,}")]
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]  # a UTF-8 byte-order mark is harmless; editors on Windows add it
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [Problem(display, _line_of_offset(raw, err.start), "KB002",
                              f"byte 0x{raw[err.start]:02x} is not valid UTF-8")]
    if not text.strip() or all(not ln.strip() or ln.lstrip().startswith("#") for ln in text.splitlines()):
        return None, [Problem(display, 1, "KB003", "file has no content")]
    problems: list[Problem] = []
    try:
        loader = _NodeReader(text)
        try:
            node = loader.get_single_node()
        finally:
            loader.dispose()
        if node is None:
            return None, [Problem(display, 1, "KB003", "file has no content")]
        lines: dict = {}
        data = _to_plain(node, (), lines, display, problems)
    except _Refusal as refusal:
        return None, problems + [Problem(display, refusal.line, refusal.code, refusal.message)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        what = " ".join(part for part in (err.context, err.problem) if part)
        hint = ""
        if err.context_mark and any(end in (err.problem or "") for end in ("end of stream", "<stream end>")):
            # Something opened here was never closed: point at the opening, not the file's end.
            mark = err.context_mark
            hint = "close the quote or bracket opened on this line (is the file cut short?)"
        elif "\\t" in what or "\t" in what or "tab" in what:
            hint = "YAML indentation must use spaces, not tabs"
        line = mark.line + 1 if mark else 1
        opened = _unclosed_quote_line(text, line)
        if opened is not None:
            # A double quote left open swallows the lines after it, so the parser only trips
            # further down; the mistake is where the quote was opened.
            what = f"a double-quoted text opened on this line is not closed on it (the parser stopped at line {line}: {what})"
            line, hint = opened, "close the quote on the same line, or use a | block for text over several lines"
        return None, problems + [Problem(display, line, "KB001", what or "invalid YAML", hint)]
    except yaml.YAMLError as err:  # e.g. a control character the reader refuses
        line = 1
        position = getattr(err, "position", None)
        if isinstance(position, int):
            line = text.count("\n", 0, position) + 1
        return None, problems + [Problem(display, line, "KB001", str(err).splitlines()[0])]
    except RecursionError:
        return None, problems + [Problem(display, 1, "KB001", "the YAML is nested too deeply")]
    if not isinstance(data, dict):
        problems.append(Problem(display, 1, "KB008", "the file must hold a mapping (field: value), not a list or a single value"))
        return None, problems
    return Document(display, data, lines), problems


def parse_file(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(display, 1, "KB007", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")]
        raw = path.read_bytes()
    except OSError as err:
        return None, [Problem(display, 1, "KB031", f"cannot read the file: {err.strerror}")]
    return parse_bytes(raw, display)
