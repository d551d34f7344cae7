"""Citing the knowledge base: ready-made citations, reference-manager files and metadata, and the
stability of published URLs and anchors."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import jsonschema
import pytest

from conftest import FIXTURES, KB, ROOT, data_with, run_kb
from kb.citations import Citer, csl_json
from kb.formatting import canonical
from kb.load import load
from kb.load.yamlsafe import parse_bytes
from kb.manifest import read_manifest, redirects
from test_site import parse

CSL_SCHEMA = json.loads((ROOT / "schema" / "vendor" / "csl-data.schema.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def fixture_kb(tmp_path_factory):
    """Three small records shaped like the seed instruments (tests/fixtures/records/): the exact
    wording of each citation style is checked on them, so that correcting a real record's title
    never breaks this test."""
    records = sorted((FIXTURES / "records").glob("*.yaml"))
    return load(data_with(tmp_path_factory.mktemp("citations"), *records))


def test_citations_in_each_style(fixture_kb):
    citer = Citer(fixture_kb, fixture_kb.edition)
    rule = fixture_kb.instrument("cn-test-2015-consumer-rule")
    forms = citer.cite(rule, rule.provisions[0])
    assert forms["bluebook"] == (
        "Qinhai Xiaofeizhe Quanyi Xingwei Chufa Banfa (侵害消费者权益行为处罚办法) [Measures for Punishments "
        "against Infringements on Consumer Rights and Interests] (promulgated by the State Admin. for Indus. & Com., "
        "Jan. 5, 2015, effective Mar. 15, 2015), art. 11 (China).")
    assert forms["oscola"].endswith("5 January 2015, art 11")
    assert forms["chicago"].startswith("Measures for Punishments against Infringements on Consumer Rights and "
                                       "Interests [Qinhai Xiaofeizhe Quanyi Xingwei Chufa Banfa 侵害消费者权益行为处罚办法]")
    # a text read online: [Z/OL], the date, the access date (left for the citer: the record does not
    # say when the official text was accessed) and the URL
    assert forms["gbt7714"] == ("国家工商行政管理总局. 侵害消费者权益行为处罚办法：第十一条[Z/OL]. (2015-01-05)[引用日期]. "
                                "https://www.gov.cn/test.")
    decision = citer.cite(fixture_kb.instrument("cn-test-2012-decision"))
    assert "(promulgated by the Standing Comm. Nat'l People's Cong., Dec. 28, 2012, effective Dec. 28, 2012) (China)." \
        in decision["bluebook"]
    report = citer.cite(fixture_kb.instrument("us-test-2014-report"))
    assert report["bluebook"] == "Executive Office of the President, Big Data: Seizing Opportunities, Preserving Values (May 2014)."
    assert report["gbt7714"] == ("Executive Office of the President. Big Data: Seizing Opportunities, Preserving Values"
                                 "[R/OL]. (2014-05-01)[引用日期]. https://obamawhitehouse.archives.gov/test.")


@pytest.mark.parametrize("instrument", KB.instruments, ids=lambda i: i.id)
def test_every_instrument_and_provision_gets_a_citation_in_every_style(instrument):
    citer = Citer(KB, KB.edition)
    for provision in (None, *instrument.provisions):
        for style, text in citer.cite(instrument, provision).items():
            assert text and "None" not in text and "  " not in text, (style, text)
            assert instrument.title.en in text or (instrument.title.zh or "@") in text


def test_csl_json_downloads_are_valid_against_the_official_schema(built_site):
    collection = json.loads((built_site / "downloads" / "citations.json").read_text(encoding="utf-8"))
    jsonschema.validate(collection, CSL_SCHEMA)
    assert [item["id"] for item in collection] == [i.id for i in KB.instruments]
    types = {item["id"]: item["type"] for item in collection}
    assert types["cn-npcsc-2012-network-information"] == "legislation"
    assert types["cn-saic-2015-consumer-measures"] == "legislation"
    assert types["us-eop-2014-big-data-report"] == "report"
    assert types["us-hhs-2000-hipaa-privacy-rule"] == "regulation"
    for instrument in KB.instruments:
        single = json.loads((built_site / "downloads" / "citations" / f"{instrument.id}.json").read_text(encoding="utf-8"))
        jsonschema.validate(single, CSL_SCHEMA)


@pytest.mark.slow  # needs pandoc, which `make test` installs
def test_pandoc_renders_the_csl_json_without_warnings(tmp_path):
    pandoc = shutil.which("pandoc")
    assert pandoc, "pandoc is needed: `make test` installs Debian's pandoc"
    bibliography = tmp_path / "kb.json"
    seeds = [KB.instrument(i) for i in ("cn-npcsc-2012-network-information", "cn-saic-2015-consumer-measures",
                                        "us-eop-2014-big-data-report")]
    bibliography.write_bytes(csl_json(seeds))
    document = tmp_path / "doc.md"
    document.write_text("---\nnocite: '@*'\n---\n", encoding="utf-8")
    result = subprocess.run([pandoc, str(document), "--citeproc", f"--bibliography={bibliography}", "-t", "plain",
                             "--wrap=none"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and result.stderr.strip() == "", result.stderr
    text = result.stdout
    for instrument in seeds:
        assert instrument.title.en in text.replace("’", "'").replace("“", "").replace("”", "")
        assert instrument.adopted[:4] in text
        assert instrument.jurisdiction.name.en in text


def test_ris_and_bibtex_hold_one_entry_per_instrument(built_site):
    ris = (built_site / "downloads" / "citations.ris").read_text(encoding="utf-8")
    assert ris.count("\nER  - ") + ris.startswith("ER  - ") == len(KB.instruments)
    assert "TY  - STAT" in ris and "TY  - RPRT" in ris and "TT  - 侵害消费者权益行为处罚办法" in ris
    bib = (built_site / "downloads" / "citations.bib").read_text(encoding="utf-8")
    assert bib.count("@misc{") == len(KB.instruments)
    assert "@misc{us-congress-1974-privacy-act," in bib
    assert bib.count("{") == bib.count("}")


def test_instrument_pages_carry_reference_manager_metadata(built_site):
    for instrument_id, item_type, ld_type in (("cn-saic-2015-consumer-measures", "statute", "Legislation"),
                                              ("us-eop-2014-big-data-report", "report", "Report")):
        html = (built_site / "instruments" / instrument_id / "index.html").read_text(encoding="utf-8")
        head = html[: html.index("</head>")]
        instrument = KB.instrument(instrument_id)
        assert f'<meta name="citation_title" content="{instrument.title.en}">' in head
        assert f'<meta name="citation_date" content="{instrument.adopted.replace("-", "/")}">' in head
        assert f'<meta name="z.itemType" content="{item_type}">' in head
        assert f'<meta name="DC.type" content="{item_type}">' in head
        raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', head).group(1)
        document = json.loads(raw)
        assert document["@type"] == ld_type and document["name"] == instrument.title.en
        if ld_type == "Legislation":
            assert document["legislationDate"] == instrument.adopted
            assert document["legislationJurisdiction"] == "China"
            assert document["legislationLegalForce"] == "InForce"
            assert document["legislationPassedBy"]["name"] == "State Administration for Industry and Commerce"


def test_every_page_shows_the_edition_and_downloads_carry_the_changelog(built_site):
    for page in ("index.html", "instruments/cn-saic-2015-consumer-measures/index.html", "gaps/2015/index.html"):
        assert f"Dataset edition {KB.edition}" in (built_site / page).read_text(encoding="utf-8")
    downloads = (built_site / "downloads" / "index.html").read_text(encoding="utf-8")
    assert f'id="edition-{KB.edition}"' in downloads and "Editions and what changed" in downloads
    assert json.loads((built_site / "downloads" / "kb.json").read_text(encoding="utf-8"))["edition"] == KB.edition


def _unresolved(site: Path) -> list[str]:
    moved = redirects()
    missing = []
    pages: dict[Path, set] = {}
    for entry in read_manifest():
        path, _, anchor = entry.partition("#")
        if path in moved:
            target = site / path / "index.html"
            if not target.exists():
                missing.append(f"{entry} (redirect page not built)")
            continue
        file = site / path / "index.html" if path == "" or path.endswith("/") else site / path
        if not file.exists():
            missing.append(entry)
            continue
        if anchor:
            if file not in pages:
                pages[file] = parse(file).ids
            if anchor not in pages[file]:
                missing.append(entry)
    return missing


def test_every_published_url_and_anchor_still_resolves(built_site):
    assert len(read_manifest()) > 500
    assert _unresolved(built_site) == []


def test_renaming_a_provision_breaks_the_contract_unless_its_old_anchor_is_kept(data_copy, tmp_path):
    record = data_copy / "instruments" / "cn-saic-2015-consumer-measures.yaml"
    doc, _ = parse_bytes(record.read_bytes(), str(record))
    data = doc.data
    for provision in data["provisions"]:
        if provision["id"] == "art-11":
            provision["id"] = "article-11"
    for entry in [*data["findings"].values(), *data["binds"], *data["oversight"], *data.get("relations", [])]:
        if "cite" in entry:
            # the article and its paragraphs and items (art-11-p1-i2 -> article-11-p1-i2)
            entry["cite"] = [re.sub(r"^art-11(?=$|-p)", "article-11", c) for c in entry["cite"]]
    record.write_text(canonical(data, "instruments", [q.id for q in KB.questions]), encoding="utf-8")
    site = tmp_path / "site"
    assert run_kb("build", "--data", str(data_copy), "--site", str(site)).returncode == 0
    assert "instruments/cn-saic-2015-consumer-measures/#art-11" in _unresolved(site)
    for provision in data["provisions"]:
        if provision["id"] == "article-11":
            provision["former_ids"] = ["art-11"]
    record.write_text(canonical(data, "instruments", [q.id for q in KB.questions]), encoding="utf-8")
    assert run_kb("build", "--data", str(data_copy), "--site", str(site)).returncode == 0
    assert _unresolved(site) == []


@pytest.mark.browser
def test_copy_buttons_copy_the_citation_and_the_page_citation_is_completed(browser, site_url):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url)
    page = context.new_page()
    page.goto(f"{site_url}/instruments/cn-saic-2015-consumer-measures/")
    saic = KB.instrument("cn-saic-2015-consumer-measures")
    citer = Citer(KB, KB.edition)
    page.locator('button[data-copy="cite-bluebook"]').click()
    assert page.evaluate("navigator.clipboard.readText()") == citer.cite(saic)["bluebook"]
    page_citation = page.locator("#cite-page").inner_text()
    assert f"{site_url}/instruments/cn-saic-2015-consumer-measures/" in page_citation
    assert "[date]" not in page_citation and re.search(r"accessed \d{4}-\d{2}-\d{2}\.", page_citation)
    assert f"edition {KB.edition}" in page_citation
    provision = saic.provisions[0]
    page.locator(f"#{provision.id} ~ .kb-provision summary").first.click()
    page.locator(f'button[data-copy="cite-{provision.id}-gbt7714"]').click()
    # an access date the record does not give is the reader's today ([引用日期] filled in by the page)
    today = page.evaluate("new Date().toISOString().slice(0, 10)")
    assert page.evaluate("navigator.clipboard.readText()") == \
        citer.cite(saic, provision)["gbt7714"].replace("[引用日期]", f"[{today}]")
    context.close()

