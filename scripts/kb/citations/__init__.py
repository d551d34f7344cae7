"""Citations of instruments and provisions, and reference-manager files.

The parts of a citation live in the records (pinyin title, promulgating body, dates, document
number, citation.code ...); the strings are rendered from them by one Jinja2 template per style
in templates/. They are plain text: pages escape them when they show them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from ..model import Instrument, KnowledgeBase, Provision

STYLES = {
    "bluebook": "Bluebook",
    "oscola": "OSCOLA",
    "chicago": "Chicago (notes)",
    "gbt7714": "GB/T 7714-2015",
}
PROJECT = "Privacy Law Compared"

_BLUEBOOK_MONTHS = ["Jan.", "Feb.", "Mar.", "Apr.", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec."]
_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"]


@lru_cache(maxsize=4096)
def romanize(pinyin: str | None) -> str:
    """Pinyin without tone marks, as Bluebook and most English styles print it."""
    if not pinyin:
        return ""
    decomposed = unicodedata.normalize("NFKD", pinyin)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _date(iso: str | None, form) -> str:
    return form(dt.date.fromisoformat(iso)) if iso else ""


def date_bluebook(iso: str | None) -> str:
    return _date(iso, lambda d: f"{_BLUEBOOK_MONTHS[d.month - 1]} {d.day}, {d.year}")


def date_long(iso: str | None) -> str:
    return _date(iso, lambda d: f"{_MONTHS[d.month - 1]} {d.day}, {d.year}")


def date_oscola(iso: str | None) -> str:
    return _date(iso, lambda d: f"{d.day} {_MONTHS[d.month - 1]} {d.year}")


def month_year(iso: str | None) -> str:
    return _date(iso, lambda d: f"{_MONTHS[d.month - 1]} {d.year}")


def pinpoint(provision: Provision | None, style: str) -> str:
    """'Article 11' -> 'art. 11' (OSCOLA: 'art 11'); '§ 552a(b)' stays a section; else the label."""
    if provision is None:
        return ""
    label = provision.label.en
    article = re.match(r"^Articles? (\d+(?:[–-]\d+)?)(?:,? paragraph (\d+))?((?:\([0-9a-z]+\))*)", label)
    if article:
        number = article.group(1) + (f"({article.group(2)})" if article.group(2) else "") + article.group(3)
        return ("arts " if "–" in number or "-" in number else "art ") + number if style == "oscola" else \
            ("arts. " if "–" in number or "-" in number else "art. ") + number
    code = code_pinpoint(provision)
    if code:  # a US provision: its place in the code (5 U.S.C. § 552a(b)), which is how it is cited
        return _oscola_code(code) if style == "oscola" else code
    section = re.match(r"^(?:.*?)(§+\s*[\w.]+(?:\([0-9A-Za-z]+\))*(?:\s*[–-]\s*\([0-9A-Za-z]+\))*)", label) \
        or re.match(r"^(?:Sec\.|Section)\s+([\w.]+(?:\([0-9A-Za-z]+\))*)", label)
    if section:
        text = section.group(1)
        return text if text.startswith("§") else "§ " + text
    return label


# A US code citation inside a provision's label: 5 U.S.C. § 552a(a)(1)–(2), 45 C.F.R. § 160.102(a),
# Cal. Civ. Code § 1798.99.80(a), (d). The words around it (the Act's own section, a description of
# the subsection) are the record's, not part of the citation.
_CODE = re.compile(r"(?:\d+\s+(?:U\.S\.C\.|C\.F\.R\.)|Cal\. Civ\. Code)\s+§§?\s*[\w.]*\w(?:\([0-9A-Za-z]+\))*"
                   r"(?:\s*[–-]\s*\([0-9A-Za-z]+\))*(?:,\s*\([0-9A-Za-z]+\)(?:\([0-9A-Za-z]+\))*)*")


def code_pinpoint(provision: Provision | None) -> str:
    found = _CODE.search(provision.label.en) if provision else None
    return found.group(0) if found else ""


def _oscola_code(text: str) -> str:
    return text.replace("U.S.C.", "USC").replace("C.F.R.", "CFR").replace("Cal. Civ. Code", "Cal Civ Code")


_STYLE_DATES = {"bluebook": date_bluebook, "chicago": date_long, "oscola": date_oscola, "gbt7714": lambda iso: iso}


def version_note(instrument: Instrument, provision: Provision | None, style: str, day: str) -> str:
    """Which wording a citation cites, and what later amendments in force on ``day`` made of the
    provision: "2016 text; art. 43 since Jan. 1, 2026". Empty for an instrument never amended.
    GB/T 7714 gets it in Chinese for a Chinese instrument."""
    later = instrument.later_versions()
    if not later and not instrument.coded_version:
        return ""
    chinese = style == "gbt7714" and instrument.language == "zh"
    when = _STYLE_DATES[style]
    parts = [instrument.coded.name.zh if chinese else instrument.coded.name.en]
    for version in later:
        amendment = version.amendment
        in_force = version.effective <= day
        if provision is None:
            if chinese:
                parts.append(f"{amendment.date}修改" + (f"，{version.effective}起施行"
                                                          if version.effective != amendment.date else ""))
            else:
                parts.append(f"amended {when(amendment.date)}" + (
                    f", effective {when(version.effective)}" if version.effective != amendment.date else ""))
            continue
        change = provision.version_of(amendment.date)
        if change is None:
            continue
        if change.wording.id == "repealed":
            parts.append(f"{version.effective}起删除" if chinese else f"repealed {when(version.effective)}")
            continue
        new_label = instrument.label_on(provision, version.effective)
        renumbered = new_label.en != provision.label.en
        if chinese:
            if renumbered:
                parts.append(f"{version.effective}{'起' if in_force else '起将'}为{new_label.zh or new_label.en}"
                             + {"amended": "，文字已修改", "unverified": "，文字未核实"}.get(change.wording.id, ""))
            elif change.wording.id == "unchanged":
                parts.append(f"{amendment.date[:4]}年修改未改动")
            elif change.wording.id == "not-listed":
                parts.append(f"未列入{amendment.date[:4]}年修改")
            elif change.wording.id == "amended":
                parts.append(f"{amendment.date[:4]}年修改")
            continue
        pin = pinpoint(dataclasses.replace(provision, label=new_label), style) if renumbered else ""
        if renumbered:
            parts.append(f"{pin} {'since' if in_force else 'from'} {when(version.effective)}"
                         + {"amended": ", words amended", "unverified": ", words not verified"}.get(change.wording.id, ""))
        elif change.wording.id == "unchanged":
            parts.append(f"unchanged as amended {amendment.date[:4]}")
        elif change.wording.id == "not-listed":
            parts.append(f"not listed as amended in {amendment.date[:4]}")
        elif change.wording.id == "amended":
            parts.append(f"amended {when(amendment.date)}")
    return ("；" if chinese else "; ").join(parts)


ACCESS_DATE = "引用日期"  # GB/T 7714's own word for the day the citer consulted the text


def online_source(instrument: Instrument) -> tuple[str, str]:
    """The URL a GB/T 7714 [Z/OL] citation gives, and its access date: the official text in the
    instrument's own language, with the day the record says it was accessed. Where the record
    does not say, the date is left for the citer ([引用日期]; the page fills in the reader's
    today, as GB/T 7714 asks for the day the citer consulted it): never a day nobody opened it."""
    official = instrument.official_sources
    source = next((s for s in official if s.lang == instrument.language), official[0])
    return source.url, source.accessed or ACCESS_DATE


def kind(instrument: Instrument) -> str:
    """How a citation style treats the instrument."""
    if instrument.legal_force.id == "non-binding":
        return "report"
    if instrument.jurisdiction.code == "CN":
        return "chinese"
    if instrument.instrument_type.id in ("departmental-rule", "administrative-regulation"):
        return "us-regulation"
    return "us-statute"


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """The citation styles' templates (compiled once per process: `make serve` makes a Citer for
    every rebuild, in both its processes)."""
    env = Environment(loader=FileSystemLoader(str(Path(__file__).parent / "templates")),
                      autoescape=False, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters.update(bluebook_date=date_bluebook, long_date=date_long, oscola_date=date_oscola,
                       month_year=month_year, romanize=romanize)
    env.globals.update(kind=kind, pinpoint=pinpoint, code_pinpoint=code_pinpoint, PROJECT=PROJECT,
                       online_source=online_source)
    return env


class Citer:
    def __init__(self, kb: KnowledgeBase, edition: str = "", day: str | None = None):
        self.kb = kb
        self.edition = edition
        # the day "current" numbers are read on: the edition's (so a build is reproducible)
        self.day = day or edition or kb.edition or dt.date.today().isoformat()
        # One compiled template per style and process; each Citer makes its own module of it, with
        # the day its version notes are read on.
        day_vars = {"version_note": lambda i, p, style: version_note(i, p, style, self.day)}
        self.modules = {style: _environment().get_template(f"{style}.j2").make_module(day_vars) for style in STYLES}
        self._cache: dict[tuple, dict[str, str]] = {}

    def cite(self, instrument: Instrument, provision: Provision | None = None) -> dict[str, str]:
        """The instrument (or one of its provisions) in every style (computed once, then reused)."""
        key = (instrument.id, provision.id if provision else None)
        if key not in self._cache:
            self._cache[key] = {style: _tidy(str(self.modules[style].instrument(instrument, provision)))
                                for style in STYLES}
        return self._cache[key]

    def finding(self, instrument: Instrument, finding, path: str) -> str:
        """One finding as a source: the question, the answer and what it rests on, in this edition,
        at its permalink (the browser puts the full address and the access date in)."""
        answer = self.kb.answer(finding.answer).label.en.lower()
        def cited(p):  # with the number the text in force now gives it, where an amendment renumbered it
            now = instrument.label_on(p, self.day)
            return pinpoint(p, "bluebook") + (f" [now {pinpoint(dataclasses.replace(p, label=now), 'bluebook')}]"
                                               if now.en != p.label.en else "")
        rests = ", ".join(cited(p) for p in finding.cite)
        version = version_note(instrument, None, "bluebook", self.day).split(";")[0]
        said = f"{instrument.short_title}: {finding.question.text.en} {answer}" + (f" ({rests})" if rests else "") \
            + (f" [{version}]" if version else "")
        edition = f", edition {self.edition}" if self.edition else ""
        return f"{PROJECT} contributors, “{said}”, {PROJECT}{edition}, {path}, accessed [date]."

    def page(self, instrument_or_title, path: str) -> str:
        """The page itself as a source; the URL and access date are filled in by the reader's browser."""
        title = getattr(getattr(instrument_or_title, "title", None), "en", None) or str(instrument_or_title)
        edition = f", edition {self.edition}" if self.edition else ""
        return f"{PROJECT} contributors, “{title}”, {PROJECT}{edition}, {path}, accessed [date]."


def _tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).replace(" ,", ",").replace(" .", ".").strip()


# --- reference-manager files ---------------------------------------------------------------

_CSL_TYPES = {"report": "report", "chinese": "legislation", "us-statute": "legislation", "us-regulation": "regulation"}
_RIS_TYPES = {"report": "RPRT", "chinese": "STAT", "us-statute": "STAT", "us-regulation": "LEGAL"}
_LANG = {"zh": "zh-CN", "en": "en-US"}


def _date_parts(iso: str) -> dict:
    y, m, d = (int(x) for x in iso.split("-"))
    return {"date-parts": [[y, m, d]]}


def csl_item(instrument: Instrument, site_url: str = "") -> dict:
    i = instrument
    item = {
        "id": i.id,
        "type": _CSL_TYPES[kind(i)] if i.instrument_type.id != "normative-document" else "document",
        "title": i.title.en,
        "title-short": i.short_title,
        "author": [{"literal": i.citation.get("author") or i.issuer.en}],
        "authority": i.citation.get("author") or i.issuer.en,
        "issued": _date_parts(i.adopted),
        "jurisdiction": i.jurisdiction.name.en,
        "publisher-place": i.jurisdiction.name.en,
        "language": _LANG.get(i.language, i.language),
        "URL": i.official_sources[0].url,
    }
    if i.document_number:
        item["number"] = i.document_number
    if i.title.zh:
        item["original-title"] = i.title.zh
        item["note"] = f"{i.title.zh} ({romanize(i.pinyin)})"
    if i.citation.get("code"):
        item["container-title"] = i.citation["code"]
    if i.citation.get("section"):
        item["section"] = i.citation["section"]
    if i.effective:
        item["available-date"] = _date_parts(i.effective)
    return item


def csl_json(instruments: list[Instrument]) -> bytes:
    return (json.dumps([csl_item(i) for i in instruments], ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def _ris_escape(value: str) -> str:
    return " ".join(str(value).split())


def ris(instruments: list[Instrument]) -> bytes:
    lines = []
    for i in instruments:
        y, m, d = i.adopted.split("-")
        entry = [("TY", _RIS_TYPES[kind(i)]), ("TI", i.title.en), ("ST", i.short_title), ("AU", i.citation.get("author") or i.issuer.en),
                 ("PY", y), ("DA", f"{y}/{m}/{d}"), ("CY", i.jurisdiction.name.en), ("LA", _LANG.get(i.language, i.language)),
                 ("UR", i.official_sources[0].url), ("ID", i.id)]
        if i.title.zh:
            entry.append(("TT", i.title.zh))
            entry.append(("N1", f"Pinyin: {romanize(i.pinyin)}"))
        if i.document_number:
            entry.append(("M1", i.document_number))
        if i.citation.get("code"):
            entry.append(("T2", i.citation["code"]))
        lines += [f"{tag}  - {_ris_escape(value)}" for tag, value in entry] + ["ER  - ", ""]
    return ("\n".join(lines)).encode("utf-8")


def _bib_escape(value: str) -> str:
    value = " ".join(str(value).split())
    for char in "\\{}":
        value = value.replace(char, "")
    for char in "&%$#_":
        value = value.replace(char, "\\" + char)
    return value.replace("§", "\\S{}")


def bibtex(instruments: list[Instrument]) -> bytes:
    out = []
    for i in instruments:
        y, m, d = i.adopted.split("-")
        fields = [("title", "{" + _bib_escape(i.title.en) + "}"), ("author", "{" + _bib_escape(i.citation.get("author") or i.issuer.en) + "}"),
                  ("year", y), ("month", str(int(m))), ("day", str(int(d))), ("date", i.adopted),
                  ("url", i.official_sources[0].url.replace("%", "\\%")), ("language", _LANG.get(i.language, i.language)),
                  ("howpublished", _bib_escape(i.instrument_type.label.en + ", " + i.jurisdiction.name.en))]
        if i.document_number:
            fields.append(("number", _bib_escape(i.document_number)))
        if i.title.zh:
            fields.append(("note", _bib_escape(f"{i.title.zh} ({romanize(i.pinyin)})")))
        body = ",\n".join(f"  {k} = {{{v}}}" if not v.startswith("{") else f"  {k} = {v}" for k, v in fields)
        out.append(f"@misc{{{i.id},\n{body}\n}}\n")
    return "\n".join(out).encode("utf-8")
