"""The second acceptance set (``tests/realfiles2``, written by someone who saw neither the loader nor the first
set): other wordings, orders, formats and counties. Each loads as it comes or is refused for its own reason,
the summary gives its figures exactly, and no name, ID number or phone number it wrote reaches the database
or the loader's words."""
from __future__ import annotations

import sqlite3

import pytest

from tests.realfiles2._common import META_KEYS
from tests.realfiles2.runner import fixtures
from tests.test_realfiles import _scope, compare

FIXTURES = dict(fixtures())


def _says(text: str, wanted: str) -> bool:
    return any(alt in text for alt in wanted.split("|"))


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixture(name, tmp_path):
    from etl.pipeline import load_file
    from rural.db import make_engine
    from rural.indicators import summary

    (tmp_path / "files").mkdir()
    fx = FIXTURES[name](tmp_path / "files")
    exp = fx.expected
    db = tmp_path / "x.db"
    engine = make_engine(f"sqlite:///{db}")
    refused = set(exp.get("refused_files") or ([f.name for f in fx.files] if exp.get("refused") else []))
    said = []
    for f in fx.files:
        before = list(sqlite3.connect(db).iterdump())
        r = load_file(engine, f)
        text = "\n".join([r.message, *(p.text() for p in r.problems + r.warnings), *r.notes])
        said.append(text)
        if f.name in refused:
            assert r.status == "failed", f"{f.name} loaded but should be refused"
            for word in exp.get("message_contains", []):
                assert _says(text, word), f"{word!r} not in the refusal of {f.name}:\n{text}"
            assert list(sqlite3.connect(db).iterdump()) == before
            continue
        assert r.status == "loaded", f"{f.name}: {text}"
        for word in exp.get("warns", []):
            assert _says(text, word), f"no warning {word!r} for {f.name}:\n{text}"
    dump = "\n".join(sqlite3.connect(db).iterdump())
    words = "\n".join(said)
    leaks = [v for v in getattr(fx, "personal", []) if v in dump or v in words]
    assert leaks == [], f"personal values stored or shown: {leaks[:5]}"
    figures = {k: v for k, v in exp.items() if k not in META_KEYS}
    if not figures:
        return
    args = exp.get("summary_args", [])
    assert compare(summary(engine, _scope(args)), figures) == []
    for township, sub in exp.get("by_township", {}).items():
        assert compare(summary(engine, _scope(args, township=township)), sub) == [], township
    for as_of, sub in exp.get("also_as_of", {}).items():
        assert compare(summary(engine, _scope(args, as_of=as_of)), sub) == [], as_of
