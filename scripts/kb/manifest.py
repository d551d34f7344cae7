"""The citation contract: every published URL and anchor, and the redirects that keep old ones alive.

published-urls.txt (committed) lists what has been published; a test fails if one stops
resolving, unless redirects.yaml sends its page somewhere (anchors renamed inside a record are
kept alive with the provision's former_ids). `make manifest` adds new URLs; it never drops one.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from .exports import PUBLISHED

ROOT = Path(__file__).resolve().parents[2]
MANIFEST = ROOT / "published-urls.txt"
REDIRECTS = ROOT / "redirects.yaml"
HEADER = ("# Published URLs and anchors: the citation contract. Never delete a line; if a page moves,\n"
          "# declare the redirect in redirects.yaml. `make manifest` appends new URLs after a release.\n")


def entries(site) -> list[str]:
    """Every address the site publishes: each page of the registry with its anchors, and the
    downloads that are part of the contract."""
    out = []
    for page in site.pages():
        out.append(page.url)
        out += [f"{page.url}#{anchor}" for anchor in page.anchors]
    return out + list(PUBLISHED)


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
