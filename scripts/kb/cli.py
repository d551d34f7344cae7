"""The command line, `kb` (a console script of this package; `make` runs it from .venv):
``kb validate|build|new|format|manifest|docs|diff``.

Exit codes: 0 success, 1 problems in the data or a failed build, 2 wrong usage.
No traceback reaches the user: problems are printed as ``file:line: CODE message`` lines.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

from .formatting import format_folder
from .load import load
from .load.problems import DataError

ROOT = Path(__file__).resolve().parents[2]


def _today(value: str | None) -> dt.date:
    # "today" is injectable so that a reviewer can ask what the data said on another day.
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


def cmd_build(args) -> int:
    """Validate, then build into a temporary folder and swap it in only on success."""
    from .plugin import build_site  # MkDocs is imported only by the plugin, and only to build

    started = time.perf_counter()
    if cmd_validate(args) != 0:
        print(f"The site in {args.site} was left as it was.", file=sys.stderr)
        return 1
    validated = time.perf_counter()
    # The checked model lives as long as this process: spare the garbage collector from walking it.
    gc.freeze()
    site = Path(args.site).resolve()
    site.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-building-", dir=site.parent))
    # Pin the build date to the data's edition so two builds of one commit are byte-identical.
    edition = args.kb.edition
    epoch = int(dt.datetime.fromisoformat(edition).replace(tzinfo=dt.UTC).timestamp()) if edition else 0
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        error, timings = build_site(ROOT / "mkdocs.yml", staging, args.kb, Path(args.data).resolve())
    except KeyboardInterrupt:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if error:
        shutil.rmtree(staging, ignore_errors=True)
        sys.stderr.write(error + "\n")
        print(f"\nmkdocs build failed; the site in {args.site} was left as it was.", file=sys.stderr)
        return 1
    if os.environ.get("KB_TIMINGS"):  # `make bench` reads how long our own part took
        import resource  # (POSIX only, like the measurement)

        worker = resource.getrusage(resource.RUSAGE_CHILDREN)  # the rendering worker, once it has ended
        Path(os.environ["KB_TIMINGS"]).write_text(json.dumps({"validate_s": validated - started, **timings,
                                                              "worker_cpu_s": worker.ru_utime + worker.ru_stime}))
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
    from .pages.site import Site, SiteOptions

    kb = load(Path(args.data), _today(args.today))
    added = write_manifest(entries(Site(kb, SiteOptions())))
    print(f"published-urls.txt: {added} new URL(s) or anchor(s) added; none removed.")
    return 0


def cmd_docs(args) -> int:
    """Write the generated parts of the hand-written documents (the rule table in CONTRIBUTING.md)."""
    from .docs import update_documents

    changed = update_documents(check=args.check)
    if args.check and changed:
        print(f"{', '.join(changed)} out of date: run `make docs`", file=sys.stderr)
        return 1
    print(f"Updated {', '.join(changed)}." if changed else "The generated parts of the documents are current.")
    return 0


def cmd_diff(args) -> int:
    """What changed in the knowledge between two data folders or git revisions."""
    from .diff import RENDER, SideError, compare, read_side

    sides = []
    failed = False
    for spec in (args.old, args.new):
        try:
            sides.append(read_side(spec, _today(args.today), ignore=frozenset(args.ignore)))
        except SideError as err:
            if not err.problems:  # neither a folder nor a revision: wrong usage
                print(err, file=sys.stderr)
                return 2
            failed = True
            for problem in err.problems:
                print(problem.format())
            print(f"\n{spec}: {len(err.problems)} problem(s); it cannot be compared.\n", file=sys.stderr)
    if failed:
        return 1
    sys.stdout.write(RENDER[args.format](compare(*sides)))
    return 0


COMMANDS = {
    "validate": (cmd_validate, "check every data file and report every problem"),
    "build": (cmd_build, "validate, then build the site atomically"),
    "new": (cmd_new, "scaffold a new instrument record from the template"),
    "format": (cmd_format, "rewrite records into the canonical format (--check: only show the diff)"),
    "manifest": (cmd_manifest, "add the URLs and anchors now published to published-urls.txt"),
    "docs": (cmd_docs, "write the rule-code table into CONTRIBUTING.md (--check: only say if it is out of date)"),
    "diff": (cmd_diff, "list the answers, citations, quotes and instruments that differ between two data "
                       "folders or git revisions"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kb", description="Privacy-law knowledge base tools")
    sub = parser.add_subparsers(dest="command", required=True)
    for name, (_, helptext) in COMMANDS.items():
        p = sub.add_parser(name, help=helptext)
        if name == "diff":
            p.add_argument("old", help="a git revision (its data/ folder; REV:folder for another) or a data folder")
            p.add_argument("new", help="the same, for the newer side (e.g. data for the working tree)")
            p.add_argument("--format", choices=("text", "markdown", "changelog"), default="text",
                           help="text (default), markdown (a pull request's summary) or changelog "
                                "(items for data/editions.yaml)")
            p.add_argument("--ignore", action="append", default=[], metavar="CODE",
                           help="compare even where a side breaks this rule (e.g. an older revision read by a "
                                "rule added since); repeatable")
        if name not in ("docs", "diff"):
            p.add_argument("--data", default="data", help="data folder (default: data)")
        if name != "docs":
            p.add_argument("--today", help="pretend today is this date (YYYY-MM-DD), for reproducible checks")
        if name == "build":
            p.add_argument("--site", default="site", help="output folder (default: site)")
        if name in ("format", "docs"):
            p.add_argument("--check", action="store_true", help="change nothing; show what differs and fail if anything does")
        if name == "new":
            p.add_argument("--id", required=True, help="the new record's id, e.g. cn-miit-2013-telecom-pi-provisions")
    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command][0](args)
    except KeyboardInterrupt:
        return 130
