"""Fixtures: real workbooks written into temporary folders, real SQLite files, the real CLIs."""
from __future__ import annotations

import csv
import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

# Keys for this test run, fresh each time and never written anywhere: a county's database runs only with its own
# keys (rural/keys.py), so the tests' databases get real ones; a developer's own keys file is not read.
import secrets as _secrets  # noqa: E402

for _name in ("RURAL_HASH_KEY", "RURAL_ARCHIVE_SECRET", "RURAL_SESSION_SECRET"):
    os.environ.setdefault(_name, _secrets.token_urlsafe(32))
os.environ["RURAL_KEYS_FILE"] = str(Path(os.environ.get("TMPDIR", "/tmp")) / f"rural-test-no-keys-{os.getpid()}.toml")
os.environ.pop("RURAL_AUTH_MODE", None)


def run_cli(module: str, *args: str, env: dict | None = None, check: bool = False) -> subprocess.CompletedProcess:
    """Run ``python -m <module> args`` from the project root, as a user would."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), **(env or {})}
    proc = subprocess.run([PY, "-m", module, *map(str, args)], cwd=ROOT, capture_output=True, text=True,
                          env=full_env, timeout=600)
    if check and proc.returncode != 0:
        raise AssertionError(f"{module} {args} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def summary_json(db_url: str, *extra: str, env: dict | None = None) -> dict:
    proc = run_cli("rural", "summary", "--db", db_url, "--json", *extra, env=env, check=True)
    return json.loads(proc.stdout)


BOOKKEEPING = ('INSERT INTO "meta" VALUES(\'hash_key_fingerprint\'',)


def db_dump(path: Path) -> list[str]:
    """Every row the database holds, as SQL text (what 'unchanged' is judged by) — the audit log included (a
    refused load from the command line writes nothing) — but the hash-key fingerprint a first command writes."""
    if not path.exists():
        return []
    with sqlite3.connect(path) as conn:
        return [line for line in conn.iterdump() if not line.startswith(BOOKKEEPING)]


def write_xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[tuple]] | None = None) -> Path:
    """A real .xlsx: ``sheets`` maps sheet name → rows; ``merges`` sheet → (r1, c1, r2, c2, text)."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    for name, rows in sheets.items():
        ws = wb.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, v in enumerate(row):
                if v is not None:
                    ws.write(r, c, v)
        for r1, c1, r2, c2, text in (merges or {}).get(name, []):
            ws.merge_range(r1, c1, r2, c2, text)
    wb.close()
    return path


def write_xls(path: Path, rows: list[list], sheet: str = "Sheet1") -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    ws = wb.add_sheet(sheet)
    for r, row in enumerate(rows):
        for c, v in enumerate(row):
            if v is not None:
                ws.write(r, c, v)
    wb.save(str(path))
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


# Signed in: every AppTest of the app starts with a principal in its session (what the sign-in puts there), an
# admin unless the test sets another (``at.session_state["principal"] = Principal(...)`` before its first run).
def default_principal():
    from rural.access import ADMIN, Principal

    return Principal("测试", ADMIN)


@pytest.fixture(scope="session", autouse=True)
def signed_in_app_tests():
    app_test = sys.modules.get("streamlit.testing.v1")    # imported by the modules that run pages, when collected
    if app_test is None:
        yield
        return
    AppTest = app_test.AppTest
    original = AppTest.from_file.__func__

    def from_file(cls, *args, **kwargs):
        at = original(cls, *args, **kwargs)
        if str(args[0] if args else kwargs.get("script_path", "")).endswith("app.py"):
            # the whole app asks who is signed in: here through Streamlit's own OIDC user, which AppTest seeds
            # (the real provider is signed in through in tests/test_browser_auth.py)
            at.secrets["auth"] = {"redirect_uri": "http://127.0.0.1:8501/oauth2callback", "cookie_secret": "apptest",
                                  "county": {"client_id": "apptest", "client_secret": "apptest",
                                             "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration"}}
            at.user = {"is_logged_in": True, "sub": "apptest-admin", "email": "apptest-admin",
                       "rural_role": "admin"}
        else:
            at.session_state["principal"] = default_principal()
        return at

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(AppTest, "from_file", classmethod(from_file))
        yield


@pytest.fixture
def db(tmp_path) -> tuple[str, Path]:
    path = tmp_path / "test.db"
    return f"sqlite:///{path}", path


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("samples")
    run_cli("etl", "sample", "--out", out, check=True)
    return out


@pytest.fixture(scope="session")
def sample_db(sample_dir, tmp_path_factory) -> tuple[str, Path]:
    """The bundled samples loaded through the real CLI into a fresh SQLite file."""
    path = tmp_path_factory.mktemp("sampledb") / "sample.db"
    url = f"sqlite:///{path}"
    run_cli("etl", "load", *sorted(sample_dir.iterdir()), "--db", url, check=True)
    run_cli("rural", "keys", "mark-sample", "--db", url, check=True)     # as `make db` does
    return url, path


@pytest.fixture(scope="session")
def sample_engine(sample_db):
    from rural.db import make_engine

    return make_engine(sample_db[0])


# Small department files used by several tests ----------------------------------------------
ROSTER_HEADER = ["序号", "乡镇", "行政村", "户编号", "户主姓名", "证件号码", "家庭人口数", "监测对象类别", "主要风险类型",
                 "识别监测时间", "风险是否已消除", "风险消除时间", "家庭人均纯收入（元）"]


def roster_rows(title: str = "南华县防返贫监测对象名单（截至2023年6月）") -> list[list]:
    return [
        [title],
        ["单位：人、元"],
        ROSTER_HEADER,
        [1, "龙川镇", "龙川村", "H0001", "张小明", "532324198001010014", 4, "脱贫不稳定户", "因病", "2021-06-15", "是", "2022/3/1", "12,000.50"],
        [2, "沙桥镇 ", "沙桥村", "H0002", "李大华", "532324197502020025", "３", "边缘易致贫户", "01", "202106", "否", None, "8800"],
        [3, "五街镇", "五街村", "H0003", "王芳", "532324199003030036", 2, "突发严重困难户", "因灾", 44927, "否", None, None],
        [],
        ["注：数据来源于防返贫监测信息系统"],
        ["填表人：某某"],
    ]


# Helpers added for the later test modules ---------------------------------------------------
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body17: str) -> str:
    """A resident ID number with a valid ISO 7064 MOD 11-2 check digit (computed here, independently)."""
    assert len(body17) == 17 and body17.isdigit()
    return body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS)) % 11]
