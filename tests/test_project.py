"""The project's own habits: one module imports MkDocs, no sys.path edits, pins that agree, and
a README whose description of the code is true."""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

from conftest import ROOT

CODE = sorted((ROOT / "scripts").rglob("*.py"))
TESTS = sorted((ROOT / "tests").rglob("*.py"))


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_only_the_plugin_imports_mkdocs():
    importing = [p.relative_to(ROOT).as_posix() for p in CODE if "mkdocs" in _imports(p)]
    assert importing == ["scripts/kb/plugin.py"]


def test_nothing_edits_sys_path():
    for path in CODE + TESTS:
        assert not re.search(r"sys\.path\.(insert|append)", path.read_text(encoding="utf-8")), path


def test_the_direct_dependencies_carry_the_pins_of_the_requirements():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pinned = {}
    for name in ("requirements.txt", "requirements-test.txt"):
        for line in (ROOT / name).read_text(encoding="utf-8").splitlines():
            if "==" in line and not line.startswith("#"):
                package, version = line.split("==")
                pinned[package.strip().lower()] = version.strip()
    declared = project["dependencies"] + project["optional-dependencies"]["test"]
    for requirement in declared:
        package, version = requirement.split("==")
        assert pinned.get(package.lower()) == version, requirement


def test_every_page_type_module_has_its_template():
    from kb.pages import page_types

    templates = ROOT / "scripts" / "kb" / "pages" / "templates"
    for module in page_types():
        for template in re.findall(r'template="([^"]+)"', Path(module.__file__).read_text(encoding="utf-8")):
            assert (templates / template).is_file(), (module.__name__, template)


def test_the_readme_names_every_folder_of_the_code():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for folder in sorted({p.parent.relative_to(ROOT / "scripts").as_posix() for p in CODE}):
        if folder != ".":
            assert folder.split("/")[-1] in readme, folder


def test_no_document_or_source_file_hides_characters():
    """The characters KB039 refuses in records (zero-width, direction overrides) are refused in the
    project's own text too: a rule's example writes them as escapes."""
    from kb.load.rules import _HIDDEN

    suffixes = {".md", ".py", ".yaml", ".yml", ".j2", ".js", ".css", ".json", ".toml", ".txt", ".cfg"}
    folders = ("scripts", "tests", "docs", "data", "schema")
    files = [p for f in folders for p in (ROOT / f).rglob("*") if p.suffix in suffixes and p.is_file()]
    files += [p for p in ROOT.iterdir() if p.suffix in suffixes and p.is_file()]
    assert len(files) > 50
    found = {str(p.relative_to(ROOT)): sorted(f"U+{ord(c):04X}" for c in set(p.read_text(encoding="utf-8")) & _HIDDEN)
             for p in files}
    assert {path: chars for path, chars in found.items() if chars} == {}


def test_the_benchmarks_synthetic_data_is_valid(tmp_path):
    """`make bench` measures builds of cloned and lean records; they must pass validation, or the
    benchmark measures an error message."""
    from kb.bench import synthesise
    from kb.load import check

    for lean in (False, True):
        data = synthesise(tmp_path / f"data-{lean}", 40, lean=lean)
        assert len(list((data / "instruments").glob("*.yaml"))) == 40
        assert check(data) == [], "\n".join(p.format() for p in check(data))
