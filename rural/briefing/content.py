"""What the meeting pack says: everything gathered through the gateway, composed into sections of sentences
(the templates of ``briefing.toml``, the county indicators' own from the catalogue), tables and figures; and the
Excel pack's tables. No writer here: :mod:`.docx`, :mod:`.xlsx`, :mod:`.pptx` and :mod:`.pictures` lay it out."""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pandas as pd
from sqlalchemy.engine import Engine

from rural import access, charts, indicators as ind, periods, status as vocab_status
from rural.access import Principal
from rural.indicators import Scope
from rural import tables as tables_of
from rural.labels import changes_table, display, indicator_rows
from rural.numbers import fmt
from rural.settings import get_settings, reference_path



Progress = Callable[[str, float], None]


# ------------------------------------------------------------------------------ numbers
# The pack writes numbers with the one formatter (``rural.numbers.fmt``) in prose style, with or without
# thousands separators as settings.toml ``[briefing] thousands_separators`` says, in sentences and tables alike.
def number(v, unit: str = "", signed: bool = False) -> str:
    """A value with its unit, in the pack's style: 73.10%, 16890.43元, 5亿元, 8662万元, 4438人."""
    return fmt(v, unit, signed=signed, prose=True, separators=get_settings().thousands_separators)


def n(v) -> str:
    return number(v)


def pct(v) -> str:
    """A rate without its sign, for templates that write the ``%`` themselves."""
    return number(v, "%")[:-1] if v is not None else "—"


def yuan(v) -> str:
    return number(v, "元")[:-1] if v is not None else "—"


def wan(v) -> str:
    return number(v, "万元")


def mu(v) -> str:
    return number(v, "亩")


# ------------------------------------------------------------------------------ content
def templates(path: Path | None = None) -> dict:
    path = path or reference_path("briefing.toml")
    if not path.exists():
        from rural.settings import ROOT

        path = ROOT / "data" / "reference" / "briefing.toml"
    return tomllib.loads(path.read_text(encoding="utf-8"))


@dataclass
class Section:
    key: str
    heading: str
    sentences: list[str] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame]] = field(default_factory=list)
    figures: list[str] = field(default_factory=list)     # keys into Briefing.figures


@dataclass
class Briefing:
    title: str
    as_of_line: str
    scope: Scope
    compare: str | None
    sections: list[Section]
    figures: dict[str, object]          # key → plotly Figure
    tables: dict[str, pd.DataFrame]     # sheet name → table (display columns) for the Excel pack
    data: dict

    def sentences(self) -> list[str]:
        return [s for sec in self.sections for s in sec.sentences]


def gather(engine: Engine, scope: Scope, compare: str | None = "auto", *, principal: Principal | None = None) -> dict:
    """Everything the pack shows, from the indicator functions, each through :func:`rural.access.call` for
    ``principal`` (None: the command line, which holds the database anyway). A township official's pack is
    their township's (another township asked for is narrowed to theirs), with the county's ranking."""
    who = principal or access.COMMAND_LINE
    scope = ind._resolve(engine, access.scope_for(who, scope))
    if compare == "auto":
        compare = ind.default_compare(engine, scope.as_of, scope.county) if scope.as_of else None

    def get(name: str, *args, at: Scope = scope):
        return access.call(engine, who, name, at, *args)

    county = Scope(scope.as_of, None, scope.county)
    return {
        "scope": scope, "compare": compare,
        "monitoring": get("monitoring_overview"),
        "work": get("work_summary"),
        "industry": get("industry_items"),
        "employment": get("employment_status"),
        "welfare": get("welfare_posts"),
        "projects": get("project_shares"),
        "assistance": get("assistance_by_type"),
        "platform": get("platform_summary"),
        "income": get("income_summary"),
        "income_series": get("income_series"),
        "alerts": get("alerts"),
        "changes": get("changes", compare),
        "freshness": get("freshness"),
        "by_township": get("monitoring_breakdown", "township", at=county),
        "trend": get("monitoring_trend"),
        "assistance_trend": get("assistance_trend"),
        "by_category": get("projects_by_category"),
        "township_table": get("township_table"),
        "county_values": get("county_values"),
        "indicator_table": get("indicator_table"),
    }


def compose(d: dict, tpl: dict | None = None) -> Briefing:
    tpl = tpl or templates()
    t = tpl["sentences"]
    scope, compare = d["scope"], d["compare"]
    place = scope.township or ""
    secs = {k: Section(k, h) for k, h in tpl["sections"].items()}
    mon, work, emp = d["monitoring"], d["work"], d["employment"]

    # 一、监测帮扶和排查
    s = secs["monitoring"]
    if work.get("period"):
        s.sentences.append(t["cadres"].format(stationed_cadres=n(work["stationed_cadres"]), pairing_cadres=n(work["pairing_cadres"]),
                                              paired_households=n(work["paired_households"])))
        s.sentences.append(t["warning_leads"].format(warning_leads=n(work["warning_leads"]), verified_leads=n(work["verified_leads"])))
    if mon.get("period"):
        s.sentences.append(t["new_identified"].format(new_households=n(mon["new_households"]), new_people=n(mon["new_people"])))
        s.figures += ["elimination_by_township", "elimination_trend"]
    # 二、产业增收
    s = secs["industry"]
    indus = d["industry"]
    if indus["items"]:
        items = "、".join(f"{i['name']}{mu(i['area_mu'])}" for i in indus["items"])
        s.sentences.append(t["industry_area"].format(items=items))
    if indus["loans"]:
        s.sentences.append(t["loans"].format(loans="、".join(f"{x['name']}{wan(x['amount_wan'])}" for x in indus["loans"])))
    if indus["items"]:
        s.figures.append("industry")
    # 三、就业稳收
    s = secs["employment"]
    if emp["indicators"]:
        s.sentences.append(t["employment_intro"].format(period_label=periods.label(emp["period"], ytd=True),
                                                        time_progress=pct(emp["time_progress_pct"])))
        for i in emp["indicators"]:
            s.sentences.append(employment_sentence(i, t) + "。")
        s.figures.append("employment")
        s.tables.append(("就业目标任务完成情况", display(tables_of.employment_rows(emp),
                                                   ["indicator", "target", "done", "completion_pct", "gap_pct", "status"])))
    wp = d["welfare"]
    if wp.get("period"):
        s.sentences.append(t["welfare_posts"].format(posts=n(wp["posts"]), post_subsidy=wan(wp["post_subsidy_wan"]),
                                                     insurance_subsidy=wan(wp["insurance_subsidy_wan"])))
    # 四、资产创收
    s = secs["projects"]
    pj = d["projects"]
    if pj.get("library"):
        lib, integ = pj["library"], pj["integrated"]
        s.sentences.append(t["project_library"].format(
            count=n(lib["count"]), investment=wan(lib["investment_wan"]), industrial_count=n(lib["industrial_count"]),
            industrial_investment=wan(lib["industrial_investment_wan"]), share=pct(lib["industrial_share_pct"])))
        if integ and integ["count"]:
            s.sentences.append(t["integrated_plan"].format(
                year=scope.as_of[:4], count=n(integ["count"]), investment=wan(integ["investment_wan"]),
                industrial_count=n(integ["industrial_count"]), industrial_investment=wan(integ["industrial_investment_wan"]),
                share=pct(integ["industrial_share_pct"])))
        s.figures.append("project_shares")
    # 五、政策保收
    s = secs["assistance"]
    asst, pf = d["assistance"], d["platform"]
    if asst["types"]:
        types = "、".join(t["assistance_type"].format(name=x["name"], person_times=n(x["person_times"]), amount=wan(x["amount_wan"]))
                         for x in asst["types"])
        s.sentences.append(t["assistance"].format(types=types))
        s.figures.append("assistance")
        s.tables.append(("社会救助发放情况", display(tables_of.assistance_rows(asst))))
    if pf.get("period"):
        s.sentences.append(t["platform"].format(received=n(pf["received"]), closed=n(pf["closed"]), rate=pct(pf["closure_rate_pct"])))
    # 六、成果巩固
    s = secs["results"]
    if mon.get("period"):
        s.sentences.append(t["elimination"].format(
            households=n(mon["households"]), people=n(mon["people"]), eliminated_households=n(mon["eliminated_households"]),
            eliminated_people=n(mon["eliminated_people"]), elimination_rate=pct(mon["elimination_rate_people"])))
    inc = d["income"]
    bands = get_settings().income_bands
    if inc.get("year") and inc.get("per_capita") is not None:
        s.sentences.append(t["income_year"].format(year=inc["year"], place=place or "全县", per_capita=yuan(inc["per_capita"]),
                                                   change=yuan(inc["change"]), growth=pct(inc["growth_pct"])))
        low, high = bands[0], bands[-1]
        low_n, low_p = inc.get(f"under_{low}_households"), inc.get(f"under_{low}_people")
        low_text = (t["income_low_none"] if not low_n else t["income_low_some"]).format(
            low=low, under_low_households=n(low_n), under_low_people=n(low_p))
        s.sentences.append(t["income_bands"].format(under_high_households=n(inc.get(f"under_{high}_households")),
                                                    under_high_people=n(inc.get(f"under_{high}_people")), low_text=low_text))
    if inc.get("latest_period") and inc.get("latest_per_capita") is not None:
        s.sentences.append(t["income_half"].format(period_label=periods.label(inc["latest_period"]),
                                                   per_capita=yuan(inc["latest_per_capita"]), growth=pct(inc["latest_growth_pct"])))
    if inc.get("year"):
        s.figures.append("income")
    # the county's own indicators: a section per area (产业兴旺 …), one sentence per indicator from its template
    for key, sec in area_sections(d["county_values"], d["indicator_table"], tpl).items():
        secs[key] = sec
    # 七、较上次会议的变化: only like compared with like (indicators.changes says how), only changes that matter
    s = secs["changes"]
    ch = d["changes"]
    if compare:
        small, no_new = [], []
        for item in ch["items"]:
            if item["basis"] == "no_new":
                no_new.append(item["name"])
            if item["basis"] != "changed":
                continue
            if not matters(item):
                small.append(item["name"])
                continue
            up = item["change"] > 0
            rate = item["unit"] == "%"
            direction = ("提高" if up else "下降") if rate else ("增加" if up else "减少")
            s.sentences.append(t["change_item"].format(
                name=item["name"], then_label=item["then_label"], now_label=item["now_label"], then=number(item["then"], item["unit"]),
                now=number(item["now"], item["unit"]), direction=direction,
                change=number(abs(item["change"]), "个百分点" if rate else item["unit"])))
        if small:
            s.sentences.append(t["change_small"].format(names="、".join(small)))
        if no_new:
            s.sentences.append(t["change_no_new"].format(names="、".join(no_new)))
        for w in ch["worse"]:
            s.sentences.append(t["change_worse"].format(item=w["item"], was=vocab_status.word(w["was"]),
                                                        level=vocab_status.word(w["status"]), reason=w["reason"]))
        if not ch["worse"]:
            s.sentences.append(t["change_none"].format(compare_label=periods.label(compare)))
        s.tables.append((f"主要指标变化（{periods.label(compare)}→{periods.label(scope.as_of)}）", changes_table(ch, prose=True, separators=get_settings().thousands_separators)))
    # 八、需要关注的事项: the most urgent first; then the reports that have not come in
    s = secs["lagging"]
    lag = [a for a in d["alerts"] if a["level"] != "good"]
    s.sentences += [t["lagging_item"].format(item=a["item"], status=vocab_status.word(a["status"]), reason=a["reason"])
                    for a in lag] or [t["lagging_none"]]
    late = [x["text"] for x in d.get("freshness", []) if x["late"]]
    if late:
        s.sentences.append(t["freshness"].format(items="；".join(late)))

    title = tpl["title"].format(county=scope.county, place=place)
    as_of_line = (tpl["as_of_line"] if compare else tpl["as_of_line_no_compare"]).format(
        as_of_label=periods.label(scope.as_of), compare_label=periods.label(compare) if compare else "")
    figs = figures(d)
    order = list(tpl["sections"])
    at = order.index("changes") if "changes" in order else len(order)
    order[at:at] = [k for k in secs if k.startswith("area:")]
    sections = [secs[k] for k in order if secs[k].sentences or secs[k].tables]
    for i, sec in enumerate(sections):      # numbered in order: 一、… whatever areas the county reports
        sec.heading = f"{chinese_numeral(i + 1)}、{_HEADING_NUMBER.sub('', sec.heading)}"
    for sec in sections:
        sec.figures = [f for f in sec.figures if f in figs]
    return Briefing(title, as_of_line, scope, compare, sections, figs, excel_tables(d), d)


_HEADING_NUMBER = re.compile(r"^[一二三四五六七八九十]+、")


def chinese_numeral(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (section numbers of official text)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def indicator_sentence(v: dict, t: dict) -> str:
    """One county indicator in words, from its catalogue template (``briefing``) or the default one: {name}, {value},
    {target}, {completion}, {relation}, {status}, {period}; numbers in the one style."""
    from rural import catalogue

    entry = catalogue.entry(v["key"])
    places = None if v["unit"] in ("%", "元") else v["precision"]

    def f(x):
        return number(x, v["unit"]) if places is None else fmt(x, v["unit"], places=places, prose=True,
                                                             separators=get_settings().thousands_separators)

    if v["target"] is None:
        relation = t["indicator_relation_none"]
    elif v["status"] in ("target_met", "meets_reference", "ahead"):
        relation = t["indicator_relation_met"]
    else:
        gap = v["gap_to_target"]
        relation = t["indicator_relation_missed"].format(gap=f(gap) if v["unit"] != "%" else pct(gap) + "个百分点")
    values = {"name": v["name"], "value": f(v["value"]), "target": f(v["target"]) if v["target"] is not None else "—",
              "completion": pct(v["completion_pct"]) if v["completion_pct"] is not None else "—", "relation": relation,
              "status": vocab_status.word(v["status"]) if v["status"] else "", "period": v["period_label"]}
    template = t["indicator_no_target"] if v["target"] is None else (entry.briefing or t["indicator_default"])
    text = template.format(**values)
    return t["indicator_period"].format(period=v["period_label"], text=text) if v["period_label"] else text


def area_sections(values: list[dict], table: pd.DataFrame, tpl: dict) -> dict[str, Section]:
    """The briefing's sections of the county's own indicators, one per area in the catalogue's order; each area's
    table is its rows of the area pages' table (``indicator_table``)."""
    from rural import catalogue

    out = {}
    for area in catalogue.areas():
        mine = [v for v in values if v["area"] == area.key]
        if not mine or area.page:
            continue
        sec = Section(f"area:{area.key}", area.name)
        sec.sentences = [indicator_sentence(v, tpl["sentences"]) for v in mine if v["value"] is not None]
        rows = table[table["area"] == area.key].drop(columns=["definition"])
        sec.tables.append((f"{area.name}主要指标", indicator_rows(rows)))
        out[sec.key] = sec
    return out


def employment_sentence(i: dict, t: dict) -> str:
    gap = Decimal(str(i["gap_pct"]))
    relation = (t["employment_relation_ahead"] if gap > 0 else t["employment_relation_equal"] if gap == 0
                else t["employment_relation_behind"]).format(gap=pct(abs(gap)))
    return t["employment_item"].format(name=i["name"], done=n(i["done"]), target=n(i["target"]),
                                       completion=pct(i["completion_pct"]), relation=relation)


def matters(item: dict) -> bool:
    """A change worth a sentence (settings ``[briefing]``): a rate by points, anything else relative to before."""
    st = get_settings()
    change = abs(Decimal(str(item["change"])))
    if item["unit"] == "%":
        return change >= Decimal(str(st.change_threshold_points))
    before = abs(Decimal(str(item["then"])))
    return before == 0 or change * 100 / before >= Decimal(str(st.change_threshold_relative_pct))


def figures(d: dict) -> dict:
    """The pack's charts, built by ``rural.charts`` from the gathered indicator outputs."""
    as_of = d["scope"].as_of
    out = {}
    if d["monitoring"].get("period"):
        out["elimination_by_township"] = charts.elimination_by_township(d["by_township"], d["monitoring"]["elimination_rate_people"], as_of)
        out["elimination_trend"] = charts.elimination_trend(d["trend"], as_of)
    if d["industry"]["items"]:
        out["industry"] = charts.industry_items(d["industry"], as_of)
    if d["employment"]["indicators"]:
        out["employment"] = charts.employment_progress(d["employment"], as_of)
    if d["projects"].get("library"):
        out["project_shares"] = charts.project_shares(d["projects"], as_of)
        out["projects_by_category"] = charts.projects_by_category(d["by_category"], "项目库投资按类别", as_of)
    if d["assistance"]["types"]:
        out["assistance"] = charts.assistance_by_type(d["assistance"]["types"], as_of)
        out["assistance_trend"] = charts.assistance_trend(d["assistance_trend"], as_of)
    if d["platform"].get("period"):
        out["platform"] = charts.platform(d["platform"], as_of)
    if not d["income_series"].empty:
        out["income"] = charts.income_trend(d["income_series"], as_of)
    return out


FIGURE_NAMES = {
    "elimination_by_township": "各乡镇风险消除率", "elimination_trend": "风险消除率变化", "industry": "产业发展面积",
    "employment": "就业目标任务完成情况", "project_shares": "产业类项目占比", "projects_by_category": "项目库投资按类别",
    "assistance": "社会救助发放情况", "assistance_trend": "社会救助累计发放金额变化", "platform": "救助平台受理办结",
    "income": "脱贫人口人均纯收入",
}


def excel_tables(d: dict) -> dict[str, pd.DataFrame]:
    """Every table behind the pages, with Chinese headings and units."""
    emp = tables_of.employment_rows(d["employment"])        # the pages' tables, from the same functions
    asst = tables_of.assistance_rows(d["assistance"])
    shares = tables_of.share_rows(d["projects"])
    tables = {
        "主要指标": (pd.DataFrame(d["changes"]["items"])[["name", "unit", "compared", "then", "now", "change"]]
                     if d["changes"]["items"] else pd.DataFrame()),
        "需关注事项": pd.DataFrame(d["alerts"]),
        "监测对象·乡镇": d["by_township"],
        "消除率变化": d["trend"],
        "收入": d["income_series"],
        "就业": emp,
        "项目占比": shares,
        "项目·类别": d["by_category"],
        "社会救助": asst,
        "救助变化": d["assistance_trend"],
        "乡镇汇总": d["township_table"].drop(columns=["lon", "lat", "coord_note"], errors="ignore"),
    }
    out = {}
    if len(d.get("indicator_table", [])):      # the county's own indicators: the area pages' table, from one function
        out["县里的指标"] = indicator_rows(d["indicator_table"])
    for name, df in tables.items():
        if df is None or df.empty:
            continue
        df = df.drop(columns=[c for c in ("key",) if c in df.columns])
        out[name] = display(df)
    return out
