"""Accessibility (axe-core, WCAG 2.1 AA) and HTML validity (the Nu HTML checker) of every page.

Findings that belong to the theme are listed in tests/baselines/ with a reason; a baseline entry
that no longer occurs fails the test too, so the baselines cannot rot.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml
from axe_playwright_python.sync_playwright import Axe

from conftest import PAGES, ROOT

BASELINES = Path(__file__).parent / "baselines"
VNU = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _baseline(name: str) -> list[dict]:
    return yaml.safe_load((BASELINES / name).read_text(encoding="utf-8")) or []


@pytest.mark.browser
def test_every_page_passes_axe_at_wcag_21_aa(page, site_url):
    baseline = _baseline("axe.yaml")
    used = [0] * len(baseline)
    axe = Axe()
    unexpected = []
    for path in [p.url for p in PAGES]:
        page.goto(f"{site_url}/{path}")
        result = axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_21_AA}})
        for violation in result.response["violations"]:
            for node in violation["nodes"]:
                target = " ".join(map(str, node["target"]))
                matches = [i for i, entry in enumerate(baseline)
                           if entry["rule"] == violation["id"] and re.search(entry["target"], target)]
                for i in matches:
                    used[i] += 1
                if not matches:
                    unexpected.append(f"/{path}: {violation['id']} at {target}: {violation['help']}")
    assert unexpected == []
    assert [e for e, n in zip(baseline, used, strict=True) if n == 0] == [], "baseline entries that no longer occur"


@pytest.mark.slow  # needs the Nu checker and Java, which `make test` installs
def test_every_page_is_valid_html(built_site):
    assert VNU.exists(), "the Nu checker is missing: `make test` installs it (npm package vnu-jar)"
    java = shutil.which("java")
    assert java, "the Nu checker needs Java; `make test` installs it"
    result = subprocess.run([java, "-jar", str(VNU), "--errors-only", "--format", "json", "--skip-non-html",
                             str(built_site)], capture_output=True, text=True, timeout=600)
    messages = json.loads(result.stderr or result.stdout)["messages"]
    baseline = _baseline("vnu.yaml")
    used = [0] * len(baseline)
    unexpected = []
    for message in messages:
        matches = [i for i, entry in enumerate(baseline) if re.search(entry["message"], message["message"])]
        for i in matches:
            used[i] += 1
        if not matches:
            where = message.get("url", "").replace(f"file:{built_site}", "")
            unexpected.append(f"{where}:{message.get('lastLine')}: {message['message']}")
    assert unexpected == []
    assert [e for e, n in zip(baseline, used, strict=True) if n == 0] == [], "baseline entries that no longer occur"
