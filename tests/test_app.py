"""Every page through Streamlit's AppTest on the sample database: no exception, the published
figures in its metrics and tables, and filters (township, snapshot, URL) changing them correctly."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from rural.indicators import Scope, monitoring_overview
from tests.conftest import ROOT

PAGES = ["views/overview.py", "views/monitoring.py", "views/income.py", "views/employment.py", "views/projects.py",
         "views/assistance.py", "views/map.py"]


@pytest.fixture
def app(sample_db, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", sample_db[0])

    def make(page: str | None = None, **params) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for k, v in params.items():
            at.query_params[k] = v
        at.run()
        if page and page != PAGES[0]:
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make


def metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def texts(at: AppTest) -> str:
    parts = [m.value for m in at.markdown] + [e.value for e in at.error] + [w.value for w in at.warning]
    parts += [s.value for s in at.success] + [c.value for c in at.caption]
    for df in at.dataframe:
        parts.append(df.value.to_string())
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("page", PAGES)
def test_page_runs_without_exception(app, page):
    at = app(page)
    assert at.title, "every page has a title"


def test_cockpit_shows_published_figures(app):
    at = app()
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas["风险消除率（按人）"] == "+2.64个百分点"      # since 2023-04: 70.46% → 73.10%
    assert deltas["累计纳入监测人数"] == "+14人"
    assert deltas["救助平台办结率"] == "+2.78个百分点"
    m = metrics(at)
    assert m["风险消除率（按人）"] == "73.10%"
    assert m["累计纳入监测人数"] == "4,438人"
    assert m["2022年人均纯收入"] == "16,890.43元"
    assert m["2023年上半年人均纯收入"] == "9,402.56元"
    assert m["城镇新增就业完成率"] == "53.30%"
    assert m["下岗失业人员再就业完成率"] == "24.50%"
    assert m["就业困难人员再就业完成率"] == "16.64%"
    assert m["项目库产业类投资占比"] == "82.00%"
    assert m["统筹整合资金产业类投资占比"] == "71.27%"
    assert m["救助平台办结率"] == "93.44%"


def plain(text: str) -> str:
    """Page Markdown as the reader sees it: department text is escaped (``16\\.64%``), the escapes are not shown."""
    return text.replace("\\", "").replace("\u2060", "").replace("**", "")


def test_cockpit_lists_what_lags_with_reasons(app):
    at = app(compare="2023-02")
    reds = [plain(e.value) for e in at.error]
    ambers = [plain(w.value) for w in at.warning]
    assert any("就业困难人员再就业" in r and "16.64%" in r and "16.69个百分点" in r for r in reds)
    assert any("下岗失业人员再就业" in a and "8.83个百分点" in a for a in ambers)
    assert any("就业困难人员再就业" in r and "转为" in r and "严重滞后" in r for r in reds), "moved from 滞后 to 严重滞后 since 2023-02"


def test_cockpit_one_status_vocabulary_and_attention_first(app):
    """The same item says the same word on its card and in the list; the list starts with what needs attention
    and folds the normal items away; a report that has not come in is named."""
    from rural import status

    at = app()
    cards = {m.label: m.delta for m in at.metric}
    assert cards["就业困难人员再就业完成率"] == status.mark("far_behind") == "■ 严重滞后"
    assert cards["下岗失业人员再就业完成率"] == status.mark("behind") == "▲ 滞后"
    assert cards["城镇新增就业完成率"] == status.mark("ahead") == "● 超序时"
    reds, ambers = [plain(e.value) for e in at.error], [plain(w.value) for w in at.warning]
    assert len(reds) == 1 and reds[0].startswith("■ 需重点关注（2项）") and "■ 严重滞后　就业困难人员再就业完成率" in reds[0]
    # the county's own indicators are judged in the same list: 44.23% against the 50% target is 11.54% short
    assert "■ 差距较大　村集体经济收入10万元以上的村占比：截至2023年6月为44.23%，未达到年度目标50.00%" in reds[0]
    lagging = next(a for a in ambers if a.startswith("▲ 需关注"))
    assert "▲ 滞后　下岗失业人员再就业完成率" in lagging
    assert "▲ 未达目标　农村卫生厕所普及率：截至2023年6月为91.37%，未达到年度目标92.00%" in lagging
    assert not at.success, "normal items are folded away, not shown as green boxes"
    folded = next(e for e in at.expander if e.label.startswith("● 正常"))
    assert folded.label == "● 正常（9项）" and len(folded.markdown) == 9   # 6 built-in, 3 of the county's own
    assert "● 超序时　城镇新增就业完成率" in plain(folded.markdown[0].value)
    # data freshness: employment stopped at 1-4月 under a June snapshot, and the page says so first
    assert "就业：最新为2023年1-4月，1-6月报表尚未载入" in plain(ambers[0])
    fresh = next(d.value for d in at.dataframe if "最新统计期" in d.value.columns).set_index("报表")
    assert fresh.loc["就业", "状态"] == "▲ 未更新" and fresh.loc["监测对象", "状态"] == "● 已更新"


def test_cockpit_compares_like_with_like(app):
    at = app()
    cards = {m.label: m for m in at.metric}
    # employment has no newer report than at the last meeting (1-4月): no change is stated, and it says why
    changes = next(d.value for d in at.dataframe if "比较" in d.value.columns).set_index("指标")
    row = changes.loc["城镇新增就业完成率"]
    assert (row["比较"], row["对比值"], row["变化"]) == ("无新报表（仍为2023年1-4月）", "—", "—")
    # half-year income compared with the same half a year earlier, labelled as such
    row = changes.loc["脱贫人口人均纯收入（半年）"]
    assert (row["比较"], row["对比值"], row["本期值"], row["变化"]) == (
        "2022年上半年→2023年上半年", "7,986.54元", "9,402.56元", "增加1,416.02元")
    # a year-to-date total grows by itself: what was added, without an arrow claiming an improvement
    row = changes.loc["社会救助发放金额"]
    assert (row["比较"], row["变化"]) == ("2023年1-4月→1-6月", "增加501.5万元")
    assist = cards["社会救助发放（今年累计）"]
    assert (assist.value, assist.delta) == ("1,504.5万元", "+501.5万元")
    from streamlit.proto.Metric_pb2 import Metric

    assert (assist.proto.direction, assist.proto.color) == (Metric.MetricDirection.NONE, Metric.MetricColor.GRAY)
    assert assist.proto.delta_description == "较2023年1\\-4月累计"
    rate = cards["风险消除率（按人）"].proto
    assert (rate.direction, rate.color, rate.delta_description) == (Metric.MetricDirection.UP, Metric.MetricColor.GREEN,
                                                                    "较截至2023年4月")


def test_monitoring_page_figures(app):
    at = app("views/monitoring.py")
    m = metrics(at)
    assert m["风险消除率（按人）"] == "73.10%" and m["风险消除率（按户）"] == "68.54%"
    assert m["累计纳入监测户数"] == "1,351户" and m["累计纳入监测人数"] == "4,438人"    # the catalogue's names
    assert m["今年新识别纳入户数"] == "9户" and m["今年新识别纳入人数"] == "35人"
    assert m["推送预警线索（今年）"] == "6,567条" and m["驻村帮扶干部"] == "228名"
    assert m["结对帮扶干部"] == "3,585名" and m["结对帮扶户"] == "7,575户"
    assert "风险消除率·按人" in at.dataframe[0].value.columns  # no raw column names


def test_income_page_figures(app):
    at = app("views/income.py")
    m = metrics(at)
    assert m["2022年人均纯收入"] == "16,890.43元"
    assert m["2022年人均不足10,000元"] == "237户" and m["2022年人均不足7,000元"] == "0户"
    assert {"847人", "0人"} <= {c.value for c in at.caption}
    card = next(x for x in at.metric if x.label == "2022年人均纯收入")
    assert "增长" in card.delta and card.delta.startswith("+") and card.delta.endswith("%")   # a growth, in words


def test_employment_page_figures(app):
    at = app("views/employment.py")
    table = at.dataframe[0].value
    row = table.set_index("指标").loc["城镇新增就业"]
    assert (row["目标任务（人）"], row["完成数（人）"], row["完成率"]) == (3300, 1759, 53.3)
    assert table.set_index("指标").loc["就业困难人员再就业", "状态"] == "■ 严重滞后"      # the one status vocabulary
    assert metrics(at)["使用城镇公益性岗位"] == "397个"
    assert metrics(at)["发放岗位补贴"] == "203.5万元"


def test_projects_page_figures_and_search(app):
    at = app("views/projects.py")
    values = [m.value for m in at.metric]
    assert "163个" in values and "50,000万元" in values and "86个" in values and "41,000万元" in values
    assert "82.00%" in values and "71.27%" in values and "8,662万元" in values and "6,173万元" in values
    assert all(not x.delta for x in at.metric)                 # the share by count is a basis, not a change
    assert "按投资额；按项目个数为52.76%" in [c.value for c in at.caption]
    at.text_input(key="project_search").input("不存在的项目名称").run()
    assert "共0个项目" in texts(at)


def test_assistance_page_figures(app):
    at = app("views/assistance.py")
    assert all(not x.delta for x in at.metric)                 # amounts are figures, not change chips
    assert "发放金额946.14万元" in [c.value for c in at.caption]
    m = metrics(at)
    assert m["城市低保"] == "658人次" and m["农村低保"] == "34,575人次" and m["残疾人两项补贴"] == "19,952人次"
    assert m["受理"] == "427件" and m["办结"] == "399件" and m["办结率"] == "93.44%"


def test_township_filter_changes_figures(app, sample_engine):
    expected = monitoring_overview(sample_engine, Scope("2023-06", "龙川镇"))
    at = app("views/monitoring.py")
    at.selectbox(key="township").select("龙川镇").run()
    m = metrics(at)
    assert m["累计纳入监测户数"] == f"{expected['households']:,}户"
    assert m["风险消除率（按人）"] == f"{expected['elimination_rate_people']:.2f}%"
    assert expected["households"] < 1351


def test_snapshot_filter_changes_figures(app):
    at = app("views/monitoring.py")
    at.selectbox(key="as_of").select("2023-04").run()
    m = metrics(at)
    assert m["累计纳入监测户数"] == "1,348户"
    assert m["风险消除率（按人）"] == f"{3117 * 100 / 4424:.2f}%"


def test_bookmarked_url_restores_the_view(app, sample_engine):
    at = app("views/monitoring.py", as_of="2023-04", township="龙川镇")
    expected = monitoring_overview(sample_engine, Scope("2023-04", "龙川镇"))
    assert at.selectbox(key="as_of").value == "2023-04"
    assert at.selectbox(key="township").value == "龙川镇"
    assert metrics(at)["累计纳入监测户数"] == f"{expected['households']:,}户"
    assert at.query_params["township"] == ["龙川镇"] or at.query_params["township"] == "龙川镇"


def test_drill_down_to_households_without_personal_data(app):
    at = app("views/monitoring.py", township="沙桥镇")
    at.selectbox(key="drill_village").select_index(1).run()
    households = at.dataframe[-1].value
    assert len(households) > 0
    assert list(households.columns)[:3] == ["户编号", "行政村", "类别"]
    assert not {"姓名", "户主姓名", "证件号码"} & set(households.columns)


def test_empty_database_says_what_to_do(tmp_path, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert "还没有数据" in at.warning[0].value
    assert "python -m etl load" in texts(at)
