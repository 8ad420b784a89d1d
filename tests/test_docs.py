"""The README documents every command and every page, and opens with the two commands."""
from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def subcommands(module: str) -> set[str]:
    import importlib

    parser = importlib.import_module(f"{module}.__main__")._parser()
    action = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return set(action.choices)


def test_readme_opens_with_the_two_commands():
    block = re.search(r"```bash\n(.*?)```", README, re.S).group(1)
    commands = [line.split("#")[0].strip() for line in block.strip().splitlines()]
    assert commands == ["make run", "make test"]
    assert README.index("```bash") < 100
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_every_cli_command_is_documented():
    for module in ("etl", "rural"):
        for cmd in subcommands(module):
            assert f"python -m {module} {cmd}" in README, f"python -m {module} {cmd}"


def test_every_page_is_documented():
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    pages = re.findall(r'st\.Page\("views/\w+\.py", title="([^"]+)", url_path="(\w+)"(, default=True)?', app)
    assert len(pages) >= 9
    for title, url, default in pages:
        assert f"| {title} | `/{'' if default else url}` |" in README, title


def test_formats_doc_is_generated_from_the_reference_data():
    """docs/formats.md is what `python -m etl formats` writes from data/reference/ (layouts, rules, vocab)."""
    from etl.formats import formats_markdown

    doc = (ROOT / "docs" / "formats.md").read_text(encoding="utf-8")
    assert doc == formats_markdown(), "docs/formats.md is stale: run python -m etl formats --out docs/formats.md"
    for layout in sorted((ROOT / "data" / "reference" / "layouts").glob("*.toml")):
        assert f"（`{layout.stem}`，" in doc, layout.stem
    for vocab in sorted((ROOT / "data" / "reference" / "vocab").glob("*.csv")):
        assert f"### {vocab.stem}" in doc, vocab.stem


def test_formats_doc_follows_a_one_line_change(tmp_path, monkeypatch):
    """A header variant added as one line of a layout file is accepted by the loader and shown in the doc."""
    import shutil

    from etl import layouts
    from etl.formats import formats_markdown

    ref = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", ref)
    path = ref / "layouts" / "income.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('variants = ["家庭人均纯收入",', 'variants = ["户均人均收益", "家庭人均纯收入",', 1),
                    encoding="utf-8")
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    layouts._load.cache_clear()
    try:
        assert "户均人均收益" in formats_markdown()
        assert ("户均人均收益",) in layouts.reference().layout("income").by_variant()
    finally:
        monkeypatch.delenv("RURAL_REFERENCE_DIR")
        layouts._load.cache_clear()
