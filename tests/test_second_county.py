"""Another county, from its own reference folder and sample profile: nothing is specific to 南华县."""
from __future__ import annotations

import csv
import shutil
import sqlite3
import tomllib
from decimal import Decimal

import pytest

from tests.conftest import ROOT, db_dump, run_cli, summary_json, write_xlsx

PROFILE = ROOT / "tests" / "data" / "small_county.toml"


def same(actual, expected) -> bool:
    return actual is not None and Decimal(str(actual)) == Decimal(str(expected))


@pytest.fixture(scope="module")
def profile() -> dict:
    return tomllib.loads(PROFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def county(profile, tmp_path_factory):
    """Reference dir for 青岚县, its samples written from the profile, loaded into a fresh SQLite file."""
    base = tmp_path_factory.mktemp("qinglan")
    ref = base / "reference"
    ref.mkdir()
    name = profile["county"]["name"]
    with (ref / "townships.csv").open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["县", "乡镇", "经度", "纬度", "坐标说明"])
        for k, t in enumerate(profile["townships"]):
            w.writerow([name, t["name"], f"{100 + k / 10:.3f}", f"{25 + k / 10:.3f}", "虚构"])
    shutil.copy(ROOT / "data" / "reference" / "settings.toml", ref / "settings.toml")
    env = {"RURAL_REFERENCE_DIR": str(ref)}
    samples = base / "samples"
    run_cli("etl", "sample", "--out", samples, "--profile", PROFILE, env=env, check=True)
    db = base / "qinglan.db"
    url = f"sqlite:///{db}"
    proc = run_cli("etl", "load", *sorted(samples.iterdir()), "--db", url, env=env, check=True)
    return {"name": name, "env": env, "url": url, "db": db, "samples": samples, "load_output": proc.stdout}


@pytest.fixture(scope="module")
def latest(county) -> dict:
    return summary_json(county["url"], env=county["env"])


def test_samples_written_and_all_loaded(county, profile):
    files = sorted(county["samples"].iterdir())
    assert files and all(f.name.startswith(county["name"]) for f in files)
    assert {f.suffix for f in files} == {".xlsx", ".xls", ".csv"}
    assert f"共 {len(files)} 个文件：载入 {len(files)}，未改动 0，失败 0" in county["load_output"]
    with sqlite3.connect(county["db"]) as conn:
        assert conn.execute("select distinct county from load_batch").fetchall() == [(county["name"],)]
        assert [r[0] for r in conn.execute("select name from township order by id")] == [t["name"] for t in profile["townships"]]
        assert conn.execute("select count(*) from township where name = '龙川镇'").fetchone() == (0,)


def test_summary_equals_profile_expected(latest, profile):
    exp = profile["expected"]
    assert latest["county"] == "青岚县" and latest["as_of"] == "2023-04"
    m, e = latest["monitoring"], exp["monitoring"]["2023-04"]
    assert m["period"] == "2023-04"
    for key in ("households", "people", "eliminated_households", "eliminated_people", "new_households", "new_people"):
        assert m[key] == e[key], key
    assert same(m["elimination_rate_people"], e["elimination_rate_people_pct"])
    assert same(m["elimination_rate_households"], e["elimination_rate_households_pct"])

    inc, e = latest["income"], exp["income"]
    assert inc["year"] == 2022
    assert same(inc["per_capita"], e["2022"]["mean"]) and same(inc["previous"], e["2021"]["mean"])
    assert same(inc["change"], e["2022"]["growth_amount"]) and same(inc["growth_pct"], e["2022"]["growth_pct"])
    assert inc["under_10000_households"] == e["2022"]["below_10000_households"]
    assert inc["under_10000_people"] == e["2022"]["below_10000_people"]
    assert inc["under_7000_households"] == e["2022"]["below_7000_households"]
    assert "latest_period" not in inc            # this profile has no half-year income

    emp, e = latest["employment"], exp["employment"]["2023-04"]
    assert emp["period"] == "2023-04" and same(emp["time_progress_pct"], e["time_progress_pct"])
    assert [i["name"] for i in emp["indicators"]] == profile["employment"]["indicators"]
    for i in emp["indicators"]:
        assert (i["target"], i["done"]) == (e[i["name"]]["target"], e[i["name"]]["done"])
        assert same(i["completion_pct"], e[i["name"]]["rate_pct"])
    wp = emp["welfare_posts"]
    assert wp["posts"] == e["posts"] and same(wp["post_subsidy_wan"], e["post_subsidy_wan"])
    assert same(wp["insurance_subsidy_wan"], e["insurance_subsidy_wan"])

    e = exp["assistance"]["2023-04"]
    assert [t["name"] for t in latest["assistance"]["types"]] == list(e)
    for t in latest["assistance"]["types"]:
        assert t["person_times"] == e[t["name"]]["times"] and same(t["amount_wan"], e[t["name"]]["amount_wan"])

    pf, e = latest["assistance"]["platform"], exp["platform"]["2023-04"]
    assert (pf["received"], pf["closed"]) == (e["received"], e["closed"]) and same(pf["closure_rate_pct"], e["closure_rate_pct"])

    lib, integ, e = latest["projects"]["library"], latest["projects"]["integrated"], exp["projects"]["2023-04"]
    assert (lib["count"], lib["industrial_count"], integ["count"], integ["industrial_count"]) == (
        e["projects"], e["industrial_projects"], e["integrated_projects"], e["integrated_industrial_projects"])
    assert same(lib["investment_wan"], e["investment_wan"]) and same(lib["industrial_investment_wan"], e["industrial_investment_wan"])
    assert same(lib["industrial_share_pct"], e["industrial_share_pct"])
    assert same(integ["investment_wan"], e["integrated_investment_wan"])
    assert same(integ["industrial_investment_wan"], e["integrated_industrial_investment_wan"])
    assert same(integ["industrial_share_pct"], e["integrated_industrial_share_pct"])

    w, e = latest["work"], exp["work"]["2023-04"]
    assert (w["warning_leads"], w["verified_leads"], w["stationed_cadres"], w["pairing_cadres"], w["paired_households"]) == (
        e["leads"], e["verified"], e["stationed"], e["pairing_cadres"], e["paired_households"])
    assert {i["name"]: i["area_mu"] for i in latest["industry"]["items"]} == e["industry_area_mu"]
    assert {i["name"]: i["amount_wan"] for i in latest["industry"]["loans"]} == e["loans_wan"]


def test_key_figures_written_by_hand(latest):
    m = latest["monitoring"]
    assert (m["households"], m["people"], m["eliminated_households"], m["eliminated_people"],
            m["elimination_rate_people"], m["elimination_rate_households"]) == (60, 201, 34, 121, 60.20, 56.67)
    assert (latest["income"]["per_capita"], latest["income"]["growth_pct"]) == (13456.78, 11.82)
    assert [i["completion_pct"] for i in latest["employment"]["indicators"]] == [35.0, 25.5, 22.0]
    assert latest["assistance"]["platform"]["closure_rate_pct"] == 85.37
    assert latest["industry"]["loans"] == [{"name": "产业贷款", "amount_wan": 1200}]


def test_earlier_snapshot(county, profile):
    s = summary_json(county["url"], "--as-of", "2023-02", env=county["env"])
    m, e = s["monitoring"], profile["expected"]["monitoring"]["2023-02"]
    assert m["period"] == "2023-02"
    for key in ("households", "people", "eliminated_households", "eliminated_people", "new_households", "new_people"):
        assert m[key] == e[key], key
    assert same(m["elimination_rate_people"], e["elimination_rate_people_pct"])
    lib, integ, e = s["projects"]["library"], s["projects"]["integrated"], profile["expected"]["projects"]["2023-02"]
    assert (lib["count"], lib["industrial_count"], integ["count"]) == (e["projects"], e["industrial_projects"],
                                                                       e["integrated_projects"])
    assert same(lib["investment_wan"], e["investment_wan"]) and same(lib["industrial_investment_wan"], e["industrial_investment_wan"])
    assert same(integ["investment_wan"], e["integrated_investment_wan"])
    assert s["industry"]["loans"] == [{"name": "产业贷款", "amount_wan": 850}]


def test_township_scope_sums_to_county(county, profile, latest):
    total = 0
    for t in profile["townships"]:
        s = summary_json(county["url"], "--township", t["name"], env=county["env"])
        assert s["township"] == t["name"]
        total += s["monitoring"]["households"]
    assert total == latest["monitoring"]["households"]


def test_township_the_county_does_not_have_is_refused(county, tmp_path):
    before = db_dump(county["db"])
    rows = [["青岚县2023年1-4月监测帮扶工作台账"], ["乡镇", "推送预警线索（条）", "驻村帮扶干部（人）"],
            ["青岚镇", 10, 2], ["龙川镇", 5, 1]]
    f = write_xlsx(tmp_path / "青岚县台账.xlsx", {"工作台账": rows})
    proc = run_cli("etl", "load", f, "--db", county["url"], env=county["env"])
    out = proc.stdout + proc.stderr
    assert proc.returncode == 1
    assert "第4行" in out and "“龙川镇”不是青岚县的乡镇" in out and "青岚镇、石桥乡、白沙乡" in out
    assert "Traceback" not in out
    assert db_dump(county["db"]) == before


def test_nanhua_file_is_not_taken_for_this_county(county, sample_dir, tmp_path):
    """A 南华县 roster loaded where only 青岚县 is known is 南华县's first load: its townships come from its rows,
    and 青岚县's figures do not move."""
    db = tmp_path / "two.db"
    shutil.copy(county["db"], db)
    url = f"sqlite:///{db}"
    before = summary_json(url, "--county", county["name"], env=county["env"])
    f = next(p for p in sample_dir.iterdir() if "名单（截至2023年4月）" in p.name)
    proc = run_cli("etl", "load", f, "--db", url, env=county["env"])
    assert proc.returncode == 0, proc.stdout
    assert "新的县：南华县（首次载入），乡镇10个：龙川镇、沙桥镇、五街镇" in proc.stdout
    assert summary_json(url, "--county", county["name"], env=county["env"]) == before
    nanhua = summary_json(url, "--county", "南华县", env=county["env"])
    assert nanhua["monitoring"]["households"] == 1348
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*), min(source), max(source) from township where county = '南华县'").fetchone() \
            == (10, "roster", "roster")
