"""A problem found in the data, and the error that carries all of them.

Every check reports through :class:`Problem`, so the command line, the MkDocs plugin and the
tests all print the same ``file:line: CODE message`` lines. What each code means, with its hint
and an example, is declared once, in kb.load.rules.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with one place in one file."""

    path: str
    line: int
    code: str
    message: str
    hint: str = ""

    def format(self) -> str:
        from .rules import RULES  # the registry imports this module

        hint = self.hint or RULES[self.code].hint
        return f"{self.path}:{self.line}: {self.code} {self.message}\n    hint: {hint}"


class DataError(Exception):
    """Raised when data cannot be turned into a model; carries every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(f"{len(self.problems)} problem(s) in the data")

    def report(self) -> str:
        """Every problem as `make validate` prints it, and a count."""
        files = len({p.path for p in self.problems})
        listing = "\n".join(p.format() for p in self.problems)
        return f"{listing}\n\n{len(self.problems)} problem(s) in {files} file(s)."
