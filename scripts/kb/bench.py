"""`make bench`: how the real pipeline scales, measured, not asserted.

Synthesises data sets by cloning the bundled records under new ids (so every clone is as rich as
a real record), runs the real build on each size several times and prints the median figures,
one line per size, plus the ratios the project targets; then the largest size once more with
lean records (the least a record may hold), to show what the site's own structure costs. It
also times a `make serve`-style rebuild after editing one YAML file at the bundled size, and a
reader's first view of a comparison page in headless Chromium, and the header search: how long
after typing the first result shows, and how many bytes one search fetches, at the bundled size
and at the largest size. Nothing here is a pass/fail test.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


# A record with the least the schema asks for: one provision, twelve findings. A data set of
# these shows what the site's own structure (theme, navigation, indexes) costs per instrument,
# the figure to hold against plain MkDocs with near-empty pages.
LEAN_RECORD = """\
id: {id}
jurisdiction: CN
language: zh
title: {{en: Lean Measures {n}, zh: 精简办法{n}, pinyin: Jīngjiǎn Bànfǎ {n}}}
short_title: Lean Measures {n}
issuer: {{en: Test Administration, zh: 测试管理局}}
instrument_type: departmental-rule
legal_force: binding
binds:
  - {{who: consumer-transactions, cite: [art-1]}}
dates: {{adopted: "2015-01-05", effective: "2015-03-15"}}
status: in-force
sources:
  - {{role: official, lang: zh, title: Lean Measures, url: "https://www.gov.cn/lean"}}
provisions:
  - id: art-1
    label: {{en: Article 1, zh: 第一条}}
    text: {{zh: 经营者收集、使用消费者个人信息，应当经消费者同意。, en: Operators shall obtain the consumer's consent.}}
    translation: {{by: Knowledge-base working translation}}
findings:
  consent.required: {{answer: "yes", cite: [art-1]}}
  consent.defined: {{answer: "no", cite: [art-1]}}
  consent.form: {{answer: "no", cite: [art-1]}}
  consent.implied: {{answer: not-addressed, note: {{en: Silent.}}}}
  consent.withdrawal: {{answer: not-addressed, note: {{en: Silent.}}}}
  registration.prior: {{answer: not-addressed, note: {{en: Silent.}}}}
  registration.public-notice: {{answer: not-addressed, note: {{en: Silent.}}}}
  registration.breach: {{answer: not-addressed, note: {{en: Silent.}}}}
  oversight.designated: {{answer: "yes", cite: [art-1]}}
  oversight.dedicated: {{answer: "no", cite: [art-1]}}
  oversight.independent: {{answer: "no", cite: [art-1]}}
  oversight.government-bound: {{answer: "no", cite: [art-1]}}
oversight:
  - {{body: saic, role: {{en: Enforces it.}}, cite: [art-1]}}
review: {{last_verified: "2026-11-01"}}
"""


def synthesise(target: Path, size: int, lean: bool = False) -> Path:
    """A data folder with `size` instruments: the bundled ones, then clones of them (or, if
    `lean`, lean records)."""
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(DATA, target)
    originals = sorted((DATA / "instruments").glob("*.yaml"))
    n = 0
    while len(list((target / "instruments").glob("*.yaml"))) < size:
        source = originals[n % len(originals)]
        clone_id = f"{source.stem}-clone-{n:04d}" if not lean else f"cn-test-2015-lean-{n:04d}"
        if lean:
            text = LEAN_RECORD.format(id=clone_id, n=n)
        else:
            text = source.read_text(encoding="utf-8")
            text = re.sub(r"^id: .*$", f"id: {clone_id}", text, count=1, flags=re.MULTILINE)
            # A clone keeps the original's titles but not its abbreviations and Chinese short
            # names: those name one instrument only (KB052).
            text = re.sub(r"^  (abbreviations|short_zh):\n(  - .*\n)+", "", text, flags=re.MULTILINE)
        (target / "instruments" / f"{clone_id}.yaml").write_text(text, encoding="utf-8")
        n += 1
    for extra in sorted((target / "instruments").glob("*.yaml"))[size:]:
        extra.unlink()
    return target


def _env(timings: Path) -> dict:
    return {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_TIMINGS": str(timings)}


def _memory_mb(pid: int) -> float:
    """Memory of a process and its children (the build's helper), counting shared pages once.

    Proportional set size from /proc (Linux): the helper shares most of the build's memory
    copy-on-write, so adding up resident sizes would count it twice. 0 where /proc is missing.
    """
    def children(p: int) -> list[int]:
        try:
            return [int(c) for c in Path(f"/proc/{p}/task/{p}/children").read_text().split()]
        except OSError:
            return []

    total = 0.0
    for process in [pid, *children(pid)]:
        try:
            for line in Path(f"/proc/{process}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            pass
    return total


def build_once(data: Path, site: Path) -> dict:
    timings = site.parent / "timings.json"
    timings.unlink(missing_ok=True)
    started = time.perf_counter()
    build = subprocess.Popen([sys.executable, "-m", "kb", "build", "--data", str(data), "--site", str(site)],
                             env=_env(timings), stdout=subprocess.DEVNULL)
    peak = 0.0
    while build.poll() is None:  # sample memory while it runs (not too often: reading it costs CPU)
        peak = max(peak, _memory_mb(build.pid))
        time.sleep(0.2)
    figures = {"total_s": time.perf_counter() - started, "peak_memory_mb": peak}
    if build.returncode != 0:
        raise SystemExit(f"the build of {data} failed")
    inner = json.loads(timings.read_text()) if timings.exists() else {}
    pages = list(site.rglob("*.html"))
    sizes = {p: p.stat().st_size for p in pages}
    matrices = {p for p in pages if "/compare/" in str(p) or p.parent.name in ("gaps", "instruments") and p.name == "index.html"}
    figures.update(
        validate_s=inner.get("validate_s", 0.0),
        plan_s=inner.get("load_s", 0.0) + inner.get("plan_s", 0.0),
        wait_s=inner.get("page_wait_s", 0.0),
        search_s=inner.get("search_s", 0.0),  # Pagefind indexing the built site (on_post_build)
        pagefind_mb=sum(f.stat().st_size for f in (site / "pagefind").rglob("*") if f.is_file()) / 1e6,
        instruments=len(list((site / "instruments").glob("*/index.html"))),
        worker_cpu_s=inner.get("worker_cpu_s", 0.0),
        site_mb=sum(f.stat().st_size for f in site.rglob("*") if f.is_file()) / 1e6,
        largest_page_kb=max(sizes.values()) / 1024,
        largest_other_page_kb=max((s for p, s in sizes.items() if p not in matrices), default=0) / 1024,
    )
    figures["own_s"] = figures["validate_s"] + figures["plan_s"] + figures["wait_s"] + figures["search_s"]
    figures["kb_per_instrument"] = figures["site_mb"] * 1000 / max(figures["instruments"], 1)
    figures["mkdocs_s"] = figures["total_s"] - figures["own_s"]
    return figures


def median_build(data: Path, runs: int) -> dict:
    results = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="kb-bench-site-") as tmp:
            results.append(build_once(data, Path(tmp) / "site"))
    return {key: statistics.median(r[key] for r in results) for key in results[0] if key != "rc"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _fetch(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


# The records `make bench` edits: a year page's section on a jurisdiction is rendered again when
# an instrument bearing on it changes, so a US federal record (which bears on every state's
# section too) costs more than a Chinese one.
SERVE_EDITS = {"a Chinese record": "cn-saic-2015-consumer-measures", "a US federal record": "us-congress-1974-privacy-act"}


def serve_rebuild(runs: int, source: Path = DATA) -> dict[str, float]:
    """Seconds from saving a YAML edit (a record's short title) to `mkdocs serve` serving the
    changed page, median of ``runs`` edits of each record of SERVE_EDITS, with the data folder
    ``source`` (the bundled data, or a synthesised one)."""
    with tempfile.TemporaryDirectory(prefix="kb-bench-serve-") as tmp:
        data = Path(tmp) / "data"
        shutil.copytree(source, data)
        port = _free_port()
        env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "KB_DATA": str(data)}
        server = subprocess.Popen([sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr",
                                   f"127.0.0.1:{port}", "--config-file", str(ROOT / "mkdocs.yml")],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/compare/consent/"  # the edited short title shows in this table
        try:
            deadline = time.time() + 300
            while _fetch(url) is None and time.time() < deadline:
                time.sleep(0.2)
            time.sleep(2)  # the first build is served; let the watcher settle
            medians = {}
            for label, record_id in SERVE_EDITS.items():
                record = data / "instruments" / f"{record_id}.yaml"
                original = record.read_text(encoding="utf-8")
                times = []
                for n in range(runs):
                    marker = f"Benchmark edit {n}"
                    record.write_text(re.sub(r"^short_title: .*$", f"short_title: {marker}", original, count=1,
                                             flags=re.MULTILINE), encoding="utf-8")
                    start = time.perf_counter()
                    # The edited row is in the page, or (at 1,000 instruments) in its rows.json.
                    while (marker not in (_fetch(url) or "") + (_fetch(url + "rows.json") or "")
                           and time.perf_counter() - start < 120):
                        time.sleep(0.05)
                    times.append(time.perf_counter() - start)
                    time.sleep(1.5)  # let the watcher settle before the next edit
                record.write_text(original, encoding="utf-8")
                time.sleep(4)  # the rebuild that restores it
                medians[label] = statistics.median(times)
            return medians
        finally:
            server.terminate()
            server.wait(timeout=30)


def _serve_report(label: str, medians: dict[str, float], runs: int) -> None:
    for what, seconds in medians.items():
        print(f"serve_rebuild_s={seconds:.2f} ({label}, editing {what}'s short title, median of {runs})", flush=True)


def _chromium_and_playwright():
    """Debian's Chromium and Playwright's sync API, or None where either is missing."""
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    return (chromium, sync_playwright) if chromium else None


def first_view(runs: int) -> float | None:
    """Seconds until a reader sees the consent comparison (load event) in headless Chromium."""
    found = _chromium_and_playwright()
    if found is None:
        return None
    chromium, sync_playwright = found
    import functools
    import http.server
    import threading

    with tempfile.TemporaryDirectory(prefix="kb-bench-view-") as tmp:
        site = Path(tmp) / "site"
        subprocess.run([sys.executable, "-m", "kb", "build", "--site", str(site)], env=_env(Path(tmp) / "t.json"),
                       stdout=subprocess.DEVNULL, check=True, cwd=ROOT)
        class Quiet(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

        handler = functools.partial(Quiet, directory=str(site))
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{server.server_address[1]}/compare/consent/"
        times = []
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            for _ in range(runs):
                context = browser.new_context()
                page = context.new_page()
                start = time.perf_counter()
                page.goto(url, wait_until="load")
                times.append(time.perf_counter() - start)
                context.close()
            browser.close()
        server.shutdown()
        return statistics.median(times)


def _serve_site(site: Path):
    import functools
    import http.server
    import threading

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


# Queries a reader types: abbreviations, Chinese short names, words of the law in both languages.
SEARCHES = ("PIPL", "个保法", "CCPA", "网络安全法", "consent", "同意", "FISA 702", "data broker")


def search_latency(site: Path, runs: int) -> dict | None:
    """The header search in headless Chromium on localhost, each query in a fresh browser context
    (nothing cached), on the home page, typed as fast as Playwright types: seconds from the first
    keystroke until the results for the whole query are on screen, and the bytes of the files
    fetched from pagefind/ from the navigation until the network is quiet again (the search
    script, its worker and WebAssembly, its entry file and metadata, the index chunks the words
    need, the fragments of the results shown, the filters: what a first search costs a reader).

    Two moments to start typing: "idle", once the page has loaded and the network has been quiet
    for half a second (a reader moving to the box; the search box loads Pagefind then, see
    kb-search.js), and "at load", at the load event itself (the worst case: Pagefind is still
    loading when the first key is pressed). Bytes are counted as the files' sizes on disk (the
    local server does not compress; Pagefind's index chunks and fragments are gzip files already).
    Medians over ``runs`` rounds of SEARCHES, and the largest figures seen."""
    found = _chromium_and_playwright()
    if found is None:
        return None
    chromium, sync_playwright = found
    from urllib.parse import unquote, urlsplit

    server, url = _serve_site(site)
    seconds: dict[str, list[float]] = {"idle": [], "load": []}
    fetched: list[int] = []

    def size_of(request_url: str) -> int:
        path = site / unquote(urlsplit(request_url).path).lstrip("/")
        return path.stat().st_size if path.is_file() else 0

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"])
            for _ in range(runs):
                for moment in ("idle", "load"):
                    for query in SEARCHES:
                        context = browser.new_context(viewport={"width": 1280, "height": 900})
                        page = context.new_page()
                        urls: set[str] = set()
                        page.on("requestfinished", lambda r, urls=urls: urls.add(r.url) if "/pagefind/" in r.url else None)
                        page.goto(f"{url}/", wait_until="load")
                        if moment == "idle":
                            page.wait_for_load_state("networkidle")
                        page.keyboard.press("/")
                        start = time.perf_counter()
                        page.keyboard.type(query)
                        page.wait_for_function(
                            "q => { const list = document.querySelector('.kb-search__results');"
                            " return list.getAttribute('data-query') === q && list.querySelector('.kb-search__result'); }",
                            arg=query, timeout=30_000)
                        seconds[moment].append(time.perf_counter() - start)
                        page.wait_for_load_state("networkidle")
                        if moment == "idle":
                            fetched.append(sum(size_of(u) for u in urls))
                        context.close()
            browser.close()
    finally:
        server.shutdown()
    return {"first_result_s": statistics.median(seconds["idle"]), "first_result_max_s": max(seconds["idle"]),
            "at_load_s": statistics.median(seconds["load"]), "at_load_max_s": max(seconds["load"]),
            "search_kb": statistics.median(fetched) / 1024, "search_max_kb": max(fetched) / 1024}


def _search_report(label: str, figures: dict | None) -> None:
    if figures is None:
        print(f"search instruments={label} n/a (Chromium or Playwright missing)")
        return
    print(f"search instruments={label} first_result_s={figures['first_result_s']:.2f} "
          f"(max {figures['first_result_max_s']:.2f}; typing at the load event: {figures['at_load_s']:.2f}, "
          f"max {figures['at_load_max_s']:.2f}) fetched_kb={figures['search_kb']:.0f} "
          f"(max {figures['search_max_kb']:.0f}) (headless Chromium, localhost, {len(SEARCHES)} queries)", flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="100,1000")
    parser.add_argument("--runs", type=int, default=3, help="builds per size; the median is printed")
    parser.add_argument("--no-lean", dest="lean", action="store_false",
                        help="skip the extra build of the largest size with lean records")
    parser.add_argument("--only", choices=("all", "search", "serve"), default="all",
                        help="search: only the search and serve figures (one build per size)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    rows = {}

    def report(label: str, r: dict) -> None:
        print(f"instruments={label} validate_s={r['validate_s']:.2f} plan_s={r['plan_s']:.2f} "
              f"wait_s={r['wait_s']:.2f} "
              f"mkdocs_s={r['mkdocs_s']:.2f} total_s={r['total_s']:.2f} site_mb={r['site_mb']:.1f} "
              f"largest_page_kb={r['largest_page_kb']:.0f} largest_other_page_kb={r['largest_other_page_kb']:.0f} "
              f"peak_memory_mb={r['peak_memory_mb']:.0f} worker_cpu_s={r['worker_cpu_s']:.2f} "
              f"search_s={r['search_s']:.2f} pagefind_mb={r['pagefind_mb']:.1f} "
              f"kb_per_instrument={r['kb_per_instrument']:.0f} "
              f"own_share={r['own_s'] / r['total_s']:.1%}", flush=True)

    with tempfile.TemporaryDirectory(prefix="kb-bench-data-") as tmp:
        for size in sizes:
            data = synthesise(Path(tmp) / f"data-{size}", size)
            if args.only == "all":
                rows[size] = median_build(data, args.runs)
                report(str(size), rows[size])
        # The search, at the bundled size and the largest (one more build of each, kept).
        bundled = f"{len(list((DATA / 'instruments').glob('*.yaml')))} (bundled)"
        for label, source in ((bundled, DATA), (str(sizes[-1]), Path(tmp) / f"data-{sizes[-1]}")):
            if args.only == "serve":
                break
            site = Path(tmp) / "search-site"
            shutil.rmtree(site, ignore_errors=True)
            build_once(source, site)
            _search_report(label, search_latency(site, args.runs))
        if args.only != "search":
            _serve_report(f"{sizes[-1]} instruments", serve_rebuild(args.runs, Path(tmp) / f"data-{sizes[-1]}"), args.runs)
        if args.lean and args.only == "all":
            data = synthesise(Path(tmp) / "data-lean", sizes[-1], lean=True)
            report(f"{sizes[-1]} (lean records)", median_build(data, args.runs))
    if args.only != "search":
        _serve_report("bundled data", serve_rebuild(args.runs), args.runs)
    if args.only != "all":
        return 0
    if len(sizes) >= 2:
        small, large = rows[sizes[0]], rows[sizes[-1]]
        print(f"ratio total_s({sizes[-1]})/total_s({sizes[0]})={large['total_s'] / small['total_s']:.1f} "
              f"site_mb({sizes[-1]})/site_mb({sizes[0]})={large['site_mb'] / small['site_mb']:.1f} "
              f"(size ratio {sizes[-1] / sizes[0]:.0f})")
    view = first_view(5)
    print(f"first_view_compare_s={view:.2f} (headless Chromium, /compare/consent/, median of 5)" if view is not None
          else "first_view_compare_s=n/a (Chromium or Playwright missing)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
