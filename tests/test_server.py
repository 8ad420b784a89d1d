"""The server as `make run` starts it: it refuses a county's database with the sample or no keys, listens on
loopback only without looking up an outside address, and answers an unsigned request with the sign-in page."""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

from tests.conftest import ROOT, run_cli
from tests.test_browser import free_port, wait_started


def start(db_url: str, env: dict) -> tuple[subprocess.Popen, int]:
    port = free_port()
    streamlit = Path(sys.executable).with_name("streamlit")
    proc = subprocess.Popen([str(streamlit), "run", "server.py", "--server.port", str(port)], cwd=ROOT,
                            env={**os.environ, "DATABASE_URL": db_url, "PYTHONPATH": str(ROOT), **env},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    return proc, port


def test_refuses_a_county_database_with_the_sample_key(tmp_path, sample_dir):
    from rural.keys import SAMPLE_HASH_KEY

    url = f"sqlite:///{tmp_path / 'county.db'}"
    run_cli("etl", "load", next(p for p in sorted(sample_dir.iterdir()) if "名单" in p.name), "--db", url, check=True)
    for bad in ({"RURAL_HASH_KEY": SAMPLE_HASH_KEY}, {"RURAL_HASH_KEY": ""}):
        proc, _ = start(url, {**bad, "RURAL_KEYS_FILE": str(tmp_path / "absent.toml")})
        out, err = proc.communicate(timeout=120)
        assert proc.returncode != 0
        assert "不是内置示例数据库" in err and "python -m rural keys init" in err and "Traceback" not in err
        assert "RURAL_HASH_KEY" in err


def test_loopback_only_and_nothing_without_sign_in(sample_db, tmp_path):
    import shutil

    import sqlite3

    path = tmp_path / "served.db"
    shutil.copy(sample_db[1], path)
    with sqlite3.connect(path) as conn:          # other tests of this worker may have signed in to the sample
        conn.execute("DELETE FROM sessions")
        conn.execute("DELETE FROM accounts")
    proc, port = start(f"sqlite:///{path}", {})
    try:
        wait_started(f"http://127.0.0.1:{port}", proc)
        # the configured address only: no "Network URL" on every interface, no "External URL" looked up outside
        try:                                   # a database without accounts: how the administrator makes one
            urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=5)
            raise AssertionError("a sign-in form without any account")
        except urllib.error.HTTPError as exc:
            assert exc.code == 403 and "python -m rural users add" in exc.read().decode()
        from rural import auth
        from rural.db import make_engine

        e = make_engine(f"sqlite:///{path}")
        auth.create_account(e, "admin2", "admin")
        e.dispose()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/signin", timeout=5) as r:
            page = r.read().decode()
            assert 'name="password"' in page and "default-src 'none'" in r.headers["Content-Security-Policy"]
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/files/original/1", timeout=5)
            raise AssertionError("an unsigned request got an original file")
        except urllib.error.HTTPError as exc:
            assert exc.code == 401 and "请先登录" in exc.read().decode()
    finally:
        proc.terminate()
        out, _ = proc.communicate(timeout=20)
    assert "127.0.0.1" in out and "Network URL" not in out and "External URL" not in out


def test_original_file_rules(sample_db, tmp_path):
    import shutil

    import pytest

    from etl import service
    from rural.access import ADMIN, CLERK, Denied, Principal
    from rural.db import make_engine

    path = tmp_path / "orig.db"
    shutil.copy(sample_db[1], path)
    e = make_engine(f"sqlite:///{path}")
    name, data = service.original_file(e, 1, principal=Principal("a", ADMIN, "南华县"))
    assert name.endswith((".xlsx", ".xls", ".csv")) and data is None          # loaded by the CLI: not archived
    with pytest.raises(Denied):
        service.original_file(e, 1, principal=Principal("b", ADMIN, "青岚县"))   # another county's administrator
    with pytest.raises(Denied):
        service.original_file(e, 1, principal=Principal("c", CLERK, "南华县"))
    with pytest.raises(LookupError):
        service.original_file(e, 99_999, principal=Principal("a", ADMIN, "南华县"))
