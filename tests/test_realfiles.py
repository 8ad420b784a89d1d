"""Department files in the layouts counties really send (written by ``tests/realfiles``, whose expected
figures are worked out by hand from the rows it writes, without the loader): each loads as it comes,
or is refused for its own reason, and the summary gives its figures exactly.

Every fixture is loaded in-process into a fresh SQLite file (fast); a handful also through the real CLI.
"""
from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest

from tests.conftest import run_cli, summary_json
from tests.realfiles import ALL, build, figures
from tests.realfiles.runner import lookup

CLI_TOO = ("national_person_export", "mixed_roster", "project_library", "second_county_bad_township")


def compare(summary: dict, expected: dict) -> list[str]:
    wrong = []
    for key, want in figures(expected).items():
        got = lookup(summary, key)
        same = want == got if isinstance(want, (str, bool)) or want is None else \
            got is not None and not isinstance(got, (str, bool)) and Decimal(str(want)) == Decimal(str(got))
        if not same:
            wrong.append(f"{key}: expected {want}, got {got}")
    return wrong


def _scope(args: list[str], **over):
    from rural.indicators import Scope

    opts = dict(zip(args[::2], args[1::2]))
    return Scope(over.get("as_of"), over.get("township"), opts.get("--county"))


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    base = tmp_path_factory.mktemp("realfiles")
    return {name: build(name, base / name) for name in ALL}


@pytest.mark.parametrize("name", list(ALL))
def test_fixture_loads_as_it_comes(name, built, tmp_path):
    from etl.pipeline import load_file
    from rural.db import make_engine
    from rural.indicators import summary

    fx = built[name]
    exp = fx.expected
    db = tmp_path / "x.db"
    engine = make_engine(f"sqlite:///{db}")
    refused = set(exp.get("refused_files", [])) | ({f.name for f in fx.files} if exp.get("refused") else set())
    for f in fx.files:
        before = list(sqlite3.connect(db).iterdump())
        r = load_file(engine, f)
        text = r.message + "\n" + "\n".join(p.text() for p in r.problems + r.warnings) + "\n" + "\n".join(r.notes)
        if f.name in refused:
            assert r.status == "failed", f"{f.name} loaded but should be refused"
            for word in exp.get("message_contains", []):
                assert word in text, f"{word!r} not in the refusal of {f.name}:\n{text}"
            assert list(sqlite3.connect(db).iterdump()) == before, "a refused file changed the database"
            continue
        assert r.status == "loaded", f"{f.name}: {text}"
        for word in exp.get("warns", []):
            assert word in text, f"no warning containing {word!r} for {f.name}:\n{text}"
        report = [b for b in r.batches]
        assert report, f"{f.name}: no batch"
        for sp in r.plan.sheets:       # every row read is accounted for
            rep = sp.report
            parts = rep["loaded"] + sum(rep.get(k, 0) for k in ("totals", "subtotals", "parts", "notes", "footers", "sections")) \
                + sum(rep["excluded"].values())
            assert parts == rep["read"], (sp.sheet, rep)
        if "lifted_out_households" in exp:
            assert f"{exp['lifted_out_households']:,}户" in text and f"{exp['lifted_out_people']:,}行" in text, text
    if not figures(exp):
        return
    args = exp.get("summary_args", [])
    got = summary(engine, _scope(args))
    assert compare(got, exp) == []
    for township, sub in exp.get("by_township", {}).items():
        assert compare(summary(engine, _scope(args, township=township)), sub) == [], township
    for as_of, sub in exp.get("also_as_of", {}).items():
        assert compare(summary(engine, _scope(args, as_of=as_of)), sub) == [], as_of


@pytest.mark.parametrize("name", CLI_TOO)
def test_fixture_through_the_cli(name, built, tmp_path):
    fx = built[name]
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    refused = set(fx.expected.get("refused_files", []))
    for f in fx.files:
        proc = run_cli("etl", "load", f, "--db", url)
        out = proc.stdout + proc.stderr
        assert "Traceback" not in out
        assert proc.returncode == (1 if f.name in refused else 0), out
        assert f.name in out
    got = summary_json(url, *fx.expected.get("summary_args", []))
    assert compare(got, fx.expected) == []
