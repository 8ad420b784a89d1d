"""The indicator catalogue as data (``indicators.toml``) and the county's own indicators (指标数据): the catalogue
covers every indicator function and names nothing that does not exist; the sample's 南华县 sheet gives the
hand-worked figures; long and wide sheets load, aggregate as the catalogue says and refuse unknown indicators; a
county indicator added by one sheet and one catalogue entry appears on its area page, the cockpit, the map, the
Word briefing and the Excel pack; a label changed in the catalogue changes everywhere."""
from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest

from rural import access, catalogue, indicators, status
from rural.indicators import Scope
from tests.conftest import ROOT, db_dump, run_cli, summary_json, write_xlsx

AS_OF = "2023-06"
ADMIN = access.Principal("测试", access.ADMIN)
S = Scope(AS_OF, None, "南华县")


# ------------------------------------------------------------------------------------ the catalogue
def test_every_indicator_function_has_a_catalogue_entry_and_entries_name_what_exists():
    cat = catalogue.catalogue()
    named = {i.function for i in cat.indicators.values() if i.function} | set(cat.functions)
    missing = sorted(set(access.LEVELS) - named)
    assert not missing, f"indicator functions without a catalogue entry: {missing}"
    for name in named:
        assert callable(getattr(indicators, name, None)), f"the catalogue names a function that does not exist: {name}"
        assert name in access.LEVELS, name
    pages = {p for p in ("monitoring", "income", "employment", "projects", "assistance")}
    app = (ROOT / "app.py").read_text(encoding="utf-8")
    for a in cat.areas.values():
        if a.page:
            assert a.page in pages and f'url_path="{a.page}"' in app, a.page
    assert [a.name for a in catalogue.areas() if a.requirement] == ["产业兴旺", "生态宜居", "乡风文明", "治理有效", "生活富裕"]
    words = status.statuses()
    for key in ("target_met", "target_missed", "target_far", "township_lagging", "above_county"):
        assert key in words
    for ind in cat.indicators.values():
        assert ind.name and ind.definition and ind.unit and ind.source and ind.formula, ind.key
        assert ind.area in cat.areas, ind.key


def test_headline_and_map_measures_are_what_the_functions_give(sample_engine):
    values = indicators.headline_values(sample_engine, S)
    for m in catalogue.headline_measures():
        assert m.key in values, f"catalogue headline {m.key} is not given by headline_values"
    table = indicators.township_table(sample_engine, S)
    for m in catalogue.map_measures():
        assert m.key in table.columns, f"catalogue map value {m.key} is not a township_table column"
    for key in values:       # and every headline given has its words in the catalogue
        assert catalogue.measure(key).name


def test_a_broken_catalogue_is_refused_in_chinese(tmp_path, monkeypatch):
    raw = (ROOT / "data" / "reference" / "indicators.toml").read_text(encoding="utf-8")
    (tmp_path / "indicators.toml").write_text(raw.replace('area = "ecology"', 'area = "生态"', 1), encoding="utf-8")
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(tmp_path))
    with pytest.raises(catalogue.CatalogueError, match="不是已定义的领域"):
        catalogue.catalogue()


# ------------------------------------------------------------------------------------ the sample
# Hand-worked from the sample profile (data/sample_profiles/nanhua.toml): the 全县 row of the 2023年6月 column and the
# 2023年目标 column; status by status.toml: met when reached, else 未达目标 when the gap is at most 10% of the target.
SAMPLE = [
    ("farmland", "高标准农田面积", 196800, "亩", 205000, "target_missed"),                 # 96.00% of the target
    ("collective_income_villages", "村集体经济收入10万元以上的村占比", 44.23, "%", 50.0, "target_far"),  # gap 11.54%
    ("sanitary_toilets", "农村卫生厕所普及率", 91.37, "%", 92.0, "target_missed"),          # gap 0.68%
    ("tap_water", "农村自来水普及率", 96.84, "%", 96.5, "target_met"),
    ("civilized_villages", "县级及以上文明村占比", 61.54, "%", 60.0, "target_met"),
    ("dispute_resolution", "矛盾纠纷调解成功率", 96.35, "%", 98.0, "target_missed"),        # gap 1.68%
    ("migrant_workers", "脱贫劳动力务工规模", 52416, "人", 51800, "target_met"),
    ("rural_disposable_income", "农村居民人均可支配收入", 13568.0, "元", None, None),        # 2022 only, no 2022 target
]


def test_summary_json_lists_the_sample_indicators_by_hand_worked_values(sample_db):
    got = summary_json(sample_db[0], "--as-of", "2023-06")["indicators"]
    assert [(i["key"], i["name"], i["value"], i["unit"], i["target"], i["status"]) for i in got] == SAMPLE
    assert [i["period"] for i in got] == ["2023-06"] * 7 + ["2022"]
    areas = {catalogue.entry(i["key"]).area for i in got}
    assert areas == {"thriving", "ecology", "civility", "governance", "prosperity"}


def test_an_earlier_snapshot_has_the_2022_figures(sample_engine):
    got = {v["key"]: v for v in indicators.county_values(sample_engine, Scope("2023-04", None, "南华县"))}
    assert got["farmland"]["value"] == 182400 and got["farmland"]["period"] == "2022"
    assert got["sanitary_toilets"]["value"] == 86.52 and got["sanitary_toilets"]["status"] is None   # no 2022 target


def _sample_sheet(sample_dir: Path):
    path = next(sample_dir.glob("*重点指标监测表*.xlsx"))
    return openpyxl.load_workbook(path, data_only=True).active


def test_township_ranking_reads_the_sheet_and_sums_to_the_county(sample_engine, sample_dir):
    ws = _sample_sheet(sample_dir)
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    top = rows[2]
    col = next(i for i, v in enumerate(top) if v and str(v).startswith("高标准农田面积")) + 1    # 截至2023年6月
    written = {str(r[1]).strip(): r[col] for r in rows[4:] if r[1] and str(r[1]).strip() not in ("全县", "None")
               and r[col] is not None}

    def mu(v):
        from decimal import Decimal

        return int(Decimal(str(v).replace("万亩", "")) * 10000) if "万亩" in str(v) else int(v)

    ranking = indicators.indicator_by_township(sample_engine, S, "farmland")
    assert dict(zip(ranking["name"], ranking["value"])) == {k: mu(v) for k, v in written.items()}
    assert int(ranking["value"].sum()) == 196800
    assert list(ranking["rank"]) == list(range(1, 11)) and list(ranking["value"]) == sorted(ranking["value"], reverse=True)
    assert set(ranking["county_value"]) == {19680}     # a total: 196,800亩 ÷ the 10 townships that report


def test_the_sample_sheet_is_messy(sample_dir):
    ws = _sample_sheet(sample_dir)
    cells = [str(c.value) for r in ws.iter_rows() for c in r if c.value is not None]
    assert any(v.endswith("%") for v in cells) and any("万亩" in v for v in cells) and "—" in cells
    assert ws.merged_cells.ranges and any(v.startswith("填表人") for v in cells)


# ------------------------------------------------------------------------------------ loading
LONG_HEADER = ["乡镇", "指标名称", "统计期", "数值", "分子", "分母", "单位", "年度目标"]


def _long(tmp_path: Path, rows: list[list], name: str = "南华县指标数据.xlsx") -> Path:
    return write_xlsx(tmp_path / name, {"指标": [["南华县乡村振兴指标数据（2023年）"], LONG_HEADER, *rows]})


def test_long_form_aggregates_as_the_catalogue_says(tmp_path, db):
    url, _ = db
    f = _long(tmp_path, [
        ["龙川镇", "农村卫生厕所普及率", "2023年", None, 912, 1000, "%", 92],
        ["沙桥镇", "卫生厕所普及率", "2023年", None, 455, 520, "%", 92],
        ["龙川镇", "农村自来水普及率", "2023年", "95.5%", None, 3000, None, None],
        ["沙桥镇", "农村自来水普及率", "2023年", 98.2, None, 1000, None, None],
        ["龙川镇", "高标准农田面积", "2023年", "1.2万亩", None, None, None, "1.5万亩"],
        ["沙桥镇", "高标准农田面积", "2023年", 8000, None, None, "亩", 9000],
    ])
    run_cli("etl", "load", f, "--db", url, check=True)
    from rural.db import make_engine

    e = make_engine(url)
    got = {v["key"]: v for v in indicators.county_values(e, Scope("2023-12", None, "南华县"))}
    # ratio of sums: (912 + 455) / (1000 + 520) × 100 = 89.934… → 89.93; no county target in the sheet
    assert got["sanitary_toilets"]["value"] == 89.93 and got["sanitary_toilets"]["reported"] is False
    # mean weighted by 分母: (95.5 × 3000 + 98.2 × 1000) / 4000 = 96.175 → 96.18 (half up)
    assert got["tap_water"]["value"] == 96.18
    # sum: 12,000 亩 (1.2万亩) + 8,000 亩
    assert got["farmland"]["value"] == 20000
    town = {v["key"]: v for v in indicators.county_values(e, Scope("2023-12", "龙川镇", "南华县"))}
    assert town["farmland"]["value"] == 12000 and town["farmland"]["target"] == 15000
    assert town["farmland"]["status"] == "target_far"        # 12,000 of 15,000: 20% short
    assert town["sanitary_toilets"]["value"] == 91.2 and town["sanitary_toilets"]["status"] == "target_missed"


def test_an_unknown_indicator_is_refused_with_the_catalogue_names_and_nothing_written(tmp_path, db):
    url, path = db
    run_cli("etl", "load", _long(tmp_path, [["龙川镇", "高标准农田面积", "2023年", 100, None, None, "亩", None]], "a.xlsx"),
            "--db", url, check=True)
    before = db_dump(path)
    bad = _long(tmp_path, [["龙川镇", "农村户用卫生厕所普及率", "2023年", 88, None, None, "%", 90]], "b.xlsx")
    proc = run_cli("etl", "load", bad, "--db", url)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0
    assert "农村户用卫生厕所普及率" in out and "不是可识别的指标" in out and "农村卫生厕所普及率" in out and "第3行" in out
    assert db_dump(path) == before
    wide = write_xlsx(tmp_path / "c.xlsx", {"表": [["南华县重点指标（2023年）"], ["乡镇", "农村户用卫生厕所普及率（%）", "高标准农田面积（亩）"],
                                                 ["龙川镇", 88, 100]]})
    proc = run_cli("etl", "load", wide, "--db", url)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "不是指标目录中的指标" in out and "农村户用卫生厕所普及率" in out
    assert db_dump(path) == before
    # every column unknown: the title says these are indicators, so each is named (not an unrecognised table)
    alone = write_xlsx(tmp_path / "e.xlsx", {"表": [["南华县重点指标监测（2023年）"], ["乡镇", "农村户用卫生厕所普及率（%）"],
                                                 ["龙川镇", 88], ["沙桥镇", 90]]})
    proc = run_cli("etl", "load", alone, "--db", url)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "表头“农村户用卫生厕所普及率（%）”下是数字，但它不是指标目录中的指标" in out
    assert "目录中县里的指标有：高标准农田面积、村集体经济收入10万元以上的村占比" in out
    assert db_dump(path) == before


def test_a_county_total_that_is_not_the_sum_is_refused(tmp_path, db):
    url, path = db
    f = write_xlsx(tmp_path / "d.xlsx", {"表": [["南华县重点指标（2023年）"], ["乡镇", "高标准农田面积（亩）"],
                                               ["龙川镇", 100], ["沙桥镇", 200], ["全县", 301]]})
    proc = run_cli("etl", "load", f, "--db", url)
    out = proc.stdout + proc.stderr
    assert proc.returncode != 0 and "全县数301亩与各乡镇之和300亩不一致" in out and "第5行" in out
    assert not [line for line in db_dump(path) if line.startswith("INSERT") and "schema_info" not in line]


def test_another_departments_sheet_does_not_replace_and_a_corrected_one_does(tmp_path, db):
    url, _ = db
    a = write_xlsx(tmp_path / "a.xlsx", {"表": [["南华县重点指标（2023年）"], ["乡镇", "高标准农田面积（亩）"], ["龙川镇", 100]]})
    b = write_xlsx(tmp_path / "b.xlsx", {"表": [["南华县重点指标（2023年）"], ["乡镇", "矛盾纠纷调解成功率（%）"], ["龙川镇", 97]]})
    a2 = write_xlsx(tmp_path / "a2.xlsx", {"表": [["南华县重点指标（2023年）"], ["乡镇", "高标准农田面积（亩）"], ["龙川镇", 120]]})
    for f in (a, b, a2):
        run_cli("etl", "load", f, "--db", url, check=True)
    from rural.db import make_engine

    got = {v["key"]: v["value"] for v in indicators.county_values(make_engine(url), Scope("2023-12", "龙川镇", "南华县"))}
    assert got == {"farmland": 120, "dispute_resolution": 97.0}
    # the county's: the townships' sum for the area; a rate of townships without 分子/分母 or a 全县 row is unknown
    county = {v["key"]: v["value"] for v in indicators.county_values(make_engine(url), Scope("2023-12", None, "南华县"))}
    assert county == {"farmland": 120}
    import sqlite3

    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        rows = conn.execute("select subject, status from load_batch order by id").fetchall()
    assert rows == [("farmland", "superseded"), ("dispute_resolution", "active"), ("farmland", "active")]


# ------------------------------------------------------------------------------------ a new indicator, no Python
NEW_ENTRY = '''
[indicators.household_toilets]
name = "农村户用卫生厕所普及率"
definition = "使用卫生户厕的农户数占农户总数的比例（县里自定的口径）。"
unit = "%"
source = "indicators"
source_label = "农村户厕普查表（县农业农村局）"
formula = "使用卫生户厕户数 ÷ 农户总数 × 100"
aggregate = "ratio"
direction = "up"
status = "target"
targets = { 2023 = 85 }
area = "ecology"
section = "人居环境"
chart = "bar"
cockpit = true
map = true
briefing = "农村户用卫生厕所普及率{value}，年度目标{target}，{relation}。"
'''


@pytest.fixture
def county_reference(tmp_path, monkeypatch):
    ref = tmp_path / "reference"
    ref.mkdir()
    raw = (ROOT / "data" / "reference" / "indicators.toml").read_text(encoding="utf-8")
    (ref / "indicators.toml").write_text(raw + NEW_ENTRY, encoding="utf-8")
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    return ref


def test_a_new_county_indicator_appears_everywhere_with_one_sheet_and_one_entry(tmp_path, sample_dir, county_reference,
                                                                                 monkeypatch):
    url = f"sqlite:///{tmp_path / 'county.db'}"
    run_cli("etl", "load", *sorted(sample_dir.iterdir()), "--db", url, check=True)
    sheet = write_xlsx(tmp_path / "户厕.xlsx", {"户厕": [
        ["南华县农村户用卫生厕所普查表（截至2023年6月）"], ["乡镇", "农村户用卫生厕所普及率", "", ""],
        ["", "分子", "分母", "截至2023年6月"],
        ["龙川镇", 820, 1000, None], ["沙桥镇", 430, 500, None]]},
        merges={"户厕": [(1, 1, 1, 3, "农村户用卫生厕所普及率"), (1, 0, 2, 0, "乡镇")]})
    run_cli("etl", "load", sheet, "--db", url, check=True)
    from rural import briefing
    from rural.db import make_engine
    from rural.maps import map_indicators

    e = make_engine(url)
    got = {v["key"]: v for v in indicators.county_values(e, S)}
    # (820 + 430) / (1000 + 500) × 100 = 83.333… → 83.33, against the catalogue's 2023 target 85: 1.96% short
    assert (got["household_toilets"]["value"], got["household_toilets"]["target"], got["household_toilets"]["status"]) \
        == (83.33, 85.0, "target_missed")
    assert summary_json(url, "--as-of", "2023-06")["indicators"][-1]["name"] == "农村户用卫生厕所普及率"
    # the map can show it
    assert map_indicators(indicators.township_table(e, S))["custom:household_toilets"] == ("农村户用卫生厕所普及率", "%")
    # the attention list judges it
    assert any(a["item"] == "农村户用卫生厕所普及率" and a["status"] == "target_missed" for a in indicators.alerts(e, S))
    # the Word briefing says it in its area's section, the Excel pack lists it with its status
    pack = briefing.build_pack(e, S, compare=None)
    import docx

    text = "\n".join(p.text for p in docx.Document(io.BytesIO(pack.docx)).paragraphs)
    assert "、生态宜居" in text and "截至2023年6月，农村户用卫生厕所普及率83.33%，年度目标85.00%，距年度目标还差1.67个百分点。" in text
    wb = openpyxl.load_workbook(io.BytesIO(pack.xlsx))
    cells = [str(c.value) for r in wb["县里的指标"].iter_rows() for c in r if c.value is not None]
    assert "农村户用卫生厕所普及率" in cells and status.mark("target_missed") in cells and "83.33%" in cells
    # its area page and the cockpit (AppTest)
    from streamlit.testing.v1 import AppTest

    from rural.db import data_version
    from views._ui import Filters

    monkeypatch.setenv("DATABASE_URL", url)
    at = AppTest.from_file(str(ROOT / "views" / "area.py"), default_timeout=120)
    at.session_state["principal"] = ADMIN
    at.session_state["filters"] = Filters("南华县", AS_OF, None, None, data_version(e))
    at.session_state["page_area"] = "ecology"
    at.run()
    assert not at.exception, [x.value for x in at.exception]
    cards = {m.label: (m.value, m.delta) for m in at.metric}
    assert cards["农村户用卫生厕所普及率"] == ("83.33%", status.mark("target_missed"))
    assert cards["农村卫生厕所普及率"] == ("91.37%", status.mark("target_missed"))
    listed = at.dataframe[0].value.set_index("名称")
    assert listed.loc["农村户用卫生厕所普及率", "口径"] == "使用卫生户厕的农户数占农户总数的比例（县里自定的口径）。"
    assert listed.loc["农村户用卫生厕所普及率", "状态"] == status.mark("target_missed")
    at.selectbox(key="area-indicator-ecology").select("household_toilets").run()
    assert not at.exception
    assert any("县里自定的口径" in str(c.value) for c in at.caption)      # its 口径 beside its chart
    ranking = at.dataframe[-1].value.set_index("名称")
    assert ranking.loc["龙川镇", "数值"] == "82.00%" and ranking.loc["沙桥镇", "数值"] == "86.00%"
    at = AppTest.from_file(str(ROOT / "views" / "overview.py"), default_timeout=120)
    at.session_state["principal"] = ADMIN
    at.session_state["filters"] = Filters("南华县", AS_OF, None, None, data_version(e))
    at.run()
    assert not at.exception, [x.value for x in at.exception]
    assert {m.label: m.value for m in at.metric}["农村户用卫生厕所普及率"] == "83.33%"
    assert "生态宜居" in [s.value for s in at.subheader]


def test_a_label_changed_in_the_catalogue_changes_on_every_page_and_export(sample_db, tmp_path, monkeypatch):
    ref = tmp_path / "reference"
    ref.mkdir()
    raw = (ROOT / "data" / "reference" / "indicators.toml").read_text(encoding="utf-8")
    raw = raw.replace('name = "农村卫生厕所普及率"', 'name = "农村卫生厕所覆盖率"').replace(
        'name = "统筹整合资金产业类投资占比"', 'name = "统筹资金产业占比"')
    (ref / "indicators.toml").write_text(raw, encoding="utf-8")
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    from rural import briefing
    from rural.db import data_version, make_engine
    from views._ui import Filters

    e = make_engine(sample_db[0])
    names = [i["name"] for i in summary_json(sample_db[0], "--as-of", "2023-06", env={"RURAL_REFERENCE_DIR": str(ref)})["indicators"]]
    assert "农村卫生厕所覆盖率" in names and "农村卫生厕所普及率" not in names
    pack = briefing.build_pack(e, S, compare="2023-04")
    wb = openpyxl.load_workbook(io.BytesIO(pack.xlsx))
    cells = {str(c.value) for ws in wb for r in ws.iter_rows() for c in r if c.value is not None}
    assert "农村卫生厕所覆盖率" in cells and "统筹资金产业占比" in cells and "统筹整合资金产业类投资占比" not in cells
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DATABASE_URL", sample_db[0])
    at = AppTest.from_file(str(ROOT / "views" / "overview.py"), default_timeout=120)
    at.session_state["principal"] = ADMIN
    at.session_state["filters"] = Filters("南华县", AS_OF, None, "2023-04", data_version(e))
    at.run()
    labels = [m.label for m in at.metric]
    assert "统筹资金产业占比" in labels and "农村卫生厕所覆盖率" in labels


COUNT_ENTRIES = '''
[indicators.strong_villages]
name = "集体经济收入10万元以上的村"
definition = "当年村集体经营性收入达到10万元的行政村个数（按村报送收入，县里计数）。"
unit = "个"
precision = 0
source = "indicators"
source_label = "村集体经济收入统计表"
formula = "收入不低于10万元的村数"
aggregate = "count"
count_at_least = 10
direction = "up"
status = "target"
targets = { 2023 = 3 }
area = "thriving"

[indicators.county_gdp]
name = "地区生产总值"
definition = "统计局核定的全县地区生产总值（只有全县数）。"
unit = "亿元"
source = "indicators"
source_label = "统计局"
formula = "统计局核定数"
aggregate = "latest"
direction = "up"
status = "none"
area = "prosperity"
'''


def test_count_and_latest_aggregate_as_the_catalogue_says(tmp_path, db, monkeypatch):
    ref = tmp_path / "reference"
    ref.mkdir()
    raw = (ROOT / "data" / "reference" / "indicators.toml").read_text(encoding="utf-8")
    (ref / "indicators.toml").write_text(raw + COUNT_ENTRIES, encoding="utf-8")
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    url, _ = db
    f = write_xlsx(tmp_path / "村集体.xlsx", {"表": [["南华县重点指标（2023年）"], ["乡镇", "行政村", "指标名称", "数值"],
                                                   ["龙川镇", "大村", "集体经济收入10万元以上的村", 12.5],
                                                   ["龙川镇", "小河村", "集体经济收入10万元以上的村", 8],
                                                   ["龙川镇", "新华村", "集体经济收入10万元以上的村", 10],
                                                   ["沙桥镇", "沙桥村", "集体经济收入10万元以上的村", 15],
                                                   ["沙桥镇", "", "地区生产总值", 3.2],
                                                   ["全县", "", "地区生产总值", 98.6]]})
    run_cli("etl", "load", f, "--db", url, check=True, env={"RURAL_REFERENCE_DIR": str(ref)})
    from rural.db import make_engine

    e = make_engine(url)
    county = {v["key"]: v for v in indicators.county_values(e, Scope("2023-12", None, "南华县"))}
    # villages at or above 10 (万元): 大村 12.5, 新华村 10 (龙川镇 2) and 沙桥村 15 (沙桥镇 1): 3 of the target 3
    assert (county["strong_villages"]["value"], county["strong_villages"]["status"]) == (3, "target_met")
    town = {v["key"]: v["value"] for v in indicators.county_values(e, Scope("2023-12", "龙川镇", "南华县"))}
    assert town == {"strong_villages": 2}
    # latest: the reported county figure only, never a sum of what townships sent
    assert county["county_gdp"]["value"] == 98.6 and county["county_gdp"]["reported"] is True
