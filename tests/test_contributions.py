"""An ordinary contribution keeps `make test` green without touching a test.

The test suite reads its expectations from the data and the page registry. To prove it, this test
makes the edits contributors make every day in a copy of the data (a finding corrected and
verified today, a corrected note, a new instrument) and runs the suite's fast tests against that
copy (KB_TEST_DATA), in a process of its own.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest

from conftest import FIXTURES, ROOT
from kb.formatting import canonical, format_folder
from kb.load.yamlsafe import parse_bytes

pytestmark = pytest.mark.slow


def _edit(path, change):
    doc, problems = parse_bytes(path.read_bytes(), str(path))
    assert doc is not None and not problems
    change(doc.data)
    order = [q for d in parse_bytes((path.parents[1] / "framework.yaml").read_bytes(), "f")[0].data["dimensions"]
             for q in (x["id"] for x in d["questions"])]
    path.write_text(canonical(doc.data, path.parent.name, order), encoding="utf-8")


def test_ordinary_contributions_keep_the_suite_green(data_copy):
    today = dt.date.today().isoformat()

    def verified_today(record):  # a finding corrected, as CONTRIBUTING.md describes it
        finding = record["findings"]["consent.withdrawal"]
        finding["note"] = {"en": finding.get("note", {}).get("en", "Checked.") + " Checked again against the text."}
        finding["last_verified"] = today
        record["review"]["last_verified"] = today

    _edit(data_copy / "instruments" / "cn-saic-2015-consumer-measures.yaml", verified_today)

    def corrected_note(record):
        record["summary"] = {"en": record["summary"]["en"] + " (Summary corrected by a contributor.)"}

    _edit(data_copy / "instruments" / "us-congress-1974-privacy-act.yaml", corrected_note)

    new = (FIXTURES / "minimal-instrument.yaml").read_text(encoding="utf-8").replace("cn-test-2015-minimal",
                                                                                      "cn-test-2015-contributed")
    (data_copy / "instruments" / "cn-test-2015-contributed.yaml").write_text(new, encoding="utf-8")
    diffs, unreadable = format_folder(data_copy, write=True)  # `make format`, as CONTRIBUTING.md says
    assert unreadable == [] and diffs

    environment = {**os.environ, "KB_TEST_DATA": str(data_copy)}
    result = subprocess.run([sys.executable, "-m", "pytest", "tests", "-m", "not browser and not slow", "-q", "-x",
                             "-p", "no:cacheprovider"],
                            cwd=ROOT, env=environment, capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout
