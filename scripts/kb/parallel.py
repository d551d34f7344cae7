"""Run one piece of the build on the second core while this process does the rest.

The build renders pages in this process (MkDocs needs them here) and has independent work beside
them: the downloads. ``beside(work)`` forks a child that inherits the in-memory knowledge base
(nothing is sent to it), runs ``work()`` there and sends back only the result. Where fork is not
available, or not wanted (``make serve`` runs a web server in threads, and forking a threaded
process is unsafe), the work runs here, later, when its result is asked for: same result, no
second core.
"""

from __future__ import annotations

import os
import pickle
import tempfile
import traceback
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Beside(Generic[T]):
    def __init__(self, work: Callable[[], T], fork: bool):
        self._work = work
        self._pid = 0
        if fork and hasattr(os, "fork"):
            self._start()

    def _start(self) -> None:
        # The result goes through an unnamed temporary file, not a pipe: the child can write it
        # all and leave while this process is still busy, instead of waiting for it to read.
        self._file = tempfile.TemporaryFile(prefix="kb-build-")
        pid = os.fork()
        if pid == 0:  # the child: do the work, write the result (or the error), leave at once
            code = 0
            try:
                payload = pickle.dumps(("ok", self._work()), protocol=pickle.HIGHEST_PROTOCOL)
            except BaseException as err:  # noqa: BLE001 - everything goes back to the parent
                payload = pickle.dumps(("error", f"{type(err).__name__}: {err}\n{traceback.format_exc()}"))
                code = 1
            try:
                self._file.write(payload)
                self._file.flush()
            finally:
                os._exit(code)  # no atexit handlers, no flushing of the parent's buffers
        self._pid = pid

    def result(self) -> T:
        if not self._pid:
            return self._work()
        os.waitpid(self._pid, 0)
        self._pid = 0
        with self._file:
            self._file.seek(0)
            payload = self._file.read()
        try:
            status, value = pickle.loads(payload)
        except Exception:  # the child died without answering: do the work here instead
            return self._work()
        if status == "error":
            raise RuntimeError(f"the parallel part of the build failed:\n{value}")
        return value


def beside(work: Callable[[], T], fork: bool = True) -> Beside[T]:
    """Start ``work`` on another core if ``fork``; ``.result()`` waits for it (or runs it here)."""
    return Beside(work, fork)
