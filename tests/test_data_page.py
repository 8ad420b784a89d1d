"""The 数据管理 page through AppTest: a layout the loader cannot place is mapped once by the clerk on the
page (kind and the field of each needed column), saved by its header signature, and then the same
layout loads by itself — on the page and through the CLI; the mapping is listed and deletable."""
from __future__ import annotations

import shutil
import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, run_cli, summary_json, write_xlsx

HEADER = ["序号", "片区", "户序列号", "户主", "在册人口", "年人均收入水平（元）", "备注"]
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def odd_income(path, year: int, values: list[tuple[str, str, int, str]]):
    rows = [[f"南华县{year}年度脱贫户收入抽样表"], HEADER]
    rows += [[k + 1, town, key, "张某", people, income, None] for k, (town, key, people, income) in enumerate(values)]
    return write_xlsx(path, {"抽样": rows})


ROWS_2021 = [("龙川镇", "H01", 3, "9,000.00"), ("沙桥镇", "H02", 2, "12000"), ("五街镇", "H03", 4, "6500.50")]
ROWS_2020 = [("龙川镇", "H01", 3, "8,000.00"), ("沙桥镇", "H02", 2, "10000")]


@pytest.fixture
def db(sample_db, tmp_path, monkeypatch):
    path = tmp_path / "page.db"
    shutil.copy(sample_db[1], path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    return url, path


def _page() -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    at.switch_page("views/data.py")
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _select(at: AppTest, label: str, value):
    box = next(s for s in at.selectbox if s.label == label)
    box.set_value(value)
    return box


def _texts(at: AppTest) -> str:
    return "\n".join([t.value for t in at.text] + [e.value for e in at.error] + [i.value for i in at.info]
                     + [s.value for s in at.success] + [df.value.to_string() for df in at.dataframe])


def test_mapping_saved_on_the_page_is_reused_by_the_page_and_the_cli(db, tmp_path):
    url, path = db
    first = odd_income(tmp_path / "南华县2021年度收入抽样.xlsx", 2021, ROWS_2021)
    at = _page()
    at.file_uploader[0].set_value((first.name, first.read_bytes(), XLSX)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert "表头（第2行）没有认出来" in _texts(at)
    assert "张某" not in _texts(at)                       # the 户主 column's values are never shown
    _select(at, "这张表是", "income").run()
    _select(at, "乡镇（必填）", "片区")
    _select(at, "家庭人口数（必填）", "在册人口")
    _select(at, "人均纯收入（必填）", "年人均收入水平（元）")
    _select(at, "户编号", "户序列号").run()
    next(b for b in at.button if b.label == "预览").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "载入3行" in _texts(at)
    next(b for b in at.button if b.label == "保存映射").click().run()
    assert not at.exception, [e.value for e in at.exception]
    with sqlite3.connect(path) as conn:
        (kind, fields), = conn.execute("select kind, fields from column_mapping").fetchall()
    assert kind == "income" and "片区" in fields and "在册人口" in fields
    text = _texts(at)
    assert "没有认出来" not in text and "载入3行" in text            # the same file now checks by itself
    next(b for b in at.button if b.label == "确认载入（替代批次 #1）").click().run()    # the sample's 2021 income
    assert not at.exception, [e.value for e in at.exception]
    assert any("已载入" in s.value for s in at.success)
    got = summary_json(url, "--as-of", "2021-12")["income"]
    assert got["year"] == 2021 and got["per_capita"] == 8555.78       # (27000 + 24000 + 26002) / 9 people

    # the CLI: a file with the same header loads with no options, by the saved mapping
    second = odd_income(tmp_path / "南华县2020年度收入抽样.xlsx", 2020, ROWS_2020)
    proc = run_cli("etl", "load", second, "--db", url, check=True)
    assert "载入 1" in proc.stdout
    assert summary_json(url, "--as-of", "2021-12")["income"]["growth_pct"] == -2.78   # 8555.78 on 8800.00 (2020)
    listed = run_cli("etl", "mappings", "--db", url, check=True).stdout
    assert "脱贫人口收入" in listed and "南华县2021年度收入抽样.xlsx" in listed

    # deleting it on the page: the layout is unplaced again
    at = _page()
    next(t for t in at.tabs if t.label == "表头映射")
    next(b for b in at.button if b.label == "删除").click().run()
    assert not at.exception
    with sqlite3.connect(path) as conn:
        assert conn.execute("select count(*) from column_mapping").fetchone() == (0,)
    proc = run_cli("etl", "load", odd_income(tmp_path / "南华县2019年度收入抽样.xlsx", 2019, ROWS_2020), "--db", url)
    assert proc.returncode == 1 and "表头" in proc.stdout


def test_cli_map_option_saves_the_mapping(db, tmp_path):
    url, path = db
    f = odd_income(tmp_path / "南华县2021年度收入抽样.xlsx", 2021, ROWS_2021)
    proc = run_cli("etl", "load", f, "--db", url, "--kind", "income", "--map", "片区=乡镇", "--map", "在册人口=家庭人口数",
                   "--map", "年人均收入水平（元）=人均纯收入", "--map", "户序列号=户编号", check=True)
    assert "已保存表头映射" in proc.stdout
    again = odd_income(tmp_path / "南华县2020年度收入抽样.xlsx", 2020, ROWS_2020)
    assert "载入 1" in run_cli("etl", "load", again, "--db", url, check=True).stdout
    bad = run_cli("etl", "load", f, "--db", url, "--map", "片区=乡镇")
    assert bad.returncode == 2 and "--map 需要与 --kind 一起使用" in bad.stdout


def corrected_assistance(path):
    """The 1-6月 assistance report sent again with one amount corrected (龙川镇 城市低保 4.12 → 5.12万元)."""
    towns = [("龙川镇", 113, 5.12, 5481, 150.04), ("沙桥镇", 83, 3.71, 3509, 95.41), ("五街镇", 61, 2.7, 3896, 96.79),
             ("红土坡镇", 63, 2.85, 2538, 74.74), ("马街镇", 71, 3.21, 4190, 114.38), ("兔街镇", 61, 3.02, 3335, 81.47),
             ("雨露白族乡", 40, 1.85, 2545, 73.87), ("一街乡", 61, 2.75, 3601, 96.24), ("罗武庄乡", 53, 2.42, 2857, 86.5),
             ("五顶山乡", 52, 2.65, 2623, 76.7)]
    rows = [["南华县2023年1-6月社会救助发放情况表（更正）"], ["单位：人次、万元"],
            ["乡镇", "城市低保", None, "农村低保", None], [None, "人次", "金额", "人次", "金额"]]
    rows += [list(t) for t in towns]
    rows.append(["全县合计", 658, 30.28, 34575, 946.14])
    return write_xlsx(path, {"社会救助": rows}, merges={"社会救助": [(2, 1, 2, 2, "城市低保"), (2, 3, 2, 4, "农村低保")]})


def _batches(path) -> dict[int, str]:
    with sqlite3.connect(path) as conn:
        return dict(conn.execute("select id, status from load_batch"))


def test_replace_says_what_it_changes_and_undo_asks_first(db, tmp_path):
    url, path = db
    before = _batches(path)
    old = next(b for b, s in before.items() if s == "active" and b == _active_assistance_june(path))
    f = corrected_assistance(tmp_path / "南华县2023年1-6月社会救助发放情况表（更正）.xlsx")
    at = _page()
    at.file_uploader[0].set_value((f.name, f.read_bytes(), XLSX)).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(f"载入后将替代批次 #{old}" in w.value for w in at.warning)
    assert "载入后，南华县截至2023年6月的主要指标将变为：" in _texts(at)
    effect = next(d.value for d in at.dataframe if "载入前" in d.value.columns).set_index("指标")
    # only the two types in the file are in the new batch: 城市低保 30.28 + 农村低保 946.14
    assert effect.loc["社会救助发放金额"].tolist() == ["1,504.5万元", "976.42万元", "减少528.08万元"]
    assert _batches(path) == before, "working out the change left the database exactly as it was"
    load = next(b for b in at.button if b.label.startswith("确认载入"))
    assert load.label == f"确认载入（替代批次 #{old}）"
    load.click().run()
    assert any("已载入" in s.value for s in at.success)
    new = max(_batches(path))
    assert _batches(path)[old] == "superseded" and _batches(path)[new] == "active"

    # undo: nothing preselected, a confirmation that says what comes back and what changes, then a lasting message
    at = _page()
    pick = next(s for s in at.selectbox if s.label == "撤销批次")
    assert pick.value is None and next(b for b in at.button if b.label == "撤销……").disabled
    pick.set_value(new).run()
    next(b for b in at.button if b.label == "撤销……").click().run()
    assert _batches(path)[new] == "active", "one click does not undo"
    assert f"将撤销批次 #{new}" in _texts(at) and f"并恢复它替代的批次 #{old}" in _texts(at)
    effect = next(d.value for d in at.dataframe if "撤销前" in d.value.columns).set_index("指标")
    assert effect.loc["社会救助发放金额"].tolist() == ["976.42万元", "1,504.5万元", "增加528.08万元"]
    next(b for b in at.button if b.label == "确认撤销").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert _batches(path)[new] == "undone" and _batches(path)[old] == "active"
    message = [s.value.replace("\\", "") for s in at.success]     # (data text on the page is escaped Markdown)
    assert any(f"已撤销批次 #{new}" in m and f"恢复批次 #{old}" in m for m in message)
    assert next(s for s in at.selectbox if s.label == "撤销批次").value is None, "the next target is not preselected"
    at.run()                                             # the message stays on the next rerun, until dismissed
    assert any(f"已撤销批次 \\#{new}" in s.value for s in at.success)
    next(b for b in at.button if b.label == "知道了").click().run()
    assert not at.success


def _active_assistance_june(path) -> int:
    with sqlite3.connect(path) as conn:
        return conn.execute("select id from load_batch where kind='assistance' and period='2023-06' and status='active'"
                            ).fetchone()[0]
