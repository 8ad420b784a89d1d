"""Names and ID numbers never reach the database, the command output or an error message."""
from __future__ import annotations

import csv
import hashlib
import hmac
import io
import re
import sqlite3

import pytest

from rural.keys import SAMPLE_HASH_KEY
from tests.conftest import id_number, run_cli, write_xlsx

PERSONAL_COLUMNS = {"姓名", "户主姓名", "户主", "证件号码", "身份证号码", "户主证件号码", "申请人"}
ID_COLUMNS = {"证件号码", "身份证号码", "户主证件号码"}


def _sheets(path) -> list[list[list]]:
    if path.suffix == ".csv":   # the sample CSV files are GBK
        return [list(csv.reader(io.StringIO(path.read_bytes().decode("gb18030"))))]
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    return [wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names]


def personal_values(path) -> tuple[set[str], set[str]]:
    """(names, ID numbers) in the personal columns of every sheet of a sample file (calamine, or csv for .csv)."""
    names, ids = set(), set()
    for rows in _sheets(path):
        header_at = next((i for i, r in enumerate(rows[:20]) if PERSONAL_COLUMNS & {str(c).strip() for c in r}), None)
        if header_at is None:
            continue
        header = [str(c).strip() for c in rows[header_at]]
        for r in rows[header_at + 1:]:
            for pos, name in enumerate(header):
                if name in PERSONAL_COLUMNS and pos < len(r) and str(r[pos]).strip():
                    (ids if name in ID_COLUMNS else names).add(str(r[pos]).strip())
    return names, ids


def found_in(blob: bytes | str, names: set[str], ids: set[str]) -> set[str]:
    """Which of the names / ID numbers occur anywhere in ``blob`` (raw bytes of a database file, or text).

    Every 18-character ID-shaped window and every 2–4 character run of Chinese characters is collected
    from the blob, then intersected with the personal values (a scan per value would take minutes).
    """
    text = blob.decode("utf-8", errors="ignore") if isinstance(blob, bytes) else blob
    wanted = {i.upper() for i in ids}
    hits = {w for w in set(re.findall(r"(?=(\d{17}[\dXx]))", text)) if w.upper() in wanted}
    lengths = {len(n) for n in names}
    grams = set()
    for run in re.findall(r"[\u3400-\u9fff]+", text):
        for n in lengths:
            grams.update(run[k:k + n] for k in range(len(run) - n + 1))
    return hits | (grams & names)


def _db_files(path):
    """The SQLite file and its -wal / -shm companions, when present."""
    return [p for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")) if p.exists()]


@pytest.fixture(scope="module")
def sample_personal(sample_dir):
    names, ids = set(), set()
    per_file = {}
    for f in sorted(sample_dir.iterdir()):
        n, i = personal_values(f)
        per_file[f.name] = (n, i)
        names |= n
        ids |= i
    return names, ids, per_file


@pytest.fixture(scope="module")
def loaded(sample_dir, tmp_path_factory):
    """Every bundled sample loaded through the CLI into a fresh SQLite file; the CLI has exited."""
    path = tmp_path_factory.mktemp("privacy") / "rural.db"
    proc = run_cli("etl", "load", *sorted(sample_dir.iterdir()), "--db", f"sqlite:///{path}", check=True)
    return path, proc.stdout + proc.stderr


def test_the_samples_do_hold_personal_values(sample_personal, sample_dir):
    names, ids, per_file = sample_personal
    person = next(v for k, v in per_file.items() if "人员明细" in k)
    assert len(person[0]) > 3000 and len(person[1]) == 4438      # every member of the 2023-06 roster
    rosters = [v for k, v in per_file.items() if "名单" in k]
    assert len(rosters) == 3 and all(len(r[1]) > 1300 for r in rosters)
    platform = [v for k, v in per_file.items() if "受理台账" in k]
    assert platform and all(len(p[0]) > 50 for p in platform)
    # the scanner finds what is there
    sample = sorted(person[0])[:3] + sorted(person[1])[:3]
    blob = ("x".join(sample)).encode("utf-8")
    assert found_in(blob, names, ids) == set(sample)


def test_database_file_holds_no_name_or_id(loaded, sample_personal):
    path, _ = loaded
    names, ids, _ = sample_personal
    files = _db_files(path)
    assert path in files
    with sqlite3.connect(path) as conn:
        assert conn.execute("select count(*) from monitored_household").fetchone()[0] > 5000
        assert conn.execute("select count(*) from platform_case").fetchone()[0] > 1000
    for f in files:
        hits = found_in(f.read_bytes(), names, ids)
        assert not hits, f"{f.name} holds {len(hits)} personal values, e.g. {sorted(hits)[:5]}"


def test_scan_finds_a_value_that_is_in_the_file(loaded, sample_personal, tmp_path):
    """The byte scan is not blind: one name and one ID number written into a copy of the database are found."""
    path, _ = loaded
    names, ids, per_file = sample_personal
    person = next(v for k, v in per_file.items() if "人员明细" in k)
    name, id_no = sorted(person[0])[7], sorted(person[1])[7]
    copy = tmp_path / "leak.db"
    with sqlite3.connect(path) as src, sqlite3.connect(copy) as dst:
        src.backup(dst)
    conn = sqlite3.connect(copy)
    with conn:
        conn.execute("update load_batch set note = ? where id = (select max(id) from load_batch)", (f"{name}，{id_no}",))
    # still open: the change may sit in the -wal file, which the scan reads too
    assert set().union(*(found_in(f.read_bytes(), names, ids) for f in _db_files(copy))) == {name, id_no}
    conn.close()
    assert found_in(copy.read_bytes(), names, ids) == {name, id_no}


def test_stored_household_keys_are_not_id_numbers(loaded, sample_personal):
    path, _ = loaded
    _, ids, _ = sample_personal
    with sqlite3.connect(path) as conn:
        keys = {r[0] for r in conn.execute("select household_key from monitored_household union "
                                           "select household_key from income_record")}
    assert keys and not (keys & ids)


def test_cli_output_holds_no_name_or_id(loaded, sample_personal, sample_db):
    _, out = loaded
    names, ids, _ = sample_personal
    assert "已载入" in out
    assert not found_in(out, names, ids)
    for args in (("etl", "batches", "--db", sample_db[0]), ("rural", "summary", "--db", sample_db[0]),
                 ("rural", "summary", "--db", sample_db[0], "--json", "--township", "龙川镇")):
        proc = run_cli(*args, check=True)
        assert not found_in(proc.stdout + proc.stderr, names, ids), args


# ------------------------------------------------------------------------- error messages
def _person_rows(sample_dir, limit=40):
    from python_calamine import CalamineWorkbook

    path = next(p for p in sample_dir.iterdir() if "人员明细" in p.name)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    h = next(i for i, r in enumerate(rows) if "户编号" in r)
    return rows[: h + 1 + limit], h


def _roster_rows(sample_dir, limit=40):
    from python_calamine import CalamineWorkbook

    path = next(p for p in sample_dir.iterdir() if "名单（截至2023年4月）" in p.name)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python()
    return rows[: 2 + limit], 1


def _set(rows, h, row, column, value):
    rows[row][rows[h].index(column)] = value


BROKEN = {
    # name → (which rows, how to break them, text expected in the message)
    "member_conflict": ("person", lambda r, h: _set(r, h, h + 2, "易返贫致贫户(监测对象)类型", "突发严重困难户"), "不一致"),
    "bad_township": ("person", lambda r, h: [_set(r, h, k, "乡镇", "龙州镇") for k in range(h + 1, len(r))],
                     "“龙州镇”不是南华县的乡镇"),
    "bad_date": ("person", lambda r, h: _set(r, h, h + 3, "风险识别时间", "去年"), "不是可识别的日期"),
    "bad_people": ("roster", lambda r, h: _set(r, h, h + 4, "家庭人口", "四口"), "四口"),
    "negative_income": ("roster", lambda r, h: _set(r, h, h + 6, "家庭年人均纯收入", "-100"), "不能为负数"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_error_messages_hold_no_name_or_id(sample_dir, tmp_path, db, case):
    source, breaker, expected = BROKEN[case]
    rows, h = (_person_rows if source == "person" else _roster_rows)(sample_dir)
    rows = [list(r) for r in rows]
    names, ids = set(), set()
    name_cols = [i for i, c in enumerate(rows[h]) if str(c).strip() in PERSONAL_COLUMNS - ID_COLUMNS]
    id_cols = [i for i, c in enumerate(rows[h]) if str(c).strip() in ID_COLUMNS]
    for r in rows[h + 1:]:
        names |= {str(r[i]).strip() for i in name_cols if str(r[i]).strip()}
        ids |= {str(r[i]).strip() for i in id_cols if str(r[i]).strip()}
    assert len(names) > 20 and len(ids) > 20
    breaker(rows, h)
    f = write_xlsx(tmp_path / f"{case}（截至2023年6月）.xlsx", {"名单": rows})
    proc = run_cli("etl", "load", f, "--db", db[0])
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1, out
    assert expected in out, out
    leaked = found_in(out, names, ids)
    assert not leaked, leaked


def test_malformed_id_warning_is_masked(tmp_path, db):
    head = ["乡镇", "户编号", "户主姓名", "证件号码", "家庭人口数", "监测对象类别", "主要风险类型", "识别监测时间", "风险是否已消除"]
    good = id_number("53232419800101001")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")      # wrong check digit
    rows = [["南华县监测对象名单（截至2023年6月）"], head,
            ["龙川镇", "H1", "张小明", good, 3, "边缘易致贫户", "因病", "2021-06-15", "否"],
            ["沙桥镇", "H2", "李小华", bad, 2, "边缘易致贫户", "因病", "2021-06-15", "否"]]
    f = write_xlsx(tmp_path / "名单.xlsx", {"名单": rows})
    proc = run_cli("etl", "load", f, "--db", db[0], check=True)
    out = proc.stdout + proc.stderr
    assert "有1个证件号码格式或校验位不正确（如第4行）" in out
    for value in ("张小明", "李小华", good, bad):
        assert value not in out
    assert good.encode() not in db[1].read_bytes() and bad.encode() not in db[1].read_bytes()


# --------------------------------------------------------------------------- keyed hash
HEAD_NO_KEY = ["乡镇", "行政村", "户主姓名", "证件号码", "家庭人口数", "监测对象类别", "主要风险类型", "识别监测时间", "风险是否已消除"]
IDS = [id_number("53232419800101001"), id_number("53232419750202002"), id_number("53232419900303003")]


def _keys(tmp_path, tag, env):
    rows = [["南华县监测对象名单（截至2023年6月）"], HEAD_NO_KEY]
    for k, i in enumerate(IDS):
        rows.append(["龙川镇", "龙川村", f"户主{k}", i.lower(), 3, "边缘易致贫户", "因病", "2021-06-15", "否"])
    f = write_xlsx(tmp_path / f"无户编号{tag}.xlsx", {"名单": rows})
    path = tmp_path / f"{tag}.db"
    run_cli("etl", "load", f, "--db", f"sqlite:///{path}", env=env, check=True)
    with sqlite3.connect(path) as conn:
        keys = [r[0] for r in conn.execute("select household_key from monitored_household order by src_row")]
    data = path.read_bytes()
    assert not any(i.encode() in data or i.lower().encode() in data for i in IDS)
    return keys


def _is_hmac(stored: str, secret: str, id_no: str) -> bool:
    digest = hmac.new(secret.encode(), id_no.upper().encode(), hashlib.sha256).hexdigest()
    body = stored[1:] if stored.startswith("H") else stored
    return len(body) >= 16 and digest.startswith(body)


def test_household_key_is_a_keyed_hash(tmp_path):
    one = _keys(tmp_path, "one", {"RURAL_HASH_KEY": "key-one-long-enough"})
    again = _keys(tmp_path, "again", {"RURAL_HASH_KEY": "key-one-long-enough"})
    two = _keys(tmp_path, "two", {"RURAL_HASH_KEY": "key-two-long-enough"})
    assert len(set(one)) == 3
    assert one == again                              # stable: the same household gets the same key
    assert not set(one) & set(two)                   # another secret, other keys
    for keys, secret in ((one, "key-one-long-enough"), (two, "key-two-long-enough")):
        for stored, id_no in zip(keys, IDS):
            assert id_no not in stored and id_no[6:14] not in stored
            assert _is_hmac(stored, secret, id_no), (stored, secret)
    # without the variable or a keys file, a first run writes fresh keys (0600, outside the repository) and keys
    # the households with them: never the public sample key, which only the marked sample database may use
    keys_file = tmp_path / "first-run-keys.toml"
    fallback = _keys(tmp_path, "default", {"RURAL_HASH_KEY": "", "RURAL_ARCHIVE_SECRET": "", "RURAL_SESSION_SECRET": "",
                                           "RURAL_KEYS_FILE": str(keys_file)})
    import tomllib

    generated = tomllib.loads(keys_file.read_text(encoding="utf-8"))["hash_key"]
    assert oct(keys_file.stat().st_mode & 0o777) == "0o600"
    assert all(_is_hmac(s, generated, i) for s, i in zip(fallback, IDS))
    assert not any(_is_hmac(s, SAMPLE_HASH_KEY, i) for s, i in zip(fallback, IDS))
    assert not set(fallback) & set(one)
