"""The same samples through a real PostgreSQL server give the same summary as SQLite."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.conftest import run_cli, summary_json, write_xlsx


def _pg_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[4]) if
                   Path(p).parts[4].isdigit() else 0)
    if not found:
        return None
    d = Path(found[-1]).parent
    return d if (d / "pg_ctl").exists() else None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def pg_url():
    """A throw-away PostgreSQL cluster on 127.0.0.1 and a free port, with an empty database ``rural``."""
    bin_dir = _pg_bin()
    if bin_dir is None:
        pytest.skip("PostgreSQL server binaries not installed (/usr/lib/postgresql/*/bin/initdb); `make test` installs them")
    as_root = os.geteuid() == 0
    if as_root:
        import pwd

        try:
            pw = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root but there is no 'postgres' user to run the server as")
    prefix = ["runuser", "-u", "postgres", "--"] if as_root else []
    base = Path(tempfile.mkdtemp(prefix="rural-pg-"))   # under /tmp: reachable by the postgres user
    data, sock, log = base / "data", base / "sock", base / "server.log"
    sock.mkdir()
    if as_root:
        for p in (base, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)

    def run(*cmd, check=True):
        return subprocess.run([*prefix, *map(str, cmd)], capture_output=True, text=True, timeout=120, check=check)

    port = _free_port()
    started = False
    try:
        run(bin_dir / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-locale")
        run(bin_dir / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o",
            f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start")
        started = True
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=port, user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute("CREATE DATABASE rural ENCODING 'UTF8' TEMPLATE template0")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/rural"
    except subprocess.CalledProcessError as exc:
        text = log.read_text(errors="replace") if log.exists() else ""
        raise RuntimeError(f"PostgreSQL failed to start: {exc.cmd}\n{exc.stdout}\n{exc.stderr}\n{text}") from exc
    finally:
        if started:
            run(bin_dir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def pg_loaded(pg_url, sample_dir):
    proc = run_cli("etl", "load", *sorted(sample_dir.iterdir()), "--db", pg_url, check=True)
    return pg_url, proc.stdout


def test_samples_load_into_postgres(pg_loaded, sample_dir):
    _, out = pg_loaded
    n = len(list(sample_dir.iterdir()))
    assert f"共 {n} 个文件：载入 {n}，未改动 0，失败 0" in out


@pytest.mark.parametrize("extra", [(), ("--as-of", "2023-04"), ("--as-of", "2022-12"), ("--township", "龙川镇")])
def test_summary_equals_sqlite(pg_loaded, sample_db, extra):
    url, _ = pg_loaded
    on_pg = summary_json(url, *extra)
    on_sqlite = summary_json(sample_db[0], *extra)
    assert on_pg == on_sqlite
    if not extra:
        assert on_pg["monitoring"]["people"] == 4438 and on_pg["income"]["per_capita"] == 16890.43


def test_postgres_reload_unchanged_and_bad_file_rolls_back(pg_loaded, sample_dir, tmp_path):
    import psycopg

    url, _ = pg_loaded
    dsn = url.replace("postgresql+psycopg://", "postgresql://")

    def counts():
        with psycopg.connect(dsn) as conn:
            return conn.execute("select (select count(*) from load_batch), (select count(*) from monitored_household), "
                                "(select count(*) from work_record)").fetchone()

    before = counts()
    roster = next(p for p in sample_dir.iterdir() if "人员明细" in p.name)
    assert "载入 0，未改动 1，失败 0" in run_cli("etl", "load", roster, "--db", url, check=True).stdout
    bad = [["南华县2023年1-6月监测帮扶工作台账"], ["乡镇", "推送预警线索（条）"], ["龙川镇", 10], ["沙侨镇", 5]]
    proc = run_cli("etl", "load", write_xlsx(tmp_path / "坏台账.xlsx", {"台账": bad}), "--db", url)
    assert proc.returncode == 1 and "“沙侨镇”不是南华县的乡镇" in proc.stdout
    assert counts() == before
