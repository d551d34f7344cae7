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
from yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .problems import Problem

MAX_FILE_BYTES = 1_000_000

Path_ = tuple  # a path into a document: keys and list indexes


class _Refusal(Exception):
    def __init__(self, line: int, code: str, message: str):
        self.line, self.code, self.message = line, code, message


class _PurePythonParser(Reader, Scanner, Parser, BaseResolver):
    """Fallback when PyYAML was built without libyaml."""

    def __init__(self, text: str):
        Reader.__init__(self, text)
        Scanner.__init__(self)
        Parser.__init__(self)
        BaseResolver.__init__(self)


# The C parser (libyaml) only produces events; nothing in it constructs Python objects.
try:
    from yaml._yaml import CParser as _EventParser
except ImportError:  # PyYAML built without libyaml
    _EventParser = _PurePythonParser
_DUPLICATE = object()


class _Frame:
    __slots__ = ("value", "path", "key", "seen", "is_map")

    def __init__(self, value, path):
        self.value, self.path, self.key, self.seen = value, path, None, {}
        self.is_map = isinstance(value, dict)


def _compose(text: str, display: str, problems: list[Problem]) -> tuple[object, dict, list]:
    """Build plain data (dicts, lists, strings), a line map and a list of every text value
    with its path, straight from parser events.

    Working on events rather than on a composed node graph lets us refuse anchors, aliases and
    tags before anything is expanded (an alias bomb never grows), and keeps every scalar a string.
    The loop runs once per value of every record, so it favours the common case (a scalar).
    """
    parser = _EventParser(text)
    lines: dict = {}
    texts: list = []
    root = None
    stack: list[_Frame] = []
    documents = 0
    try:
        while True:
            event = parser.get_event()
            kind = type(event)
            if kind is MappingEndEvent or kind is SequenceEndEvent:
                stack.pop()
                continue
            line = event.start_mark.line + 1 if event.start_mark else 1
            if kind is not ScalarEvent and kind is not MappingStartEvent and kind is not SequenceStartEvent:
                if kind is StreamEndEvent:
                    break
                if kind is DocumentStartEvent:
                    documents += 1
                    if documents > 1:
                        raise _Refusal(line, "KB001", "a record file holds one YAML document; remove the second ---")
                elif kind is AliasEvent:
                    raise _Refusal(line, "KB005", f"alias *{event.anchor} is not allowed")
                continue  # stream start, document end
            if event.anchor is not None:
                raise _Refusal(line, "KB005", f"anchor &{event.anchor} is not allowed")
            if event.tag is not None and event.tag != "!":  # any explicit tag, even a harmless-looking !!str
                raise _Refusal(line, "KB006", f"tag {event.tag.replace('tag:yaml.org,2002:', '!!')} is not allowed")
            parent = stack[-1] if stack else None
            if parent is not None and parent.is_map and parent.key is None:
                # a key of the mapping being read
                if kind is not ScalarEvent:
                    raise _Refusal(line, "KB001", "a key must be plain text")
                key = event.value
                if key == "<<":
                    raise _Refusal(line, "KB005", "merge keys (<<) are not allowed")
                if key in parent.seen:
                    problems.append(Problem(display, line, "KB004",
                                            f"duplicate key '{key}' (first at line {parent.seen[key]})"))
                    parent.key = _DUPLICATE
                else:
                    parent.seen[key] = line
                    lines[("#key",) + parent.path + (key,)] = line
                    parent.key = key
                continue
            value = event.value if kind is ScalarEvent else ({} if kind is MappingStartEvent else [])
            if parent is None:
                path = ()
                root = value
            elif not parent.is_map:
                path = parent.path + (len(parent.value),)
                parent.value.append(value)
            elif parent.key is _DUPLICATE:
                path = None  # read, then dropped: the first one counts
                parent.key = None
            else:
                path = parent.path + (parent.key,)
                parent.value[parent.key] = value
                parent.key = None
            if path is not None:
                lines[path] = line
                if kind is ScalarEvent and path[:1] != ("#duplicate",):  # (not under a dropped key)
                    texts.append((path, value))
            if kind is not ScalarEvent:
                # the children of a dropped duplicate go under a path no lookup asks for
                stack.append(_Frame(value, path if path is not None else ("#duplicate",) + parent.path))
    finally:
        dispose = getattr(parser, "dispose", None)
        if dispose:
            dispose()
    return root, lines, texts


@dataclass
class Document:
    """A parsed file: plain data, the line where each value starts, and every text value.

    ``texts`` lists (path, text) for every scalar in file order, so checks that look at all
    text (placeholders, dates) need not walk the data again.
    """

    path: str
    data: object
    lines: dict = field(default_factory=dict)
    texts: list = field(default_factory=list)
    kind: str = ""  # what the file holds: instrument, body, framework, ... (set by kb.load)
    digest: bytes = b""  # of the file's bytes (set by kb.load, which remembers checks by it)

    def line_of(self, path: Path_) -> int:
        """Line of the value at ``path``, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path, 1)

    def key_line(self, path: Path_) -> int:
        """Line of the key that introduces the value at ``path`` (for 'unknown field')."""
        return self.lines.get(("#key",) + tuple(path), self.line_of(path))


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
        data, lines, texts = _compose(text, display, problems)
        if data is None:
            return None, [Problem(display, 1, "KB003", "file has no content")]
    except _Refusal as refusal:
        return None, problems + [Problem(display, refusal.line, refusal.code, refusal.message)]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        what = " ".join(part for part in (err.context, err.problem) if part)
        hint = ""
        opened_here = ("while parsing a flow", "while scanning a quoted scalar", "while scanning a double-quoted",
                       "while scanning a single-quoted")
        if err.context_mark and (any(end in (err.problem or "") for end in ("end of stream", "<stream end>"))
                                 or any((err.context or "").startswith(c) for c in opened_here)):
            # Something opened here was never closed: point at the opening, not the file's end.
            mark = err.context_mark
            hint = "close the quote or bracket opened on this line (is the file cut short?)"
        line = mark.line + 1 if mark else 1
        source_lines = text.splitlines()
        if not hint and 0 < line <= len(source_lines) and "\t" in source_lines[line - 1]:
            hint = "YAML indentation must use spaces, not tabs: replace the tab on this line"
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
    return Document(display, data, lines, texts), problems


def parse_file(path: Path, display: str) -> tuple[Document | None, list[Problem]]:
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [Problem(display, 1, "KB007", f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}")]
        raw = path.read_bytes()
    except OSError as err:
        return None, [Problem(display, 1, "KB031", f"cannot read the file: {err.strerror}")]
    return parse_bytes(raw, display)
