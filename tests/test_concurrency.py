"""Concurrent writers: real `etl load` processes at the same moment, on real SQLite files and a real
PostgreSQL server. One batch stays active per kind, period, county and scope (the write lock and the
database's own unique index), first loads into an empty database do not race on townships, a held lock
makes a load fail in time with a Chinese message and no change, and one failing file never stops the next.
"""
from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import time
import uuid
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError

from tests.conftest import PY, ROOT, db_dump, roster_rows, run_cli, write_xlsx
from tests.test_postgres import pg_url  # noqa: F401  (the throw-away PostgreSQL server; skips without binaries)

TITLE = "南华县巩固拓展脱贫攻坚成果和乡村振兴项目库（截至2023年6月）"
TOWNS = ["龙川镇", "沙桥镇", "五街镇", "红土坡镇", "龙川镇", "沙桥镇"]
PROJECTS, INVEST_FEN = len(TOWNS), sum(10 + i for i in range(len(TOWNS))) * 1_000_000
BUSY = "数据库正被另一个载入或撤销操作占用"


# ------------------------------------------------------------------------------ helpers
def library(path: Path, mark: str = "") -> Path:
    """A small county-wide project library; ``mark`` amends one name (a corrected copy, another sha256)."""
    rows = [[TITLE], ["项目名称", "乡镇", "项目类别", "总投资（万元）"]]
    rows += [[f"项目{i + 1}{mark if i == 0 else ''}", t, "产业发展类", 10 + i] for i, t in enumerate(TOWNS)]
    return write_xlsx(path, {"项目库": rows})


def roster(path: Path, mark: str = "") -> Path:
    rows = roster_rows()
    rows[-1] = [f"填表人：{mark or '某某'}"]
    return write_xlsx(path, {"监测对象": rows})


def _env(extra: dict | None = None) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1", "PYTHONIOENCODING": "utf-8", **(extra or {})}
    env.pop("RURAL_DEBUG", None)
    return env


def at_once(url: str, *file_lists: list[Path], env: dict | None = None) -> list[tuple[int, str]]:
    """Start one `python -m etl load FILES --db URL` process per list at the same moment; (exit code, output)."""
    procs = [subprocess.Popen([PY, "-m", "etl", "load", *map(str, files), "--db", url], cwd=ROOT, env=_env(env),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for files in file_lists]
    outs = [p.communicate(timeout=120)[0].decode("utf-8", "replace") for p in procs]
    return [(p.returncode, out) for p, out in zip(procs, outs)]


def clean_exit(rc: int, out: str) -> None:
    assert rc in (0, 1) and "Traceback" not in out and "出错了" not in out, out


def query(url: str, sql: str, **params) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def active_projects(url: str) -> tuple[list[tuple], int, int]:
    """The active project-library batches (id, file), and the active library's project count and investment."""
    batches = query(url, "select id, file_name from load_batch where kind = 'projects' and status = 'active' order by id")
    count, total = query(url, "select count(*), coalesce(sum(p.investment_fen), 0) from project p "
                              "join load_batch b on b.id = p.batch_id where b.status = 'active'")[0]
    return batches, count, total


def state(url: str) -> list[tuple]:
    """What 'unchanged' is judged by on either backend: every batch and the count of each table."""
    rows = query(url, "select id, file_name, kind, period, scope, status, superseded_by from load_batch order by id")
    for table in ("township", "village", "project", "monitored_household"):
        rows += query(url, f"select '{table}', count(*) from {table}")
    return rows


@pytest.fixture
def pg_db(pg_url):  # noqa: F811
    """A fresh empty database of its own on the test server (the `rural` database is the sample tests')."""
    factory = _pg_factory(pg_url)
    yield factory()
    factory.drop_all()


def _pg_factory(server_url: str):
    import psycopg

    u = make_url(server_url)
    made = []

    def admin():
        return psycopg.connect(host=u.host, port=u.port, user=u.username, dbname="postgres", autocommit=True)

    def new() -> str:
        name = f"conc_{uuid.uuid4().hex[:10]}"
        with admin() as conn:
            conn.execute(f"CREATE DATABASE {name} ENCODING 'UTF8' TEMPLATE template0")
        made.append(name)
        return u.set(database=name).render_as_string(hide_password=False)

    def drop_all():
        with admin() as conn:
            for name in made:
                conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    new.drop_all = drop_all
    return new


@pytest.fixture(params=["sqlite", "postgresql"])
def new_db(request, tmp_path):
    """A function giving the URL of a fresh empty database on the backend under test."""
    if request.param == "sqlite":
        count = iter(range(1000))
        return lambda: f"sqlite:///{tmp_path / f'db{next(count)}.db'}"
    factory = _pg_factory(request.getfixturevalue("pg_url"))
    request.addfinalizer(factory.drop_all)
    return factory


@pytest.fixture
def slow_lock_settings(tmp_path) -> dict:
    """RURAL_REFERENCE_DIR pointing at a copy of data/reference/ whose lock timeout is 1 second."""
    ref = tmp_path / "reference"
    shutil.copytree(ROOT / "data" / "reference", ref)
    toml = ref / "settings.toml"
    body = toml.read_text(encoding="utf-8")
    assert "lock_timeout_s = 30" in body
    toml.write_text(body.replace("lock_timeout_s = 30", "lock_timeout_s = 1"), encoding="utf-8")
    return {"RURAL_REFERENCE_DIR": str(ref)}


# -------------------------------------------------------------------- (a) corrected copies
def test_two_corrected_copies_at_once_keep_one_active_batch(new_db, tmp_path):
    url = new_db()
    run_cli("etl", "load", library(tmp_path / "原表.xlsx"), "--db", url, check=True)
    for trial in range(5):
        a, b = library(tmp_path / f"更正甲{trial}.xlsx", f"（更正甲{trial}）"), library(tmp_path / f"更正乙{trial}.xlsx", f"（更正乙{trial}）")
        before, _, _ = active_projects(url)
        results = at_once(url, [a], [b]) if trial % 2 == 0 else at_once(url, [b], [a])
        for rc, out in results:
            clean_exit(rc, out)
        batches, count, total = active_projects(url)
        assert len(batches) == 1, f"trial {trial + 1}: active batches {batches}"
        assert (count, total) == (PROJECTS, INVEST_FEN), f"trial {trial + 1}: {count} projects active, not {PROJECTS}"
        assert batches[0][1] in (a.name, b.name)
        loaded = query(url, "select id, status, superseded_by from load_batch where file_name in (:a, :b) order by id",
                       a=a.name, b=b.name)
        assert len(loaded) == sum(rc == 0 for rc, _ in results) and loaded[-1][1] == "active"
        if len(loaded) == 2:   # the later one superseded the earlier, which superseded the trial's starting batch
            assert loaded[0][1:] == ("superseded", loaded[1][0])
        old = query(url, "select status, superseded_by from load_batch where id = :i", i=before[0][0])[0]
        assert old == ("superseded", loaded[0][0])


# ---------------------------------------------------------------- (b) first loads, empty db
def test_first_loads_into_an_empty_database_at_once(new_db, tmp_path):
    for trial in range(3):
        url = new_db()
        one = [library(tmp_path / f"甲库{trial}.xlsx", f"甲{trial}"), roster(tmp_path / f"甲名单{trial}.xlsx", f"甲{trial}")]
        two = [roster(tmp_path / f"乙名单{trial}.xlsx", f"乙{trial}"), library(tmp_path / f"乙库{trial}.xlsx", f"乙{trial}")]
        results = at_once(url, one, two)
        loaded = {r[0] for r in query(url, "select file_name from load_batch")}
        for files, (rc, out) in zip((one, two), results):
            clean_exit(rc, out)
            first, second = files
            assert first.name in loaded or ("失败" in out and first.name in out), out    # accounted for
            assert second.name in loaded, f"the second file did not load:\n{out}"      # and never stopped the next
        assert query(url, "select county, name from township group by county, name having count(*) > 1") == []
        assert query(url, "select township_id, name from village group by township_id, name having count(*) > 1") == []
        assert query(url, "select count(*) from township")[0][0] == 10          # the reference townships, once
        active = query(url, "select kind, period, scope, count(*) from load_batch where status = 'active' "
                            "group by kind, period, scope order by kind")
        assert [(k, n) for k, _, _, n in active] == [("monitoring", 1), ("projects", 1)]
        assert active_projects(url)[1:] == (PROJECTS, INVEST_FEN)
        assert query(url, "select count(*) from monitored_household h join load_batch b on b.id = h.batch_id "
                          "where b.status = 'active'")[0][0] == 3


# ------------------------------------------------------------------------ (c) a held lock
def test_held_sqlite_lock_fails_in_time_in_chinese_and_changes_nothing(db, tmp_path, slow_lock_settings):
    from rural.db import data_version, make_engine

    url, path = db
    run_cli("etl", "load", library(tmp_path / "原表.xlsx"), "--db", url, check=True)
    a, b = library(tmp_path / "更正甲.xlsx", "甲"), library(tmp_path / "更正乙.xlsx", "乙")
    before = db_dump(path)
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")                      # another writer, stuck
        engine = make_engine(url)                              # readers are not blocked (deferred BEGIN, WAL)
        started = time.monotonic()
        assert data_version(engine) and time.monotonic() - started < 1
        engine.dispose()
        started = time.monotonic()
        (rc, out), = at_once(url, [a, b], env=slow_lock_settings)
        elapsed = time.monotonic() - started
        undo = run_cli("etl", "undo", "1", "--db", url, env=slow_lock_settings)
    finally:
        holder.rollback()
        holder.close()
    assert rc == 1 and "Traceback" not in out, out
    # both files were tried (the first failure did not stop the second), each waited about a second
    assert out.count(f"{BUSY}，等待1秒后仍未释放") == 2 and "请稍后重试" in out, out
    assert "更正甲.xlsx" in out and "更正乙.xlsx" in out
    assert 2 <= elapsed < 15, elapsed
    assert "sqlite" not in out.lower() and "OperationalError" not in out
    assert undo.returncode == 1 and BUSY in undo.stdout and "Traceback" not in undo.stdout + undo.stderr
    assert db_dump(path) == before
    # released: the same file loads
    assert run_cli("etl", "load", a, "--db", url, env=slow_lock_settings).returncode == 0


def test_held_postgres_lock_fails_in_time_in_chinese_and_changes_nothing(pg_db, tmp_path, slow_lock_settings):
    import psycopg

    from rural.db import WRITE_LOCK_KEY

    url = pg_db
    run_cli("etl", "load", library(tmp_path / "原表.xlsx"), "--db", url, check=True)
    a, b = library(tmp_path / "更正甲.xlsx", "甲"), library(tmp_path / "更正乙.xlsx", "乙")
    before = state(url)
    holder = psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://"))
    try:
        holder.execute("SELECT pg_advisory_xact_lock(%s)", (WRITE_LOCK_KEY,))   # held until rollback
        started = time.monotonic()
        (rc, out), = at_once(url, [a, b], env=slow_lock_settings)
        elapsed = time.monotonic() - started
        assert state(url) == before                                            # readers are not blocked
    finally:
        holder.rollback()
        holder.close()
    assert rc == 1 and "Traceback" not in out, out
    assert out.count(f"{BUSY}，等待1秒后仍未释放") == 2 and "请稍后重试" in out, out
    assert 2 <= elapsed < 15, elapsed
    assert "psycopg" not in out and "LockNotAvailable" not in out and "lock timeout" not in out
    assert state(url) == before
    assert run_cli("etl", "load", a, "--db", url, env=slow_lock_settings).returncode == 0


# ------------------------------------------------------------------ (d) the index itself
def test_database_refuses_a_second_active_batch(new_db):
    from etl.errors import LoadError
    from etl.load import write_transaction
    from rural.db import LoadBatch, make_engine

    engine = make_engine(new_db())
    b = LoadBatch.__table__
    row = dict(file_name="x.xlsx", sha256="0" * 64, sheet="项目库", kind="projects", period="2023-06",
               period_end="2023-06", county="南华县", scope="全县", rows_read=1, rows_loaded=1, rows_rejected=0,
               loaded_at=datetime(2023, 7, 1), status="active", note="", report="")
    try:
        with engine.begin() as conn:
            conn.execute(b.insert().values(row))
            conn.execute(b.insert().values({**row, "status": "superseded"}))     # history may repeat the key
            conn.execute(b.insert().values({**row, "scope": "龙川镇"}))          # another scope is another key
            conn.execute(b.insert().values({**row, "period": "2023-05"}))
        with pytest.raises(IntegrityError):
            with engine.begin() as conn:
                conn.execute(b.insert().values({**row, "file_name": "y.xlsx"}))
        with pytest.raises(IntegrityError):                                     # nor by reactivating one
            with engine.begin() as conn:
                conn.execute(b.update().where(b.c.status == "superseded").values(status="active"))
        # through the write side: a Chinese LoadError, and the whole transaction rolled back
        with pytest.raises(LoadError) as err:
            with write_transaction(engine, "y.xlsx") as conn:
                conn.execute(b.insert().values({**row, "period": "2022"}))
                conn.execute(b.insert().values({**row, "file_name": "y.xlsx"}))
        assert "已有另一个有效批次" in err.value.text() and "y.xlsx" in err.value.text()
        assert "UNIQUE" not in err.value.text() and "duplicate" not in err.value.text()
        with engine.connect() as conn:
            assert conn.execute(select(func.count()).select_from(b)).scalar() == 4
    finally:
        engine.dispose()


def test_schema_creation_waits_for_the_lock_and_says_so(tmp_path, slow_lock_settings, monkeypatch):
    from rural.db import DatabaseBusy, make_engine

    monkeypatch.setenv("RURAL_REFERENCE_DIR", slow_lock_settings["RURAL_REFERENCE_DIR"])
    path = tmp_path / "empty.db"
    holder = sqlite3.connect(path, isolation_level=None)
    try:
        holder.execute("PRAGMA journal_mode=WAL")          # as every engine of make_engine does
        holder.execute("BEGIN IMMEDIATE")                  # another process creating the tables, stuck
        started = time.monotonic()
        with pytest.raises(DatabaseBusy, match=f"{BUSY}，等待1秒后仍未释放"):
            make_engine(f"sqlite:///{path}")
        assert 1 <= time.monotonic() - started < 5
    finally:
        holder.rollback()
        holder.close()
    engine = make_engine(f"sqlite:///{path}")          # released: the tables are made
    engine.dispose()
