"""Render the site's pages and files on a second core while MkDocs builds.

MkDocs works through the pages one by one on one core. Our pages and downloads do not depend on
MkDocs, so ``Helper`` forks a process that renders them while MkDocs runs:

- the pages, in the order MkDocs reads them, appended to one stream file with an index beside
  it; ``read`` returns a page as soon as its index line is there (waiting only if MkDocs has
  caught up with the helper);
- then the other files (downloads, citation files, records), each written into a scratch
  folder; ``wait`` and ``deliver`` move them into the finished site.

One stream file rather than a file per page, because creating a thousand small files cost the
helper more than rendering the pages into them did. The helper inherits the checked knowledge
base from this process (copy-on-write: nothing is sent to it) and sends back nothing but files.
If it fails, it leaves its traceback in the scratch folder, and the next ``read`` or ``wait``
raises it.

Only where fork exists, and never in a process running threads (``mkdocs serve`` rebuilds from
its web server's thread; forking a threaded process is unsafe). There the same plan is simply
rendered in this process.
"""

from __future__ import annotations

import gc
import os
import shutil
import signal
import tempfile
import time
import traceback
from collections.abc import Callable
from pathlib import Path

Plan = dict[str, Callable[[], "str | bytes"]]  # path in the site -> how to render it
_PAGES, _INDEX, _FAILED = ".pages", ".index", ".failed"  # no planned path starts with a dot


class HelperFailed(RuntimeError):
    pass


def can_fork() -> bool:
    return hasattr(os, "fork")


def _bytes(content: str | bytes) -> bytes:
    return content.encode("utf-8") if isinstance(content, str) else content


class Helper:
    """A forked process rendering ``pages`` (read them in order) and then ``files``."""

    def __init__(self, pages: Plan, files: Plan, near: Path | None = None):
        """Start at once. The scratch folder goes in ``near``: best on the site's file system,
        so that ``deliver`` moves files instead of copying them."""
        self.files = list(files)
        self.folder = Path(tempfile.mkdtemp(prefix=".kb-files-", dir=near))
        self.helper_cpu_s = 0.0  # the helper's CPU time, once it has ended
        self._status: int | None = None
        self._where: dict[str, tuple[int, int]] = {}  # page -> (offset, length) in the stream
        self._partial_line = b""
        self._pid = os.fork()
        if self._pid == 0:
            self._render(pages, files)  # never returns
        self._stream = open(self.folder / _PAGES, "a+b")  # noqa: SIM115 - open until close()
        self._index = open(self.folder / _INDEX, "a+b")  # noqa: SIM115
        self._index.seek(0)

    # --- in the helper -------------------------------------------------------------------
    def _render(self, pages: Plan, files: Plan) -> None:
        # The helper lives for seconds and makes few reference cycles; collecting garbage would
        # walk every object inherited from the parent and copy each memory page it touches.
        gc.disable()
        code = 0
        try:
            with open(self.folder / _PAGES, "ab") as stream, open(self.folder / _INDEX, "ab") as index:
                offset = 0
                for path, render in pages.items():
                    content = _bytes(render())
                    stream.write(content)
                    stream.flush()  # the page is readable before its index line says so
                    index.write(f"{offset} {len(content)} {path}\n".encode())
                    index.flush()
                    offset += len(content)
            for path, render in files.items():
                target = self.folder / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(_bytes(render()))
        except BaseException as err:  # noqa: BLE001 - whatever it is, the build must hear of it
            (self.folder / _FAILED).write_text(f"{type(err).__name__}: {err}\n\n{traceback.format_exc()}",
                                               encoding="utf-8")
            code = 1
        os._exit(code)  # leave at once: no atexit handlers, no flushing of the parent's buffers

    # --- in the build --------------------------------------------------------------------
    def path(self, path: str) -> str:
        """Where the helper writes ``path`` (a stand-in address for pages it streams)."""
        return str(self.folder / path)

    def read(self, page: str) -> bytes:
        """A rendered page, waiting for the helper if it has not got there yet."""
        while page not in self._where:
            if not self._read_index():
                if self._ended() and not self._read_index() and page not in self._where:
                    raise HelperFailed(self._failure(f"the helper ended without rendering {page}"))
                time.sleep(0.001)
        offset, length = self._where[page]
        return os.pread(self._stream.fileno(), length, offset)

    def wait(self) -> None:
        """Wait until the helper has written everything; raise if it failed."""
        if self._status is None:
            _, self._status, usage = os.wait4(self._pid, 0)
            self.helper_cpu_s = usage.ru_utime + usage.ru_stime
        if self._status != 0 or (self.folder / _FAILED).exists():
            raise HelperFailed(self._failure("the helper stopped"))

    def deliver(self, into: Path) -> None:
        """Move the finished files into the site folder (after ``wait``)."""
        for path in self.files:
            target = Path(into) / path
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.replace(self.folder / path, target)
            except OSError:  # another file system: copy instead
                shutil.copyfile(self.folder / path, target)

    def close(self) -> None:
        """Stop the helper if it still runs (a failed build) and remove its folder."""
        if self._status is None:
            try:
                os.kill(self._pid, signal.SIGKILL)
                _, self._status, _ = os.wait4(self._pid, 0)
            except (ChildProcessError, ProcessLookupError):
                self._status = -1
        self._stream.close()
        self._index.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _read_index(self) -> bool:
        """Take in the index lines the helper has added; True if there were any."""
        lines = (self._partial_line + self._index.read()).split(b"\n")
        self._partial_line = lines.pop()  # an incomplete last line waits for the rest
        for line in lines:
            offset, length, page = line.decode().split(" ", 2)
            self._where[page] = (int(offset), int(length))
        return bool(lines)

    def _ended(self) -> bool:
        if self._status is None:
            pid, status, usage = os.wait4(self._pid, os.WNOHANG)
            if pid:
                self._status, self.helper_cpu_s = status, usage.ru_utime + usage.ru_stime
        return self._status is not None

    def _failure(self, what: str) -> str:
        report = self.folder / _FAILED
        detail = report.read_text(encoding="utf-8") if report.exists() else f"exit status {self._status}"
        return f"rendering the site's files failed ({what}):\n{detail}"
