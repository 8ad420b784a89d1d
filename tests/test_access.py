"""Roles and scope at the function level (rural.access), on the real sample database: every page's data call
and every export through the one gateway, a township official's rows checked against the database, the
county binding, and who may load, undo, restore and download originals (etl.service)."""
from __future__ import annotations

import ast
import io
import shutil
from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import select

from etl import service
from rural import access, indicators
from rural.access import ADMIN, CLERK, COUNTY, TOWNSHIP, Denied, Principal
from rural.db import BATCH_ACTIVE, LoadBatch, MonitoredHousehold, Township, Village, make_engine
from rural.indicators import Scope
from tests.conftest import ROOT, ROSTER_HEADER, db_dump, roster_rows, write_xlsx

AS_OF, COMPARE = "2023-06", "2023-02"
B, T, V, MH = LoadBatch.__table__, Township.__table__, Village.__table__, MonitoredHousehold.__table__


# ------------------------------------------------------------------------------------ the truth
@pytest.fixture(scope="module")
def county(sample_engine) -> str:
    return indicators.county_of(sample_engine)


@pytest.fixture(scope="module")
def towns(sample_engine, county) -> list[str]:
    return indicators.townships(sample_engine, county)


@pytest.fixture(scope="module")
def own(towns) -> str:
    return towns[0]


@pytest.fixture(scope="module")
def other(towns) -> str:
    return towns[1]


@pytest.fixture(scope="module")
def official(county, own) -> Principal:
    return Principal("乡镇干部", TOWNSHIP, county, own)


@pytest.fixture(scope="module")
def villages(sample_engine, county) -> dict[str, set[str]]:
    """Each township's village names, from the database."""
    out: dict[str, set[str]] = {}
    with sample_engine.connect() as conn:
        for town, village in conn.execute(select(T.c.name, V.c.name).select_from(V.join(T, V.c.township_id == T.c.id))
                                          .where(T.c.county == county)):
            out.setdefault(town, set()).add(village)
    return out


@pytest.fixture(scope="module")
def household_keys(sample_engine, county) -> dict[str, set[str]]:
    """Each township's household keys in the active monitoring batches, from the database."""
    out: dict[str, set[str]] = {}
    with sample_engine.connect() as conn:
        q = (select(T.c.name, MH.c.household_key).select_from(MH.join(T, MH.c.township_id == T.c.id).join(B, MH.c.batch_id == B.c.id))
             .where((B.c.status == BATCH_ACTIVE) & (T.c.county == county)))
        for town, key in conn.execute(q):
            out.setdefault(town, set()).add(key)
    return out


def others(table: dict[str, set[str]], own: str) -> set[str]:
    return {x for town, names in table.items() if town != own for x in names}


def strings(value) -> set[str]:
    """Every text value in an indicator's result (frames, dicts, lists, nested)."""
    if isinstance(value, str):
        return {value}
    if isinstance(value, pd.DataFrame):
        return {v for c in value.columns for v in value[c].tolist() if isinstance(v, str)} | {str(c) for c in value.columns}
    if isinstance(value, dict):
        return {s for k, v in value.items() for s in strings(k) | strings(v)}
    if isinstance(value, (list, tuple)):
        return {s for v in value for s in strings(v)}
    return set()


# --------------------------------------------------------------------------------- the registry
def view_calls() -> set[str]:
    """The indicator names every page asks ``q`` for."""
    found = set()
    for path in (ROOT / "views").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "q" and node.args:
                found.add(ast.literal_eval(node.args[0]))
    return found


def briefing_calls() -> set[str]:
    """The indicator names the meeting pack gathers (``get("name", …)`` in ``rural.briefing.gather``)."""
    tree = ast.parse((ROOT / "rural" / "briefing" / "content.py").read_text(encoding="utf-8"))
    gather = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == "gather")
    return {ast.literal_eval(n.args[0]) for n in ast.walk(gather)
            if isinstance(n, ast.Call) and getattr(n.func, "id", None) == "get" and n.args}


def test_every_function_the_pages_the_briefing_and_the_summary_call_is_registered():
    called = view_calls() | briefing_calls() | {"summary"}
    assert len(view_calls()) >= 20 and len(briefing_calls()) >= 15
    assert called <= set(access.LEVELS), called - set(access.LEVELS)
    for name in access.LEVELS:
        assert callable(getattr(indicators, name)), name
    # and the briefing asks nothing of the indicators except through the gateway
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "rural" / "briefing").glob("*.py"))
    assert {n.attr for n in ast.walk(ast.parse(source)) if isinstance(n, ast.Attribute)
            and getattr(n.value, "id", None) == "ind"} <= {"_resolve", "default_compare"}


@pytest.mark.parametrize("name", ["_resolve", "townships", "no_such_indicator", "periods_date", "Scope"])
def test_an_unregistered_function_is_refused(sample_engine, name):
    with pytest.raises(Denied, match="未登记"):
        access.call(sample_engine, Principal("a", ADMIN), name, Scope(AS_OF))


def test_levels_by_argument():
    assert access.level_of("monitoring_breakdown", ("township",)) == access.RANKING
    assert access.level_of("monitoring_breakdown", (), {"by": "village"}) == access.DETAIL
    assert access.level_of("monitoring_breakdown", ("category",)) == access.AGGREGATE
    assert access.level_of("monitoring_breakdown", ("anything else",)) == access.DETAIL      # fail closed
    assert access.level_of("household_list") == access.level_of("project_list") == access.DETAIL


# ---------------------------------------------------------------------------------------- rules
RULES = {
    ADMIN: set(access.ACTIONS),
    CLERK: {"view", "export", "upload", "load", "undo", "redo"},
    COUNTY: {"view", "export"},
    TOWNSHIP: {"view", "export"},
}


@pytest.mark.parametrize("role", list(RULES))
def test_what_each_role_may_do(role):
    p = Principal("x", role, "南华县", "龙川镇")
    for action in access.ACTIONS:
        assert access.allowed(p, action) == (action in RULES[role]), (role, action)
        if action in RULES[role]:
            access.require(p, action)
        else:
            with pytest.raises(Denied) as exc:
                access.require(p, action)
            assert p.role_name in exc.value.text and access.ACTIONS[action] in exc.value.text


def test_fail_closed():
    assert not access.allowed(None, "view")
    assert not access.allowed(Principal("x", "guest"), "view")
    assert not access.allowed(Principal("x", TOWNSHIP, "南华县"), "view"), "a township official without a township"
    with pytest.raises(Denied, match="请先登录"):
        access.require(None, "view")
    with pytest.raises(Denied, match="没有指定乡镇"):
        access.require(Principal("x", TOWNSHIP, "南华县"), "view")
    with pytest.raises(Denied, match="未知的操作"):
        access.require(Principal("x", ADMIN), "drop_everything")


# ------------------------------------------------------------------------------- every page's call
# (page, indicator, args, kwargs, township asked for: "" = the sidebar's, None = the county, "other" = another)
PAGE_CALLS = [
    ("overview", "changes", (COMPARE,), {}, ""), ("overview", "monitoring_overview", (), {}, ""),
    ("overview", "income_summary", (), {}, ""), ("overview", "employment_status", (), {}, ""),
    ("overview", "project_shares", (), {}, ""), ("overview", "platform_summary", (), {}, ""),
    ("overview", "freshness", (), {}, ""), ("overview", "alerts", (), {}, ""),
    ("monitoring", "monitoring_overview", (), {}, None), ("monitoring", "work_summary", (), {}, ""),
    ("monitoring", "monitoring_breakdown", ("township",), {}, None),
    ("monitoring", "monitoring_breakdown", ("category",), {}, ""),
    ("monitoring", "monitoring_breakdown", ("risk_type",), {}, ""), ("monitoring", "monitoring_trend", (), {}, ""),
    ("monitoring", "work_by_township", (), {}, ""), ("monitoring", "monitoring_breakdown", ("village",), {}, "other"),
    ("monitoring", "household_list", (None,), {}, "other"),
    ("income", "income_summary", (), {}, None), ("income", "income_series", (), {}, ""),
    ("income", "income_by_township", (), {}, None),
    ("employment", "employment_status", (), {}, ""), ("employment", "welfare_posts", (), {}, ""),
    ("employment", "employment_by_township", (), {}, ""),
    ("projects", "project_shares", (), {}, ""), ("projects", "projects_by_category", (), {}, ""),
    ("projects", "projects_by_category", (), {"integrated_only": True}, ""),
    ("projects", "projects_by_township", (), {}, ""), ("projects", "project_list", (), {"text": ""}, ""),
    ("assistance", "assistance_by_type", (), {}, ""), ("assistance", "platform_summary", (), {}, ""),
    ("assistance", "assistance_trend", (), {}, ""), ("assistance", "assistance_by_township", (), {}, ""),
    ("map", "township_table", (), {}, None),
    ("overview", "indicator_areas", (), {}, ""), ("overview", "county_values", ("ecology",), {}, ""),
    ("area", "county_values", ("ecology",), {}, ""), ("area", "indicator_table", ("ecology",), {}, ""),
    ("area", "indicator_series", ("sanitary_toilets",), {}, ""),
    ("area", "indicator_by_township", ("sanitary_toilets",), {}, None),
]


def test_the_list_below_holds_every_call_of_every_page():
    assert {c[1] for c in PAGE_CALLS} == view_calls()


def asked(how, own: str, other: str) -> list[str | None]:
    """The townships a call may be made for: the sidebar's (their own; the county or another township when a
    sidebar or a bookmark is not narrowed) or what the page itself passes (None: the county)."""
    return [None] if how is None else [own, None, other]


@pytest.mark.parametrize("page,name,args,kwargs,how", PAGE_CALLS, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(PAGE_CALLS)])
def test_a_township_official_sees_no_other_townships_villages_or_households(
        sample_engine, official, own, other, villages, household_keys, page, name, args, kwargs, how):
    admin = Principal("管理员", ADMIN)
    level = access.level_of(name, args, kwargs)
    for township in asked(how, own, other):
        got = access.call(sample_engine, official, name, Scope(AS_OF, township), *args, **kwargs)
        text = strings(got)
        assert not text & others(villages, own), (name, township, text & others(villages, own))
        assert not text & others(household_keys, own), (name, township)
        if level == access.DETAIL:         # forced to their township, whatever was asked
            assert got.equals(access.call(sample_engine, admin, name, Scope(AS_OF, own), *args, **kwargs))
        elif level == access.RANKING:      # the township ranking, county-wide
            assert _same(got, access.call(sample_engine, admin, name, Scope(AS_OF, township), *args, **kwargs))
        elif township in (None, own):      # county totals, or their own
            assert _same(got, access.call(sample_engine, admin, name, Scope(AS_OF, township), *args, **kwargs))
        else:                              # another township's totals: theirs instead
            assert _same(got, access.call(sample_engine, admin, name, Scope(AS_OF, own), *args, **kwargs))


def _same(a, b) -> bool:
    if isinstance(a, pd.DataFrame):
        return a.equals(b)
    return repr(a) == repr(b)


def test_household_and_village_rows_are_their_townships_by_the_database(sample_engine, official, own, other, villages,
                                                                         household_keys):
    for township in (None, own, other):
        hh = access.call(sample_engine, official, "household_list", Scope(AS_OF, township))
        assert len(hh) > 0 and set(hh["household_key"]) <= household_keys[own]
        assert set(hh["village"].dropna()) <= villages[own]
        vil = access.call(sample_engine, official, "monitoring_breakdown", Scope(AS_OF, township), "village")
        assert len(vil) > 0 and set(vil["name"]) <= villages[own] | {"（未填村）"}
        pj = access.call(sample_engine, official, "project_list", Scope(AS_OF, township))
        assert len(pj) > 0 and set(pj["township"]) == {own}
        assert set(pj["village"].dropna()) <= villages[own]
    # a village of another township asked for by name: nothing
    stranger = sorted(villages[other])[0]
    assert access.call(sample_engine, official, "household_list", Scope(AS_OF, other), stranger).empty
    # the same calls for the county viewer: every township
    viewer = Principal("县领导", COUNTY, official.county)
    hh = access.call(sample_engine, viewer, "household_list", Scope(AS_OF, other))
    assert set(hh["household_key"]) <= household_keys[other] and len(hh) > 0


def test_county_totals_and_the_ranking_stay_available(sample_engine, official, towns):
    county = indicators.monitoring_overview(sample_engine, Scope(AS_OF))
    assert access.call(sample_engine, official, "monitoring_overview", Scope(AS_OF, None)) == county
    ranking = access.call(sample_engine, official, "monitoring_breakdown", Scope(AS_OF, None), "township")
    assert list(ranking["name"]) == [t for t in towns if t in set(ranking["name"])] and len(ranking) == len(towns)
    table = access.call(sample_engine, official, "township_table", Scope(AS_OF))
    assert set(table["name"]) == set(towns)


def test_a_township_clerk_sees_like_a_township_official(sample_engine, official, own, other, household_keys):
    clerk = Principal("乡镇录入员", CLERK, official.county, own)
    hh = access.call(sample_engine, clerk, "household_list", Scope(AS_OF, other))
    assert set(hh["household_key"]) <= household_keys[own]
    assert access.sidebar_township(clerk, other) == (own, f"您只能查看{own}的数据，已切换到{own}")


# ------------------------------------------------------------------------------------- sidebar
def test_a_bookmarked_other_township_is_narrowed_with_a_notice(official, own, other):
    assert access.sidebar_township(official, other) == (own, f"您只能查看{own}的数据，已切换到{own}")
    assert access.sidebar_township(official, None) == (own, None)
    assert access.sidebar_township(official, "全县") == (own, None)
    assert access.sidebar_township(official, own) == (own, None)
    viewer = Principal("县领导", COUNTY, official.county)
    assert access.sidebar_township(viewer, other) == (other, None)
    assert access.sidebar_township(viewer, "全县") == (None, None)
    assert access.township_choices(official, ["a", own, "b"]) == [own]
    assert access.township_choices(viewer, ["a", own]) == ["a", own]


def test_sidebar_county(county):
    bound = Principal("县领导", COUNTY, "楚雄县")
    assert access.sidebar_county(bound, [county]) == ("楚雄县", None)
    assert access.sidebar_county(bound, [county], county) == ("楚雄县", "您只能查看楚雄县的数据，已切换到楚雄县")
    prefecture = Principal("州领导", COUNTY)
    assert access.sidebar_county(prefecture, ["甲县", county], county) == (county, None)
    assert access.sidebar_county(prefecture, ["甲县", county]) == ("甲县", None)


# -------------------------------------------------------------------------------- county binding
def test_a_viewer_of_another_county_gets_nothing_of_this_county(sample_engine, county, own):
    stranger = Principal("外县领导", COUNTY, "楚雄县")
    for page, name, args, kwargs, _ in PAGE_CALLS:
        with pytest.raises(Denied, match="您只能查看楚雄县的数据"):
            access.call(sample_engine, stranger, name, Scope(AS_OF, own, county), *args, **kwargs)
        # with no county named, their own (empty here): never this county's rows
        got = access.call(sample_engine, stranger, name, Scope(AS_OF), *args, **kwargs)
        assert not strings(got) & set(indicators.townships(sample_engine, county)), name
    assert access.call(sample_engine, stranger, "monitoring_overview", Scope(AS_OF))["period"] is None
    from rural.report import summary

    with pytest.raises(Denied):
        summary(sample_engine, Scope(AS_OF, None, county), principal=stranger)
    assert service.history_display(sample_engine, principal=stranger).empty
    assert service.provenance(sample_engine, AS_OF, principal=stranger).empty
    assert not service.provenance(sample_engine, AS_OF, principal=Principal("县领导", COUNTY, county)).empty


def test_the_summary_goes_through_the_gateway(sample_engine, official, own, other):
    from rural.report import summary

    s = summary(sample_engine, Scope(AS_OF, other), principal=official)
    assert s["township"] == own
    assert s["monitoring"] == indicators.monitoring_overview(sample_engine, Scope(AS_OF, own))
    assert summary(sample_engine, Scope(AS_OF))["monitoring"]["households"] == \
        indicators.monitoring_overview(sample_engine, Scope(AS_OF))["households"]        # the command line


# ------------------------------------------------------------------------------------ the pack
@pytest.fixture(scope="module")
def township_pack(sample_engine, official, other):
    from rural.briefing import build_pack

    return build_pack(sample_engine, Scope(AS_OF, other), COMPARE, principal=official)


def pack_text(pack) -> str:
    from docx import Document
    from openpyxl import load_workbook
    from pptx import Presentation

    doc = Document(io.BytesIO(pack.docx))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
    wb = load_workbook(io.BytesIO(pack.xlsx))
    parts += [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None]
    prs = Presentation(io.BytesIO(pack.pptx))
    parts += [sh.text_frame.text for s in prs.slides for sh in s.shapes if sh.has_text_frame]
    return "\n".join(parts)


@pytest.mark.timeout(300)
def test_the_briefing_pack_of_a_township_official_names_no_other_townships_village(sample_engine, township_pack, official,
                                                                                    own, other, villages, household_keys):
    assert township_pack.briefing.scope.township == own
    assert township_pack.briefing.title.startswith(f"{official.county}{own}")
    text = pack_text(township_pack)
    mine = indicators.monitoring_overview(sample_engine, Scope(AS_OF, own))
    theirs = indicators.monitoring_overview(sample_engine, Scope(AS_OF, other))
    assert f"累计纳入“三类对象”{mine['households']}户{mine['people']}人" in text       # their own township's figures
    assert f"累计纳入“三类对象”{theirs['households']}户{theirs['people']}人" not in text
    leaked = [v for v in others(villages, own) if v in text]
    assert not leaked, leaked
    assert not [k for k in others(household_keys, own) if k in text]


def test_the_pack_refuses_another_county(sample_engine, county):
    from rural.briefing import gather

    with pytest.raises(Denied):
        gather(sample_engine, Scope(AS_OF, None, county), None, principal=Principal("外县领导", COUNTY, "楚雄县"))


# ------------------------------------------------------------------------ loading, undo, originals
@pytest.fixture
def engine(sample_db, tmp_path, monkeypatch):
    """A private copy of the sample database (these tests change it) and a private archive."""
    path = tmp_path / "copy.db"
    shutil.copy(sample_db[1], path)
    monkeypatch.setattr(service, "ARCHIVE_DIR", tmp_path / "archive")
    return make_engine(f"sqlite:///{path}"), path


def data_dump(path: Path) -> list[str]:
    """Every row of the database but the audit log's (which records the refusals)."""
    return [line for line in db_dump(path) if not line.startswith('INSERT INTO "audit_log"')]


def county_roster(tmp_path) -> Path:
    """A corrected county-wide roster (three townships), as a department sends it."""
    return write_xlsx(tmp_path / "南华县监测对象名单_2023年4月_更正.xlsx",
                      {"名单": roster_rows("南华县防返贫监测对象名单（截至2023年4月）")})


def township_roster(tmp_path, town: str) -> Path:
    """One township's own roster for a month with no county-wide roster."""
    rows = [["南华县防返贫监测对象名单（截至2023年7月）"], ["单位：人、元"], ROSTER_HEADER,
            [1, town, "东岭村", "H7001", "张某", None, 4, "脱贫不稳定户", "因病", "2021-06-15", "否", None, "9000"],
            [2, town, "南屯村", "H7002", "李某", None, 3, "边缘易致贫户", "因学", "2022-03-01", "是", "2023-05-01", "12000"]]
    return write_xlsx(tmp_path / f"{town}监测对象名单_2023年7月.xlsx", {"名单": rows})


def active_batch(engine, kind: str = "monitoring", period: str = "2023-06") -> int:
    with engine.connect() as conn:
        return conn.execute(select(B.c.id).where((B.c.kind == kind) & (B.c.period == period)
                                                 & (B.c.status == BATCH_ACTIVE))).scalar_one()


def test_a_township_clerk_cannot_load_a_county_wide_roster(engine, tmp_path, county, own):
    e, path = engine
    clerk = Principal("乡镇录入员", CLERK, county, own)
    f = county_roster(tmp_path)
    before = data_dump(path)
    check = service.inspect_upload(e, f.name, f.read_bytes(), principal=clerk)
    assert check.refused and not check.ok
    assert f"您只能上传{own}的数据" in check.errors[0].message and "南华县全县" in check.errors[0].message
    assert all(sc.preview.empty and not sc.replaces for sc in check.sheets) and check.effect is None
    with pytest.raises(Denied, match=f"您只能载入{own}的数据.*县级录入员"):
        service.commit_upload(e, f.name, f.read_bytes(), principal=clerk)
    assert data_dump(path) == before, "nothing written"
    assert not (tmp_path / "archive").exists(), "nothing archived"
    # a county clerk may
    result = service.commit_upload(e, f.name, f.read_bytes(), principal=Principal("县录入员", CLERK, county))
    assert result.status == "loaded", result.message


def test_a_township_clerk_loads_and_undoes_their_own_township_only(engine, tmp_path, county, own, other):
    e, _ = engine
    clerk = Principal("乡镇录入员", CLERK, county, own)
    mine = township_roster(tmp_path, own)
    check = service.inspect_upload(e, mine.name, mine.read_bytes(), principal=clerk)
    assert check.ok and [sc.scope for sc in check.sheets] == [own], check.errors
    result = service.commit_upload(e, mine.name, mine.read_bytes(), principal=clerk)
    assert result.status == "loaded", result.message
    batch = result.batches[0]["batch"]
    theirs = township_roster(tmp_path, other)
    with pytest.raises(Denied, match=f"是南华县{other}的数据，请由{other}的录入员办理"):
        service.commit_upload(e, theirs.name, theirs.read_bytes(), principal=clerk)
    other_clerk = Principal("另一乡镇录入员", CLERK, county, other)
    with pytest.raises(Denied):
        service.undo(e, batch, principal=other_clerk)
    assert "已撤销批次" in service.undo(e, batch, principal=clerk)
    assert "已恢复批次" in service.redo(e, batch, principal=clerk)


def test_a_township_clerk_cannot_undo_or_redo_a_county_wide_batch(engine, county, own):
    e, path = engine
    clerk = Principal("乡镇录入员", CLERK, county, own)
    wide = active_batch(e)
    before = data_dump(path)
    for fn in (service.undo_effect, service.undo):
        with pytest.raises(Denied, match=f"您只能撤销{own}的数据；批次 #{wide}"):
            fn(e, wide, principal=clerk)
    assert data_dump(path) == before
    service.undo(e, wide)                                   # (the command line)
    with pytest.raises(Denied, match=f"您只能恢复{own}的数据"):
        service.redo(e, wide, principal=clerk)
    assert not access.may_change(clerk, "undo", county, "全县") and access.may_change(clerk, "undo", county, own)


def test_a_county_viewer_cannot_load_or_undo(engine, tmp_path, county):
    e, path = engine
    viewer = Principal("县领导", COUNTY, county)
    f = county_roster(tmp_path)
    before = data_dump(path)
    with pytest.raises(Denied, match="县级查看.*不能上传和检查报表"):
        service.inspect_upload(e, f.name, f.read_bytes(), principal=viewer)
    with pytest.raises(Denied, match="不能载入报表"):
        service.commit_upload(e, f.name, f.read_bytes(), principal=viewer)
    with pytest.raises(Denied, match="不能撤销批次"):
        service.undo(e, active_batch(e), principal=viewer)
    with pytest.raises(Denied, match="不能恢复批次"):
        service.redo(e, active_batch(e), principal=viewer)
    with pytest.raises(Denied):
        service.remove_mapping(e, 1, principal=viewer)
    assert data_dump(path) == before
    # another county's clerk neither
    with pytest.raises(Denied, match="您只能撤销楚雄县的数据"):
        service.undo(e, active_batch(e), principal=Principal("外县录入员", CLERK, "楚雄县"))


def test_only_an_admin_downloads_originals(engine, tmp_path, county, own):
    e, _ = engine
    f = county_roster(tmp_path)
    data = f.read_bytes()
    assert service.commit_upload(e, f.name, data, principal=Principal("管理员", ADMIN)).status == "loaded"
    sha = service.sha256_of(data)
    assert service.has_archive(sha)
    for p in (Principal("县录入员", CLERK, county), Principal("县领导", COUNTY, county),
              Principal("乡镇干部", TOWNSHIP, county, own)):
        with pytest.raises(Denied, match="不能下载原始文件"):
            service.archived(sha, principal=p, engine=e, name=f.name)
    assert service.archived(sha, principal=Principal("管理员", ADMIN), engine=e, name=f.name) == data


def test_each_action_in_the_audit_log(engine, tmp_path, county, own):
    audit = pytest.importorskip("rural.audit")
    e, _ = engine
    clerk, admin = Principal("乡镇录入员", CLERK, county, own), Principal("管理员", ADMIN)
    f = county_roster(tmp_path)
    earlier = len(audit.entries(e))        # (the command line's loads of the samples)
    assert earlier and set(audit.entries(e)["账号"]) == {"命令行"}
    service.inspect_upload(e, f.name, f.read_bytes(), principal=clerk)
    with pytest.raises(Denied):
        service.commit_upload(e, f.name, f.read_bytes(), principal=clerk)
    result = service.commit_upload(e, f.name, f.read_bytes(), principal=admin)
    batch = result.batches[0]["batch"]
    service.undo(e, batch, principal=admin)
    service.redo(e, batch, principal=admin)
    service.archived(service.sha256_of(f.read_bytes()), principal=admin, engine=e, name=f.name)
    log = audit.entries(e).iloc[: -earlier]
    got = list(zip(log["账号"], log["操作"], log["结果"]))[::-1]
    assert got == [("乡镇录入员", "检查上传文件", "拒绝"), ("乡镇录入员", "载入批次", "拒绝"), ("管理员", "替代批次", "成功"),
                   ("管理员", "撤销批次", "成功"), ("管理员", "恢复批次", "成功"), ("管理员", "下载原始文件", "成功")]
    assert "张小明" not in log.to_string() and "532324198001010014" not in log.to_string()


# ------------------------------------------------------------------------------- the page itself
def test_the_monitoring_drill_down_of_a_township_official_holds_only_their_villages(sample_db, sample_engine, monkeypatch,
                                                                                    official, own, other, villages,
                                                                                    household_keys):
    from streamlit.testing.v1 import AppTest

    from rural.db import data_version
    from views._ui import Filters

    monkeypatch.setenv("DATABASE_URL", sample_db[0])
    filters = Filters(official.county, AS_OF, other, None, data_version(sample_engine))

    def page(who: Principal) -> AppTest:
        at = AppTest.from_file(str(ROOT / "views" / "monitoring.py"), default_timeout=120)
        at.session_state["principal"] = who
        at.session_state["filters"] = filters
        return at.run()

    # a county viewer first, with the same filters: the cached results are keyed by the principal too
    at = page(Principal("县领导", COUNTY, official.county))
    assert set(at.dataframe[-1].value["户编号"]) <= household_keys[other] and len(at.dataframe[-1].value)
    # the sidebar left on another township (a stale bookmark): the drill-down is still theirs alone
    at = page(official)
    assert not at.exception, [x.value for x in at.exception]
    assert at.selectbox(key="drill_town").options == [own]
    vil = at.dataframe[-2].value
    assert set(vil.iloc[:, 0]) <= villages[own] and set(vil.iloc[:, 0])
    hh = at.dataframe[-1].value
    assert len(hh) > 0 and set(hh["户编号"]) <= household_keys[own] and set(hh["行政村"]) <= villages[own]
    at.selectbox(key="drill_village").select_index(1).run()
    hh = at.dataframe[-1].value
    assert len(hh) > 0 and set(hh["户编号"]) <= household_keys[own]
    shown = {v for df in at.dataframe for c in df.value.columns for v in df.value[c].tolist() if isinstance(v, str)}
    assert not shown & others(villages, own) and not shown & others(household_keys, own)


def test_a_page_without_a_principal_shows_only_the_refusal(sample_db, sample_engine, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from rural.db import data_version
    from views._ui import Filters

    monkeypatch.setenv("DATABASE_URL", sample_db[0])
    at = AppTest.from_file(str(ROOT / "views" / "monitoring.py"), default_timeout=120)
    at.session_state["principal"] = None          # (the sign-in found no one)
    at.session_state["filters"] = Filters("南华县", AS_OF, None, None, data_version(sample_engine))
    at.run()
    assert not at.exception
    assert [e.value for e in at.error] == ["您还没有登录，或登录已过期。请重新登录。"]
    assert not at.metric and not at.dataframe


def test_a_page_for_another_countys_viewer_shows_only_the_refusal(sample_db, sample_engine, monkeypatch):
    from streamlit.testing.v1 import AppTest

    from rural.db import data_version
    from views._ui import Filters

    monkeypatch.setenv("DATABASE_URL", sample_db[0])
    for page in ("overview", "monitoring", "projects"):
        at = AppTest.from_file(str(ROOT / "views" / f"{page}.py"), default_timeout=120)
        at.session_state["principal"] = Principal("外县领导", COUNTY, "楚雄县")
        at.session_state["filters"] = Filters("南华县", AS_OF, None, None, data_version(sample_engine))
        at.run()
        assert not at.exception
        assert [e.value for e in at.error] == ["您只能查看楚雄县的数据。"], page
        assert not at.metric and not at.dataframe


def test_the_data_page_offers_each_role_only_what_it_may_do(sample_db, sample_engine, monkeypatch, county, own):
    from streamlit.testing.v1 import AppTest

    from rural.db import data_version
    from views._ui import Filters

    monkeypatch.setenv("DATABASE_URL", sample_db[0])

    def page(who: Principal) -> tuple[AppTest, set[str], str]:
        at = AppTest.from_file(str(ROOT / "views" / "data.py"), default_timeout=120)
        at.session_state["principal"] = who
        at.session_state["filters"] = Filters(county, AS_OF, None, None, data_version(sample_engine))
        at.run()
        assert not at.exception, [x.value for x in at.exception]
        words = "\n".join([t.value for t in at.text] + [c.value for c in at.caption] + [i.value for i in at.info])
        return at, {s.label for s in at.selectbox}, words

    at, boxes, words = page(Principal("县领导", COUNTY, county))
    assert not at.get("file_uploader") and "不能上传、载入或撤销报表" in words
    assert not {"撤销批次", "恢复批次", "下载原始文件", "删除映射"} & boxes and "仅管理员可以下载" in words
    assert at.dataframe, "the history is shown"
    at, boxes, words = page(Principal("乡镇录入员", CLERK, county, own))
    assert at.get("file_uploader") and "没有可撤销的批次" in words, "every sample batch is county-wide"
    assert not {"撤销批次", "下载原始文件", "删除映射"} & boxes
    at, boxes, words = page(Principal("县录入员", CLERK, county))
    assert "撤销批次" in boxes and "下载原始文件" not in boxes
    at, boxes, words = page(Principal("管理员", ADMIN))
    assert {"撤销批次", "下载原始文件"} <= boxes
