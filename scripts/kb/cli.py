"""Command line: ``python -m kb validate|build`` (run with scripts/ on PYTHONPATH; see Makefile).

Exit codes: 0 success, 1 problems in the data or a failed build, 2 wrong usage.
No traceback reaches the user: problems are printed as ``file:line: CODE message`` lines.
"""

from __future__ import annotations

import argparse
import json
import datetime as dt
import gc
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .formatting import format_folder
from .load import load
from .problems import DataError
from . import site as site_module
from .site import edition_of

ROOT = Path(__file__).resolve().parents[2]


def _today(value: str | None) -> dt.date:
    # "today" is injectable so that tests and reviewers get the same answer on any day.
    return dt.date.fromisoformat(value) if value else dt.date.today()


def cmd_validate(args) -> int:
    try:
        kb = load(Path(args.data), _today(args.today))
    except DataError as err:
        for problem in err.problems:
            print(problem.format())
        files = len({p.path for p in err.problems})
        print(f"\n{len(err.problems)} problem(s) in {files} file(s). Nothing was built.", file=sys.stderr)
        return 1
    print(f"OK: {len(kb.instruments)} instruments, {len(kb.bodies)} bodies, "
          f"{len(kb.questions)} framework questions in {args.data}")
    args.kb = kb
    return 0


def _mkdocs_build(site_dir: Path) -> str:
    """Run MkDocs in this process (so the hook can reuse the model); return an error or ''."""
    import logging

    from mkdocs import exceptions
    from mkdocs.commands import build
    from mkdocs.config import load_config

    messages: list[str] = []

    class Collect(logging.Handler):
        def emit(self, record):
            messages.append(f"{record.levelname}: {record.getMessage()}")

    logger = logging.getLogger("mkdocs")
    handler = Collect(level=logging.WARNING)
    logger.addHandler(handler)
    logger.setLevel(logging.WARNING)
    try:
        config = load_config(config_file=str(ROOT / "mkdocs.yml"), site_dir=str(site_dir), strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            build.build(config)
        finally:
            config.plugins.on_shutdown()
    except (exceptions.MkDocsException, exceptions.ConfigurationError) as err:
        return "\n".join(messages + [str(err)])
    except Exception as err:  # a bug in the generator, not in the data: say so, briefly
        if os.environ.get("KB_DEBUG"):
            raise
        return "\n".join(messages + [f"internal error while building the site: {type(err).__name__}: {err}",
                                      "This is a bug in the generator, not in your data; run with KB_DEBUG=1 "
                                      "for the traceback and please report it."])
    finally:
        logger.removeHandler(handler)
    return ""


def cmd_build(args) -> int:
    """Validate, then build into a temporary folder and swap it in only on success."""
    started = time.perf_counter()
    if cmd_validate(args) != 0:
        print(f"The site in {args.site} was left as it was.", file=sys.stderr)
        return 1
    # The checked model lives as long as this process: spare the garbage collector (and the
    # build's helper, which would copy every memory page the collector touches) from walking it.
    gc.freeze()
    site = Path(args.site).resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-building-", dir=site.parent))
    # Pin the build date to the data's edition so two builds of one commit are byte-identical.
    validated = time.perf_counter()
    edition = edition_of(args.kb)
    epoch = int(dt.datetime.fromisoformat(edition).replace(tzinfo=dt.timezone.utc).timestamp()) if edition else 0
    os.environ["KB_DATA"] = str(Path(args.data).resolve())
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    site_module.preloaded[Path(args.data).resolve()] = args.kb  # the hook reuses the checked model
    error = _mkdocs_build(staging)
    if error:
        shutil.rmtree(staging, ignore_errors=True)
        sys.stderr.write(error + "\n")
        print(f"\nmkdocs build failed; the site in {args.site} was left as it was.", file=sys.stderr)
        return 1
    timings = os.environ.get("KB_TIMINGS")  # set by `make bench`
    if timings:
        figures = json.loads(Path(timings).read_text()) if Path(timings).exists() else {}
        figures["validate_s"] = validated - started
        Path(timings).write_text(json.dumps(figures))
    old = site.with_name(site.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if site.exists():
        site.rename(old)
    staging.rename(site)
    shutil.rmtree(old, ignore_errors=True)
    print(f"Built {args.site}/")
    return 0


TEMPLATE = ROOT / "schema" / "instrument.template.yaml"


def cmd_new(args) -> int:
    """Scaffold data/instruments/<id>.yaml from the annotated template."""
    record_id = args.id or ""
    if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", record_id):
        print(f"'{record_id}' is not a valid id: use lowercase letters, digits and hyphens, "
              "e.g. cn-miit-2013-telecom-pi-provisions", file=sys.stderr)
        return 2
    target = Path(args.data) / "instruments" / f"{record_id}.yaml"
    if target.exists():
        print(f"{target} already exists; edit it instead", file=sys.stderr)
        return 1
    text = TEMPLATE.read_text(encoding="utf-8").replace("id: REPLACE-ID", f"id: {record_id}")
    # Two conveniences the id already tells us; everything else is for the contributor to fill in.
    prefix = record_id.split("-")
    jurisdiction = "US-CA" if prefix[:2] == ["us", "ca"] else prefix[0].upper()
    if jurisdiction in ("CN", "US", "US-CA"):
        text = text.replace("jurisdiction: REPLACE with CN, US or US-CA", f"jurisdiction: {jurisdiction}")
        text = text.replace("language: REPLACE with zh or en", f"language: {'zh' if jurisdiction == 'CN' else 'en'}")
    target.write_text(text, encoding="utf-8")
    print(f"Created {target}. Fill in every REPLACE value; `make validate` lists each one with its line.")
    return 0


def cmd_format(args) -> int:
    diffs, unreadable = format_folder(Path(args.data), write=not args.check)
    for path in unreadable:
        print(f"{path}: not formatted: fix the problems `make validate` reports first", file=sys.stderr)
    if args.check:
        if diffs:
            sys.stdout.write("".join(diffs))
            print(f"\n{len(diffs)} record(s) are not in the canonical format. Run `make format` to rewrite them "
                  "(or change them as the diff shows).", file=sys.stderr)
            return 1
        print("All records are in the canonical format.")
        return 1 if unreadable else 0
    print(f"Rewrote {len(diffs)} record(s) into the canonical format.")
    return 1 if unreadable else 0


def cmd_manifest(args) -> int:
    """Append the URLs and anchors the current data publishes to published-urls.txt."""
    from .manifest import entries, write_manifest
    from .views import years

    kb = load(Path(args.data), _today(args.today))
    added = write_manifest(entries(kb, years(2012, kb.edition or "2026-12-31")))
    print(f"published-urls.txt: {added} new URL(s) or anchor(s) added; none removed.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb", description="Privacy-law knowledge base tools")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, helptext in (("validate", "check every data file and report every problem"),
                           ("build", "validate, then build the site atomically"),
                           ("new", "scaffold a new instrument record from the template"),
                           ("format", "rewrite records into the canonical format (--check: only show the diff)"),
                           ("manifest", "add the URLs and anchors now published to published-urls.txt")):
        p = sub.add_parser(name, help=helptext)
        p.add_argument("--data", default="data", help="data folder (default: data)")
        p.add_argument("--today", help="pretend today is this date (YYYY-MM-DD), for reproducible checks")
        if name == "build":
            p.add_argument("--site", default="site", help="output folder (default: site)")
        if name == "format":
            p.add_argument("--check", action="store_true", help="change nothing; print a diff and fail if any record differs")
        if name == "new":
            p.add_argument("--id", required=True, help="the new record's id, e.g. cn-miit-2013-telecom-pi-provisions")
    args = parser.parse_args(argv)
    try:
        return {"validate": cmd_validate, "build": cmd_build, "new": cmd_new, "format": cmd_format, "manifest": cmd_manifest}[args.command](args)
    except KeyboardInterrupt:
        return 130
