"""The published figures, through the real commands on the bundled samples (sample → load → summary --json)."""
from __future__ import annotations

import datetime as dt
import importlib.util
import tomllib
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.conftest import ROOT, summary_json

CHECK_FIGURES = ROOT.parent / "shared" / "tools" / "check_figures.py"
PROFILE = ROOT / "data" / "sample_profiles" / "nanhua.toml"
STATUS_TOML = ROOT / "data" / "reference" / "status.toml"


def _profile() -> dict:
    return tomllib.loads(PROFILE.read_text(encoding="utf-8"))


def pct(num, den) -> Decimal:
    return (Decimal(num) * 100 / Decimal(den)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def same_decimal(actual, expected) -> bool:
    """Exact comparison of a JSON number with a decimal string or number from the profile."""
    return actual is not None and Decimal(str(actual)) == Decimal(str(expected))


@pytest.fixture(scope="module")
def published():
    if not CHECK_FIGURES.exists():
        pytest.skip(f"published-figures checker not found at {CHECK_FIGURES}")
    spec = importlib.util.spec_from_file_location("check_figures", CHECK_FIGURES)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def latest(sample_db) -> dict:
    return summary_json(sample_db[0])


@pytest.fixture(scope="module")
def as_of(sample_db):
    cache = {}

    def get(period: str, *extra: str) -> dict:
        key = (period, *extra)
        if key not in cache:
            cache[key] = summary_json(sample_db[0], "--as-of", period, *extra)
        return cache[key]

    return get


# ------------------------------------------------------------------------- latest figures
def test_every_published_figure(latest, published):
    wrong = []
    for key, expected in published.EXPECTED.items():
        try:
            actual = published.lookup(latest, key)
        except (KeyError, TypeError, IndexError) as exc:
            wrong.append(f"{key}: missing ({exc})")
            continue
        if not published.same(expected, actual):
            wrong.append(f"{key}: expected {expected!r}, got {actual!r}")
    assert not wrong, "\n".join(wrong)
    assert len(published.EXPECTED) >= 60


# Written out by hand from spec/figures.md, so this test does not rest on the checker alone.
KEY_FIGURES = {
    "county": "南华县",
    "as_of": "2023-06",
    "monitoring.period": "2023-06",
    "monitoring.households": 1351,
    "monitoring.people": 4438,
    "monitoring.eliminated_households": 926,
    "monitoring.eliminated_people": 3244,
    "monitoring.elimination_rate_people": 73.10,
    "monitoring.elimination_rate_households": 68.54,
    "monitoring.new_households": 9,
    "monitoring.new_people": 35,
    "work.warning_leads": 6567,
    "work.stationed_cadres": 228,
    "work.pairing_cadres": 3585,
    "work.paired_households": 7575,
    "income.year": 2022,
    "income.per_capita": 16890.43,
    "income.previous": 14762.57,
    "income.change": 2127.86,
    "income.growth_pct": 14.41,
    "income.under_10000_households": 237,
    "income.under_10000_people": 847,
    "income.under_7000_households": 0,
    "income.latest_period": "2023H1",
    "income.latest_per_capita": 9402.56,
    "income.latest_growth_pct": 17.73,
    "employment.period": "2023-04",
    "employment.time_progress_pct": 33.33,
    "employment.welfare_posts.posts": 397,
    "employment.welfare_posts.post_subsidy_wan": 203.5,
    "employment.welfare_posts.insurance_subsidy_wan": 129.95,
    "projects.library.count": 163,
    "projects.library.investment_wan": 50000,
    "projects.library.industrial_count": 86,
    "projects.library.industrial_investment_wan": 41000,
    "projects.library.industrial_share_pct": 82.0,
    "projects.integrated.count": 43,
    "projects.integrated.investment_wan": 8662,
    "projects.integrated.industrial_count": 30,
    "projects.integrated.industrial_investment_wan": 6173,
    "projects.integrated.industrial_share_pct": 71.27,
    "assistance.platform.received": 427,
    "assistance.platform.closed": 399,
    "assistance.platform.closure_rate_pct": 93.44,
    "industry.cattle_loans_wan": 10200,
}
EMPLOYMENT = [("城镇新增就业", 3300, 1759, 53.30, "ahead"), ("下岗失业人员再就业", 1400, 343, 24.50, "behind"),
              ("就业困难人员再就业", 1100, 183, 16.64, "far_behind")]
ASSISTANCE = [("城市低保", 658, 29.28), ("农村低保", 34575, 946.14), ("特困供养", 3252, 334.38), ("临时救助", 656, 31.42),
              ("残疾人两项补贴", 19952, 163.28)]
INDUSTRY_MU = [("有机蔬菜", 980), ("蔬菜、热带水果", 5000), ("人工食用菌", 3020), ("巨菌草", 12000), ("荷包豆", 3800)]


def pick(summary: dict, path: str):
    value = summary
    for part in path.split("."):
        value = value[part]
    return value


def test_key_figures_written_by_hand(latest):
    wrong = {k: (v, pick(latest, k)) for k, v in KEY_FIGURES.items() if pick(latest, k) != v}
    assert not wrong, wrong
    emp = [(i["name"], i["target"], i["done"], i["completion_pct"], i["status"]) for i in latest["employment"]["indicators"]]
    assert emp == EMPLOYMENT
    asst = [(t["name"], t["person_times"], t["amount_wan"]) for t in latest["assistance"]["types"]]
    assert asst == ASSISTANCE
    assert [t["amount_fen"] for t in latest["assistance"]["types"]] == [2928_0000, 94614_0000, 33438_0000, 3142_0000,
                                                                        16328_0000]
    assert [(i["name"], i["area_mu"]) for i in latest["industry"]["items"]] == INDUSTRY_MU
    assert latest["industry"]["loans"] == [{"name": "肉牛贷款", "amount_wan": 10200}]


def test_rates_are_computed_from_counts(latest):
    m = latest["monitoring"]
    assert same_decimal(m["elimination_rate_people"], pct(m["eliminated_people"], m["people"]))
    assert same_decimal(m["elimination_rate_households"], pct(m["eliminated_households"], m["households"]))
    pf = latest["assistance"]["platform"]
    assert same_decimal(pf["closure_rate_pct"], pct(pf["closed"], pf["received"]))
    for i in latest["employment"]["indicators"]:
        assert same_decimal(i["completion_pct"], pct(i["done"], i["target"]))
    for key in ("library", "integrated"):
        p = latest["projects"][key]
        assert same_decimal(p["industrial_share_pct"],
                            pct(Decimal(str(p["industrial_investment_wan"])), Decimal(str(p["investment_wan"]))))


def test_summary_text_prints_the_figures(sample_db):
    from tests.conftest import run_cli

    out = run_cli("rural", "summary", "--db", sample_db[0], check=True).stdout
    for text in ("1,351户", "4,438人", "926户", "3,244人", "73.10%", "6,567条", "16,890.43元", "53.30%", "24.50%",
                 "16.64%", "5亿元", "8,662万元", "71.27%", "93.44%", "12,000亩", "1.02亿元"):
        assert text in out, f"{text} missing in:\n{out}"


# ---------------------------------------------------------------------- earlier snapshots
MONITORING_KEYS = {"households": "households", "people": "people", "eliminated_households": "eliminated_households",
                   "eliminated_people": "eliminated_people", "elimination_rate_people_pct": "elimination_rate_people",
                   "elimination_rate_households_pct": "elimination_rate_households", "new_households": "new_households",
                   "new_people": "new_people"}
PROJECT_KEYS = {"projects": "library.count", "investment_wan": "library.investment_wan",
                "industrial_projects": "library.industrial_count",
                "industrial_investment_wan": "library.industrial_investment_wan",
                "industrial_share_pct": "library.industrial_share_pct", "integrated_projects": "integrated.count",
                "integrated_investment_wan": "integrated.investment_wan",
                "integrated_industrial_projects": "integrated.industrial_count",
                "integrated_industrial_investment_wan": "integrated.industrial_investment_wan",
                "integrated_industrial_share_pct": "integrated.industrial_share_pct"}
PLATFORM_KEYS = {"received": "received", "closed": "closed", "closure_rate_pct": "closure_rate_pct"}


def _compare(section: dict, expected: dict, keys: dict) -> dict:
    wrong = {}
    for k, v in expected.items():
        if k not in keys:
            continue
        actual = pick(section, keys[k])
        if not same_decimal(actual, v):
            wrong[k] = (v, actual)
    return wrong


@pytest.mark.parametrize("period", ["2023-06", "2023-04", "2023-02", "2022-12"])
def test_snapshot_against_profile(as_of, period):
    exp = _profile()["expected"]
    s = as_of(period)
    assert s["as_of"] == period
    assert s["monitoring"]["period"] == period
    checked = 0
    for section, table, keys in ((s["monitoring"], "monitoring", MONITORING_KEYS), (s["projects"], "projects", PROJECT_KEYS),
                                 (s["assistance"]["platform"], "platform", PLATFORM_KEYS)):
        want = exp[table][period]
        assert not _compare(section, want, keys), (table, _compare(section, want, keys))
        checked += sum(k in keys for k in want)
    assert s["projects"]["period"] == period and s["assistance"]["platform"]["period"] == period
    assert checked >= 14


HAND_WRITTEN_SNAPSHOTS = {
    "2023-04": {"monitoring": (1348, 4424, 893, 3117, 70.46, 6, 21), "projects": (158, 49188.04, 84, 40339.36, 82.01),
                "platform": (289, 262, 90.66)},
    "2023-02": {"monitoring": (1345, 4416, 845, 2952, 66.85, 3, 13), "projects": (151, 47904.89, 78, 39295.56, 82.03),
                "platform": (142, 121, 85.21)},
    "2022-12": {"monitoring": (1342, 4403, 801, 2801, 63.62, 214, 611), "projects": (142, 46188.88, 75, 38627.65, 83.63),
                "platform": (861, 842, 97.79)},
}


@pytest.mark.parametrize("period", sorted(HAND_WRITTEN_SNAPSHOTS))
def test_snapshot_hand_written(as_of, period):
    s, want = as_of(period), HAND_WRITTEN_SNAPSHOTS[period]
    m = s["monitoring"]
    assert (m["households"], m["people"], m["eliminated_households"], m["eliminated_people"], m["elimination_rate_people"],
            m["new_households"], m["new_people"]) == want["monitoring"]
    lib = s["projects"]["library"]
    assert (lib["count"], lib["investment_wan"], lib["industrial_count"], lib["industrial_investment_wan"],
            lib["industrial_share_pct"]) == want["projects"]
    pf = s["assistance"]["platform"]
    assert (pf["received"], pf["closed"], pf["closure_rate_pct"]) == want["platform"]


def _employment_expected(period: str) -> tuple[float, list[tuple]]:
    prof = _profile()
    entry = next(p for p in prof["employment"]["periods"] if p["period"] == period)
    gap = Decimal(str(tomllib.loads(STATUS_TOML.read_text(encoding="utf-8"))["thresholds"]["far_behind_gap_pct"]))
    progress = pct(int(period[5:]), 12)
    rows = []
    for name, target, done in zip(prof["employment"]["indicators"], entry["targets"], entry["done"]):
        rate = pct(done, target)
        status = "ahead" if rate >= progress else ("far_behind" if progress - rate > gap else "behind")
        rows.append((name, target, done, float(rate), status))
    return float(progress), rows


@pytest.mark.parametrize("period, hand", [
    ("2023-04", [("城镇新增就业", 3300, 1759, 53.30, "ahead"), ("下岗失业人员再就业", 1400, 343, 24.50, "behind"),
                 ("就业困难人员再就业", 1100, 183, 16.64, "far_behind")]),
    ("2023-02", [("城镇新增就业", 3300, 861, 26.09, "ahead"), ("下岗失业人员再就业", 1400, 162, 11.57, "behind"),
                 ("就业困难人员再就业", 1100, 96, 8.73, "behind")]),
    ("2022-12", [("城镇新增就业", 3200, 3412, 106.63, "ahead"), ("下岗失业人员再就业", 1350, 1398, 103.56, "ahead"),
                 ("就业困难人员再就业", 1050, 1107, 105.43, "ahead")]),
])
def test_employment_snapshots(as_of, period, hand):
    s = as_of(period)["employment"]
    progress, from_profile = _employment_expected(period)
    got = [(i["name"], i["target"], i["done"], i["completion_pct"], i["status"]) for i in s["indicators"]]
    assert s["period"] == period
    assert s["time_progress_pct"] == progress
    assert got == from_profile == hand
    entry = next(p for p in _profile()["employment"]["periods"] if p["period"] == period)
    wp = s["welfare_posts"]
    assert wp["period"] == period and wp["posts"] == entry["posts"]
    assert same_decimal(wp["post_subsidy_wan"], entry["post_subsidy_wan"])
    assert same_decimal(wp["insurance_subsidy_wan"], entry["insurance_subsidy_wan"])


def test_employment_2023_04_against_expected_table(as_of):
    exp = _profile()["expected"]["employment"]["2023-04"]
    s = as_of("2023-04")["employment"]
    assert same_decimal(s["time_progress_pct"], exp["time_progress_pct"])
    for i in s["indicators"]:
        e = exp[i["name"]]
        assert (i["target"], i["done"]) == (e["target"], e["done"])
        assert same_decimal(i["completion_pct"], e["rate_pct"])
    assert s["welfare_posts"]["posts"] == exp["posts"]
    assert same_decimal(s["welfare_posts"]["post_subsidy_wan"], exp["post_subsidy_wan"])
    assert same_decimal(s["welfare_posts"]["insurance_subsidy_wan"], exp["insurance_subsidy_wan"])


@pytest.mark.parametrize("period", ["2023-06", "2023-04", "2023-02", "2022-12"])
def test_work_and_industry_snapshots(as_of, period):
    """Work-ledger totals and industry items (units in the cell: 0.9万亩, 0.86亿元) follow the profile."""
    entry = next(p for p in _profile()["work"]["periods"] if p["period"] == period)
    s = as_of(period)
    w = s["work"]
    assert w["period"] == period
    assert (w["warning_leads"], w["verified_leads"], w["stationed_cadres"], w["pairing_cadres"], w["paired_households"]) == (
        entry["leads"], entry["verified"], entry["stationed"], entry["pairing_cadres"], entry["paired_households"])
    scale = {"亩": 1, "万亩": 10000, "元": Decimal("0.0001"), "万元": 1, "亿元": 10000}
    areas, loans = [], []
    for row in entry["industry"]:
        text = str(row["value"])
        unit = next((u for u in ("万亩", "亿元", "万元", "亩") if text.endswith(u)), row["unit"])
        value = Decimal(text[: len(text) - len(unit)] if text.endswith(unit) else text) * scale[unit]
        (areas if unit in ("亩", "万亩") else loans).append((row["item"], value))
    assert [(i["name"], Decimal(str(i["area_mu"]))) for i in s["industry"]["items"]] == areas
    assert [(i["name"], Decimal(str(i["amount_wan"]))) for i in s["industry"]["loans"]] == loans


def test_work_2023_06_against_expected_table(latest):
    exp = _profile()["expected"]["work"]["2023-06"]
    w = latest["work"]
    assert (w["warning_leads"], w["verified_leads"], w["stationed_cadres"], w["pairing_cadres"], w["paired_households"]) == (
        exp["leads"], exp["verified"], exp["stationed"], exp["pairing_cadres"], exp["paired_households"])
    assert {i["name"]: i["area_mu"] for i in latest["industry"]["items"]} == exp["industry_area_mu"]
    assert {i["name"]: i["amount_wan"] for i in latest["industry"]["loans"]} == exp["loans_wan"]


def test_income_against_expected_tables(as_of, latest):
    exp = _profile()["expected"]["income"]
    inc = latest["income"]
    e = exp["2022"]
    assert inc["year"] == 2022
    assert same_decimal(inc["per_capita"], e["mean"]) and same_decimal(inc["previous"], exp["2021"]["mean"])
    assert same_decimal(inc["change"], e["growth_amount"]) and same_decimal(inc["growth_pct"], e["growth_pct"])
    assert (inc["under_10000_households"], inc["under_10000_people"]) == (e["below_10000_households"], e["below_10000_people"])
    assert (inc["under_7000_households"], inc["under_7000_people"]) == (e["below_7000_households"], e["below_7000_people"])
    assert inc["latest_period"] == "2023H1"
    assert same_decimal(inc["latest_per_capita"], exp["2023H1"]["mean"])
    assert same_decimal(inc["latest_growth_pct"], exp["2023H1"]["growth_pct"])
    # before 2023H1 was loaded, the latest half-year is 2022H1, with no 2021H1 to compare with
    early = as_of("2023-04")["income"]
    assert early["latest_period"] == "2022H1"
    assert same_decimal(early["latest_per_capita"], exp["2022H1"]["mean"])
    assert early["latest_growth_pct"] is None
    assert early["year"] == 2022 and same_decimal(early["per_capita"], e["mean"])


def test_assistance_against_expected_table(latest):
    exp = _profile()["expected"]["assistance"]["2023-06"]
    types = latest["assistance"]["types"]
    assert [t["name"] for t in types] == list(exp)
    for t in types:
        assert t["person_times"] == exp[t["name"]]["times"]
        assert same_decimal(t["amount_wan"], exp[t["name"]]["amount_wan"])


@pytest.mark.parametrize("period", ["2023-04", "2023-02", "2022-12"])
def test_assistance_snapshots_follow_profile(as_of, period):
    prof = _profile()["assistance"]
    entry = next(p for p in prof["periods"] if p["period"] == period)
    s = as_of(period)["assistance"]
    assert s["period"] == period
    assert [(t["name"], t["person_times"]) for t in s["types"]] == list(zip(prof["types"], entry["times"]))
    assert [Decimal(str(t["amount_wan"])) for t in s["types"]] == [Decimal(a) for a in entry["amount_wan"]]


# ----------------------------------------------------------------------- township scope
def _person_file(sample_dir):
    found = [p for p in sample_dir.iterdir() if "人员明细" in p.name and "2023年6月" in p.name]
    assert len(found) == 1, found
    return found[0]


def _fold_person_roster(path) -> dict[str, dict]:
    """Per township: households, people (= member rows), eliminated, new in 2023 — straight from the file."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    rows = wb.get_sheet_by_index(0).to_python()
    h = next(i for i, r in enumerate(rows) if "户编号" in r)
    col = {name: rows[h].index(name) for name in ("户编号", "乡镇", "风险是否消除", "风险识别时间")}
    households: dict[str, dict] = {}
    for r in rows[h + 1:]:
        key = str(r[col["户编号"]]).strip()
        if not key or key.startswith(("注", "填")):
            continue
        ident = r[col["风险识别时间"]]
        year = ident.year if isinstance(ident, (dt.date, dt.datetime)) else int(str(ident).strip()[:4])
        hh = households.setdefault(key, {"town": str(r[col["乡镇"]]).strip(), "members": 0,
                                         "eliminated": str(r[col["风险是否消除"]]).strip() == "是", "new": year == 2023})
        hh["members"] += 1
    by_town: dict[str, dict] = {}
    for hh in households.values():
        t = by_town.setdefault(hh["town"], dict.fromkeys(
            ("households", "people", "eliminated_households", "eliminated_people", "new_households", "new_people"), 0))
        t["households"] += 1
        t["people"] += hh["members"]
        t["eliminated_households"] += hh["eliminated"]
        t["eliminated_people"] += hh["members"] * hh["eliminated"]
        t["new_households"] += hh["new"]
        t["new_people"] += hh["members"] * hh["new"]
    for t in by_town.values():
        t["elimination_rate_people"] = float(pct(t["eliminated_people"], t["people"]))
        t["elimination_rate_households"] = float(pct(t["eliminated_households"], t["households"]))
    return by_town


@pytest.fixture(scope="module")
def folded(sample_dir):
    return _fold_person_roster(_person_file(sample_dir))


def test_folded_file_adds_up_to_the_county(folded, latest):
    assert len(folded) == 10
    total = {k: sum(t[k] for t in folded.values()) for k in ("households", "people", "eliminated_households",
                                                             "eliminated_people", "new_households", "new_people")}
    m = latest["monitoring"]
    assert total == {k: m[k] for k in total}


def test_township_summary_equals_the_file(as_of, folded):
    s = as_of("2023-06", "--township", "龙川镇")
    assert s["township"] == "龙川镇"
    want = folded["龙川镇"]
    got = {k: s["monitoring"][k] for k in want}
    assert got == want
    assert 0 < want["households"] < 1351


def test_township_with_new_households_equals_the_file(as_of, folded):
    town = max(folded, key=lambda t: (folded[t]["new_households"], t))
    assert folded[town]["new_households"] > 0
    s = as_of("2023-06", "--township", town)
    assert {k: s["monitoring"][k] for k in folded[town]} == folded[town]


def test_breakdown_by_township_equals_the_file(sample_engine, folded):
    from rural.indicators import Scope, monitoring_breakdown

    df = monitoring_breakdown(sample_engine, Scope("2023-06"), "township")
    got = {r["name"]: {k: int(r[k]) for k in ("households", "people", "eliminated_households", "eliminated_people")}
           for r in df.to_dict("records")}
    want = {t: {k: v[k] for k in ("households", "people", "eliminated_households", "eliminated_people")}
            for t, v in folded.items()}
    assert got == want
