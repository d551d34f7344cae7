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
raises it; whatever happens, it exits and never returns into the build's code. If the build is
killed, the helper notices at its next page, removes its folder and stops.

Only where fork exists, and never in a process running threads (``mkdocs serve`` runs its web
server and file watcher in threads; forking a threaded process is unsafe). There, or if the
helper cannot be started, the same plan is simply rendered in this process.
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
        so that ``deliver`` moves files instead of copying them. Raises OSError (and leaves
        nothing behind) if the helper cannot be started."""
        self.files = list(files)
        self.folder = Path(tempfile.mkdtemp(prefix=".kb-files-", dir=near))
        self.helper_cpu_s = 0.0  # the helper's CPU time, once it has ended
        self._status: int | None = None
        self._where: dict[str, tuple[int, int]] = {}  # page -> (offset, length) in the stream
        self._partial_line = b""
        self._stream = self._index = None
        parent = os.getpid()
        try:
            self._pid = os.fork()
        except OSError:
            shutil.rmtree(self.folder, ignore_errors=True)
            raise
        if self._pid == 0:
            self._run(pages, files, parent)  # never returns
        try:
            self._stream = open(self.folder / _PAGES, "a+b")  # noqa: SIM115 - open until close()
            self._index = open(self.folder / _INDEX, "a+b")  # noqa: SIM115
            self._index.seek(0)
        except OSError:
            self.close()
            raise

    # --- in the helper -------------------------------------------------------------------
    def _run(self, pages: Plan, files: Plan, parent: int) -> None:
        """Render everything, then leave at once, whatever happens: the helper must never
        return into the build's code (no atexit handlers, no second flush of its buffers)."""
        code = 1
        try:
            # What the helper inherited stays out of the collector's sight: walking it would
            # copy every memory page it touches. What the helper makes is collected as usual.
            gc.freeze()
            self._render(pages, files, parent)
            code = 0
        except BaseException as err:  # noqa: BLE001 - whatever it is, the build must hear of it
            try:
                (self.folder / _FAILED).write_text(f"{type(err).__name__}: {err}\n\n{traceback.format_exc()}",
                                                   encoding="utf-8")
            except BaseException:  # noqa: BLE001 - e.g. a full disk: the exit status still tells
                pass
        finally:
            os._exit(code)

    def _render(self, pages: Plan, files: Plan, parent: int) -> None:
        with open(self.folder / _PAGES, "ab") as stream, open(self.folder / _INDEX, "ab") as index:
            offset = 0
            for path, render in pages.items():
                if os.getppid() != parent:  # the build was killed: stop, and leave nothing behind
                    shutil.rmtree(self.folder, ignore_errors=True)
                    os._exit(1)
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

    # --- in the build --------------------------------------------------------------------
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
        self._reap(block=True)
        if self._status != 0 or (self.folder / _FAILED).exists():
            raise HelperFailed(self._failure("the helper stopped"))

    def deliver(self, into: Path) -> None:
        """Move the finished files into the site folder (after ``wait``); raise if one is missing."""
        for path in self.files:
            if not (self.folder / path).is_file():
                raise HelperFailed(self._failure(f"the helper did not write {path}"))
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
            except ProcessLookupError:
                pass
            self._reap(block=True)
        for handle in (self._stream, self._index):
            if handle is not None:
                handle.close()
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
        self._reap(block=False)
        return self._status is not None

    def _reap(self, block: bool) -> None:
        """Collect the helper's exit status (and CPU time) once it has ended."""
        if self._status is not None:
            return
        try:
            pid, status, usage = os.wait4(self._pid, 0 if block else os.WNOHANG)
        except ChildProcessError:  # reaped already (SIGCHLD ignored): the folder tells how it went
            self._status = 1 if (self.folder / _FAILED).exists() else 0
            return
        if pid:
            self._status, self.helper_cpu_s = status, usage.ru_utime + usage.ru_stime

    def _failure(self, what: str) -> str:
        try:
            detail = (self.folder / _FAILED).read_text(encoding="utf-8")
        except OSError:
            detail = f"exit status {self._status}"
        return f"rendering the site's files failed ({what}):\n{detail}"
