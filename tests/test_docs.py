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
    pages = re.findall(r'st\.Page\("views/\w+\.py", title="([^"]+)", url_path="(\w+)"', app)
    assert len(pages) >= 9
    for title, url in pages:
        assert f"| {title} | `/{url}` |" in README, title
