"""The citation contract: every published URL and anchor, and the redirects that keep old ones alive.

published-urls.txt (committed) lists what has been published; a test fails if one stops
resolving, unless redirects.yaml sends its page somewhere (anchors renamed inside a record are
kept alive with the provision's former_ids). `make manifest` adds new URLs; it never drops one.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .model import KnowledgeBase

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "published-urls.txt"
REDIRECTS = ROOT / "redirects.yaml"
HEADER = ("# Published URLs and anchors: the citation contract. Never delete a line; if a page moves,\n"
          "# declare the redirect in redirects.yaml. `make manifest` appends new URLs after a release.\n")


def entries(kb: KnowledgeBase, years: list[int]) -> list[str]:
    out = ["", "instruments/", "compare/", "gaps/", "bodies/", "method/", "downloads/", "timeline/",
           "contributing/", "reference/"]
    out += [f"compare/{d.id}/" for d in kb.dimensions]
    out += [f"compare/{d.id}/#{q.anchor}" for d in kb.dimensions for q in d.questions]
    out += [f"jurisdictions/{j.slug}/" for j in kb.jurisdictions.values()]
    out += [f"gaps/{y}/" for y in years]
    out += [f"bodies/{b.id}/" for b in kb.bodies]
    for i in kb.instruments:
        out.append(f"instruments/{i.id}/")
        out += [f"instruments/{i.id}/#{p.id}" for p in i.provisions]
        out += [f"instruments/{i.id}/#{q.anchor}" for q in kb.questions]
    out += ["downloads/instruments.csv", "downloads/findings.csv", "downloads/kb.json",
            "downloads/citations.json", "downloads/citations.ris", "downloads/citations.bib"]
    return out


def read_manifest(path: Path = MANIFEST) -> list[str]:
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() if line.strip() != "/" else "" for line in lines if line.strip() and not line.startswith("#")]


def write_manifest(current: list[str], path: Path = MANIFEST) -> int:
    known = read_manifest(path)
    added = [e for e in current if e not in known]
    lines = [e or "/" for e in known + added]
    path.write_text(HEADER + "\n".join(lines) + "\n", encoding="utf-8")
    return len(added)


def redirects(path: Path = REDIRECTS) -> dict[str, str]:
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {str(k).strip("/") + "/": str(v).strip("/") + "/" for k, v in (data.get("redirects") or {}).items()}


def redirect_page(target: str, depth: int) -> str:
    href = "../" * depth + target
    return ("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Moved</title>"
            f"<meta http-equiv=\"refresh\" content=\"0; url={href}\"><link rel=\"canonical\" href=\"{href}\">"
            f"</head><body><p>This page has moved to <a href=\"{href}\">{target}</a>.</p></body></html>\n")
