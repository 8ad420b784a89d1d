"""The meeting pack: a Word briefing, an Excel pack, chart pictures and a slide deck.

Every number comes from ``rural.indicators``; the sentences come from the templates in
``data/reference/briefing.toml`` (one per indicator, editable by staff). This module only formats
and arranges.
"""
from __future__ import annotations

import io
import re
import tomllib
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pandas as pd
from sqlalchemy.engine import Engine

from rural import access, charts, indicators as ind, periods, status as vocab_status
from rural.access import Principal
from rural.indicators import Scope
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
        s.tables.append(("就业目标任务完成情况", display(pd.DataFrame(emp["indicators"]).rename(columns={"name": "indicator"}),
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
        s.tables.append(("社会救助发放情况", display(pd.DataFrame(asst["types"]).drop(columns=["amount_fen"])
                                                 .rename(columns={"name": "type"}))))
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
    for key, sec in area_sections(d.get("county_values", []), tpl).items():
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
        gap = abs(Decimal(str(v["target"])) - Decimal(str(v["value"])))
        relation = t["indicator_relation_missed"].format(gap=f(gap) if v["unit"] != "%" else pct(gap) + "个百分点")
    values = {"name": v["name"], "value": f(v["value"]), "target": f(v["target"]) if v["target"] is not None else "—",
              "completion": pct(v["completion_pct"]) if v["completion_pct"] is not None else "—", "relation": relation,
              "status": vocab_status.word(v["status"]) if v["status"] else "", "period": v["period_label"]}
    template = t["indicator_no_target"] if v["target"] is None else (entry.briefing or t["indicator_default"])
    text = template.format(**values)
    return t["indicator_period"].format(period=v["period_label"], text=text) if v["period_label"] else text


def area_sections(values: list[dict], tpl: dict) -> dict[str, Section]:
    """The briefing's sections of the county's own indicators, one per area in the catalogue's order."""
    from rural import catalogue

    out = {}
    for area in catalogue.areas():
        mine = [v for v in values if v["area"] == area.key and catalogue.entry(v["key"]).briefing != "-"]
        if not mine or area.page:
            continue
        sec = Section(f"area:{area.key}", area.name)
        sec.sentences = [indicator_sentence(v, tpl["sentences"]) for v in mine if v["value"] is not None]
        table = pd.DataFrame([{c: v[c] for c in ("name", "period_label", "value", "unit", "target", "completion_pct",
                                                 "status")} for v in mine])
        sec.tables.append((f"{area.name}主要指标", indicator_rows(table)))
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
    emp = pd.DataFrame(d["employment"]["indicators"]).rename(columns={"name": "indicator"})
    if not emp.empty:
        emp["time_progress_pct"] = d["employment"]["time_progress_pct"]
    asst = pd.DataFrame(d["assistance"]["types"])
    if not asst.empty:
        asst = asst.drop(columns=["amount_fen"]).rename(columns={"name": "type"})
    shares = pd.DataFrame([{"name": nm, **v} for k, nm in (("library", "项目库"), ("integrated", "统筹整合资金规划"))
                           if (v := d["projects"].get(k))])
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


# ------------------------------------------------------------------------------ writers
def render_pictures(b: Briefing, progress: Progress | None = None) -> dict[str, tuple[bytes, bytes]]:
    """PNG (300 dpi) and SVG of every chart, through one browser session."""
    from rural.render import png, svg

    out = {}
    total = len(b.figures)
    for k, (key, fig) in enumerate(b.figures.items()):
        out[key] = (png(fig), svg(fig))
        if progress:
            progress(f"正在生成图片：{FIGURE_NAMES.get(key, key)}", (k + 1) / max(total, 1))
    return out


# Print layout of the Word briefing (公文 conventions): A4, body 仿宋 三号 with 28 pt fixed lines (text paragraphs
# only: pictures and tables have their own single-spaced styles), headings 黑体 三号, the title 方正小标宋简体 二号,
# captions 黑体 四号, tables 五号; Latin text in Times New Roman. Every font is named in the styles, never a theme font.
BODY_FONT, HEADING_FONT, TITLE_FONT, LATIN_FONT = "仿宋", "黑体", "方正小标宋简体", "Times New Roman"
BODY_PT, TITLE_PT, CAPTION_PT, TABLE_PT, FOOTER_PT = 16, 22, 14, 10.5, 14
LINE_PT, TITLE_LINE_PT = 28, 36
PAGE_CM = (21.0, 29.7)
MARGINS_CM = {"top": 3.7, "bottom": 3.5, "left": 2.8, "right": 2.6}
PICTURE_MAX_CM = (15.5, 20.0)          # a picture's width on the page, and the most height it may take
CAPTIONS = {"figure": "图{number} {name}", "table": "表{number} {name}"}
_THEME_ATTRS = ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme")


def png_size(data: bytes) -> tuple[int, int]:
    """Pixel width and height from a PNG's IHDR."""
    import struct

    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("不是 PNG 图片")
    return struct.unpack(">II", data[16:24])


def fit_picture(data: bytes, max_width: int, max_height: int) -> tuple[int, int]:
    """The picture's size (same units as the limits) at ``max_width``, smaller if that is taller than
    ``max_height``: the aspect ratio always kept, so the picture is placed whole."""
    w, h = png_size(data)
    width, height = max_width, round(max_width * h / w)
    if height > max_height:
        width, height = round(max_height * w / h), max_height
    return width, height


def captions() -> dict[str, str]:
    """Caption templates (``[captions]`` in briefing.toml), numbered through the document."""
    return {**CAPTIONS, **templates().get("captions", {})}


def figure_numbers(b: Briefing, pictures: dict) -> dict[str, int]:
    """图N for every picture the Word briefing shows, in document order (the slides reuse the numbers)."""
    keys = [k for s in b.sections for k in s.figures if k in pictures]
    return {k: i for i, k in enumerate(dict.fromkeys(keys), start=1)}


# ------------------------------------------------------------------------------ Word
def _rfonts(rpr, east: str, latin: str = LATIN_FONT):
    """Explicit fonts on an rPr: East Asian, ASCII, high ANSI and complex script; theme fonts removed
    (a theme attribute overrides the named font in Word)."""
    from docx.oxml.ns import qn

    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(0, fonts)
    for attr in _THEME_ATTRS:
        fonts.attrib.pop(qn(f"w:{attr}"), None)
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east)
    fonts.set(qn("w:cs"), latin)
    return fonts


def _east_asian_hint(run) -> None:
    """``<w:rFonts w:hint="eastAsia"/>`` on a run, as Word writes for text typed in Chinese: quotes, dashes
    and other shared characters take the style's East Asian font (full-width “”), the fonts stay the style's."""
    from docx.oxml.ns import qn

    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.insert(1 if rpr.find(qn("w:rStyle")) is not None else 0, fonts)
    fonts.set(qn("w:hint"), "eastAsia")


def _style_fonts(style, east: str, size_pt: float, bold: bool = False) -> None:
    """A style's character format: explicit fonts (no theme fonts), size, weight, black."""
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    rpr = style.element.get_or_add_rPr()
    _rfonts(rpr, east)
    for tag in ("w:spacing", "w:kern"):   # the Title's letter spacing and kerning
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    for tag in ("w:bCs", "w:szCs"):      # complex-script weight and size of the template's headings
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    style.font.size = Pt(size_pt)
    style.font.bold = bold
    style.font.italic = False
    style.font.color.rgb = RGBColor(0, 0, 0)
    color = style.element.rPr.find(qn("w:color"))
    for attr in ("themeColor", "themeShade", "themeTint"):   # a theme colour would win over the black
        color.attrib.pop(qn(f"w:{attr}"), None)


def _paragraph_format(style, *, line_pt: float | None, indent_pt: float = 0, before: float = 0, after: float = 0,
                      align=None, keep_next: bool | None = None) -> None:
    from docx.enum.text import WD_LINE_SPACING
    from docx.oxml.ns import qn
    from docx.shared import Pt

    pf = style.paragraph_format
    if line_pt is None:
        pf.line_spacing_rule = WD_LINE_SPACING.SINGLE
    else:
        pf.line_spacing = Pt(line_pt)
        pf.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    pf.first_line_indent = Pt(indent_pt)
    pf.left_indent = Pt(0)
    pf.space_before, pf.space_after = Pt(before), Pt(after)
    if align is not None:
        pf.alignment = align
    if keep_next is not None:
        pf.keep_with_next = keep_next
    ppr = style.element.get_or_add_pPr()
    for tag in ("w:pBdr", "w:contextualSpacing"):   # the Title's blue rule
        for old in ppr.findall(qn(tag)):
            ppr.remove(old)


def _paragraph_style(doc, name: str, base: str = "Normal"):
    from docx.enum.style import WD_STYLE_TYPE

    try:
        return doc.styles[name]
    except KeyError:
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles[base]
        style.quick_style = True
        return style


def _setup_styles(doc) -> None:
    """Every style the briefing uses, explicit fonts and spacing; no theme fonts, no colour, no rules."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH as AL
    from docx.oxml.ns import qn

    styles = doc.styles
    # document defaults: explicit fonts (not the theme's), Chinese as the East Asian language, no spacing
    defaults = styles.element.find(qn("w:docDefaults"))
    rpr = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}")
    _rfonts(rpr, BODY_FONT)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = rpr.makeelement(qn("w:lang"), {})
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    spacing = defaults.find(f"{qn('w:pPrDefault')}/{qn('w:pPr')}/{qn('w:spacing')}")
    if spacing is not None:
        spacing.attrib.clear()
        spacing.set(qn("w:after"), "0")
        spacing.set(qn("w:line"), "240")
        spacing.set(qn("w:lineRule"), "auto")
    # the linked character styles of the styles used carry the theme fonts too
    for style in styles.element.findall(qn("w:style")):
        sid = style.get(qn("w:styleId")) or ""
        east = HEADING_FONT if sid.startswith("Heading") else TITLE_FONT if sid.startswith("Title") else BODY_FONT
        for fonts in style.iter(qn("w:rFonts")):
            if any(fonts.get(qn(f"w:{a}")) for a in _THEME_ATTRS):
                _rfonts(fonts.getparent(), east)

    normal = styles["Normal"]
    _style_fonts(normal, BODY_FONT, BODY_PT)
    _paragraph_format(normal, line_pt=LINE_PT, indent_pt=2 * BODY_PT, align=AL.JUSTIFY)
    normal.paragraph_format.widow_control = True

    title = styles["Title"]
    _style_fonts(title, TITLE_FONT, TITLE_PT)
    _paragraph_format(title, line_pt=TITLE_LINE_PT, after=6, align=AL.CENTER)
    for name in ("Heading 1", "Heading 2", "Heading 3"):
        _style_fonts(styles[name], HEADING_FONT, BODY_PT)
        _paragraph_format(styles[name], line_pt=LINE_PT, indent_pt=2 * BODY_PT, keep_next=True)

    caption = styles["Caption"]
    _style_fonts(caption, HEADING_FONT, CAPTION_PT)
    _paragraph_format(caption, line_pt=None, before=3, after=6, align=AL.CENTER)

    picture = _paragraph_style(doc, "Picture")      # single spacing: an inline picture is never cut to a line
    _paragraph_format(picture, line_pt=None, before=6, align=AL.CENTER, keep_next=True)
    picture.paragraph_format.keep_together = True

    cell = _paragraph_style(doc, "Table Text")
    _style_fonts(cell, BODY_FONT, TABLE_PT)
    _paragraph_format(cell, line_pt=None, before=1.5, after=1.5, align=AL.LEFT)
    head = _paragraph_style(doc, "Table Heading", "Table Text")
    _style_fonts(head, HEADING_FONT, TABLE_PT)
    _paragraph_format(head, line_pt=None, before=1.5, after=1.5, align=AL.CENTER, keep_next=True)

    footer = styles["Footer"]
    _style_fonts(footer, "宋体", FOOTER_PT)
    _paragraph_format(footer, line_pt=None, align=AL.CENTER)

    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:eastAsia"), "zh-CN")


def _add_text(doc, text: str, style: str | None = None):
    p = doc.add_paragraph(style=style)
    _east_asian_hint(p.add_run(text))
    return p


def write_docx(b: Briefing, pictures: dict[str, tuple[bytes, bytes]], path: Path | io.BytesIO) -> None:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(PAGE_CM[0]), Cm(PAGE_CM[1])
    sec.top_margin, sec.bottom_margin = Cm(MARGINS_CM["top"]), Cm(MARGINS_CM["bottom"])
    sec.left_margin, sec.right_margin = Cm(MARGINS_CM["left"]), Cm(MARGINS_CM["right"])
    _setup_styles(doc)
    cap = captions()
    separators = get_settings().thousands_separators
    text_width = sec.page_width - sec.left_margin - sec.right_margin
    max_w = min(Cm(PICTURE_MAX_CM[0]), text_width)
    max_h = min(Cm(PICTURE_MAX_CM[1]), sec.page_height - sec.top_margin - sec.bottom_margin - Cm(2))
    numbers = figure_numbers(b, pictures)

    _add_text(doc, b.title, "Title")
    line = _add_text(doc, b.as_of_line)
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.paragraph_format.first_line_indent = Pt(0)
    line.paragraph_format.space_after = Pt(LINE_PT / 2)
    table_no = 0
    for s in b.sections:
        _add_text(doc, s.heading, "Heading 1")
        if s.sentences:
            _add_text(doc, "".join(s.sentences))
        for caption, table in s.tables:
            table_no += 1
            _docx_table(doc, cap["table"].format(number=table_no, name=caption), table, text_width, separators)
        for key in s.figures:
            if key not in pictures:
                continue
            png_bytes = pictures[key][0]
            width, height = fit_picture(png_bytes, max_w, max_h)
            p = doc.add_paragraph(style="Picture")
            p.add_run().add_picture(io.BytesIO(png_bytes), width=width, height=height)
            _add_text(doc, cap["figure"].format(number=numbers[key], name=FIGURE_NAMES.get(key, key)), "Caption")
    # page numbers: — 1 — centred in the footer
    footer = sec.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    _east_asian_hint(footer.add_run("— "))
    run = footer.add_run()
    for tag, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if tag:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), tag)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _east_asian_hint(footer.add_run(" —"))
    doc.core_properties.title = b.title
    doc.core_properties.author = "乡村振兴指标看板"
    doc.save(path)


def _text_width(text: str) -> float:
    """Display width in half-em units: a Chinese character 2, a Latin digit or letter 1.2 (wide enough for
    the substitutes of Times New Roman too)."""
    import unicodedata

    return sum(2 if unicodedata.east_asian_width(c) in "WFA" else 1.2 for c in text)


def _column_widths(header: list[str], body: list[list[str]], numeric: list[bool], total: int) -> list[int]:
    """Column widths (EMU) filling ``total``: numbers and short text on one line, headers on two at most
    (name above its unit), long text columns sharing what is left and wrapping."""
    import re

    unit = round(12700 * TABLE_PT / 2)                    # half an em (a Latin digit; a Chinese character is two)
    pad = 2 * 108 * 635 + unit                        # the cell margins, and a little slack
    fixed, want, least = [], [], []
    for c, name in enumerate(header):
        name_part, *unit_parts = re.split(r"(?=（)", name)     # 目标任务 over （人）: the unit stays whole
        head = max([_text_width(name_part) if _text_width(name_part) <= 8 else _text_width(name_part) / 2 + 1]
                   + [_text_width(x) for x in unit_parts])
        data = max((_text_width(r[c]) for r in body), default=0)
        short = numeric[c] or data <= 12
        fixed.append(short)
        want.append(max(head, data) * unit + pad)
        least.append((max(head, data) if short else max(head, 8)) * unit + pad)
    if sum(want) <= total:           # room for everything on one line: the spare shared out
        widths = [int(w * total / sum(want)) for w in want]
    else:                            # text columns wrap: they share what the one-line columns leave
        rest = total - sum(w for w, f in zip(want, fixed) if f)
        flexible = sum(w for w, f in zip(want, fixed) if not f)
        if rest >= sum(m for m, f in zip(least, fixed) if not f) and flexible:
            widths = [w if f else max(m, w * rest // flexible) for w, m, f in zip(want, least, fixed)]
        else:
            widths = least
        scale = total / sum(widths)
        widths = [int(w * scale) for w in widths]
    widths = [int(w) for w in widths]
    widths[-1] += total - sum(widths)
    return widths


def _docx_table(doc, caption: str, table: pd.DataFrame, width: int, separators: bool | None = None) -> None:
    """A numbered table: caption above (kept with the table), header row repeated on every page and kept with
    the first row, rows never split, numbers right-aligned in the pack's number style."""
    from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    if separators is None:
        separators = get_settings().thousands_separators
    cap = _add_text(doc, caption, "Caption")
    cap.paragraph_format.keep_with_next = True
    cap.paragraph_format.space_before, cap.paragraph_format.space_after = Pt(6), Pt(3)
    header = [str(c) for c in table.columns]
    rows = list(table.itertuples(index=False))
    body = [[_cell_text(v, separators, column=header[c]) for c, v in enumerate(row)] for row in rows]
    numeric = [_numeric_column([row[c] for row in rows]) for c in range(len(header))]
    widths = _column_widths(header, body, numeric, width)
    centred = [not numeric[c] and max((_text_width(r[c]) for r in body), default=0) <= 8 for c in range(len(header))]

    t = doc.add_table(rows=1 + len(body), cols=len(header))
    t.style = doc.styles["Table Grid"]
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    t.autofit = False
    for c, w in enumerate(widths):
        t.columns[c].width = w
    for r, (row, texts) in enumerate(zip(t.rows, [header] + body)):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(tr_pr.makeelement(qn("w:cantSplit"), {}))
        if r == 0:
            tr_pr.append(tr_pr.makeelement(qn("w:tblHeader"), {}))
        for c, (cell, text) in enumerate(zip(row.cells, texts)):
            cell.width = widths[c]
            cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER
            p = cell.paragraphs[0]
            p.style = doc.styles["Table Heading" if r == 0 else "Table Text"]
            _east_asian_hint(p.add_run(text))
            if r == 0:
                p.paragraph_format.keep_with_next = True
            elif numeric[c]:
                p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
            elif centred[c]:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER


_UNITS = "个百分点|万亩|万元|亿元|人次|%|人|户|条|元|个|件|亩|名|项|家"
_NUMBER_TEXT = rf"([+\-−]?)(\d+)(\.\d+)?({_UNITS})?"


def _is_missing(v) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v))


def _is_number(v) -> bool:
    import numbers
    import re

    if isinstance(v, bool) or _is_missing(v):
        return False
    if isinstance(v, (numbers.Number, Decimal)):
        return True
    return isinstance(v, str) and re.fullmatch(_NUMBER_TEXT, v.strip().replace(",", "")) is not None


def _numeric_column(values: list) -> bool:
    present = [v for v in values if not _is_missing(v) and v != "—"]
    return bool(present) and all(_is_number(v) for v in present)


def _cell_text(v, separators: bool | None = None, column: str = "") -> str:
    """A table cell in the pack's one number style (``thousands_separators``, off by default like the
    sentences: 4438, 34575; on: 4,438); two decimals for rates and money; years never grouped."""
    import numbers
    import re

    if _is_missing(v):
        return "—"
    if separators is None:
        separators = get_settings().thousands_separators
    sep = "," if separators and not re.search("年度|年份|年$", column) else ""
    if isinstance(v, bool):
        return "是" if v else "否"
    if isinstance(v, numbers.Integral):
        return f"{int(v):{sep}d}"
    if isinstance(v, Decimal):
        return f"{v.quantize(Decimal('0.01')):{sep}.2f}"
    if isinstance(v, numbers.Real):
        return f"{float(v):{sep}.2f}"
    text = str(v)
    m = re.fullmatch(_NUMBER_TEXT, text.replace(",", ""))
    if m and ("," in text or sep):      # a number with its unit written by compose (4438人, +1416.02元)
        sign, whole, frac, unit = m.groups()
        return f"{sign}{int(whole):{sep}d}{frac or ''}{unit or ''}"
    return text


def write_xlsx(b: Briefing, path: Path | io.BytesIO) -> None:
    from rural.exports import write_sheet

    when = periods.label(b.scope.as_of)
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for name, df in b.tables.items():
            write_sheet(writer, df, name, f"{b.scope.county}{b.scope.township or ''}{name}（截至{when}）")


# ------------------------------------------------------------------------------ slides
SLIDE_CM = (33.867, 19.05)
SLIDE_MARGIN_CM, SLIDE_TOP_CM, SLIDE_PICTURE_CM = 1.2, 3.0, (19.5, 13.6)
SLIDE_BODY_FONT = BODY_FONT
SLIDE_LINE = 1.25            # line pitch as a multiple of the font size (set exactly, so text fits the same everywhere)


def _slide_lines(text: str, size_pt: float, width_pt: float) -> int:
    """Lines ``text`` takes in a box ``width_pt`` wide: Chinese characters (and quotes) one em, Latin about
    0.55 em, a quarter em where Chinese meets Latin (LibreOffice's autospace); Latin words do not break."""
    import re
    import unicodedata

    lines, x, prev_wide = 1, 0.0, None
    for token in re.findall(r"[A-Za-z0-9.,%+\-]+|.", text):
        wide = unicodedata.east_asian_width(token[0]) in "WFA"
        w = size_pt * (1.0 if wide else 0.55 * len(token))
        if prev_wide is not None and wide != prev_wide:
            w += 0.25 * size_pt
        if x + w > width_pt and x > 0:
            lines, x = lines + 1, 0.0
        x += w
        prev_wide = wide
    return lines


def _fit_size(paragraphs: list[str], width_pt: float, height_pt: float, sizes: tuple[float, ...],
              space_after: float = 0.5) -> float:
    """The largest font size at which the paragraphs fit the box (the smallest size when none does)."""
    for size in sizes:
        usable = width_pt * 0.94 - size       # kinsoku (no 。， at a line start) and a character of slack
        lines = sum(_slide_lines(p, size, usable) for p in paragraphs)
        height = lines * size * SLIDE_LINE + space_after * size * (len(paragraphs) - 1)
        if height <= height_pt:
            return size
    return sizes[-1]


def _pptx_run_font(run, east: str, size_pt: float, bold: bool = False) -> None:
    """Explicit fonts on a slide run: Latin and East Asian typefaces (not the theme's +mj/+mn), size, black."""
    from pptx.dml.color import RGBColor
    from pptx.oxml.ns import qn
    from pptx.util import Pt

    font = run.font
    font.size = Pt(size_pt)
    font.bold = bold
    font.color.rgb = RGBColor(0, 0, 0)
    font.name = LATIN_FONT
    rpr = run._r.get_or_add_rPr()
    rpr.set("lang", "zh-CN")
    latin = rpr.find(qn("a:latin"))
    for tag in ("a:ea", "a:cs"):
        for old in rpr.findall(qn(tag)):
            rpr.remove(old)
    ea = rpr.makeelement(qn("a:ea"), {"typeface": east})
    cs = rpr.makeelement(qn("a:cs"), {"typeface": LATIN_FONT})
    latin.addnext(ea)
    ea.addnext(cs)


def _pptx_text(shape, paragraphs: list[str], east: str, size_pt: float, *, bold: bool = False, align=None,
               anchor=None, space_after: float = 0.5) -> None:
    """Text set into a shape at an exact size and line pitch, wrapped, never auto-fitted by the viewer."""
    from pptx.enum.text import MSO_AUTO_SIZE
    from pptx.util import Cm, Pt

    tf = shape.text_frame
    tf.clear()
    tf.word_wrap = True
    tf.auto_size = MSO_AUTO_SIZE.NONE
    tf.margin_left = tf.margin_right = Cm(0.2)
    tf.margin_top = tf.margin_bottom = Cm(0.1)
    if anchor is not None:
        tf.vertical_anchor = anchor
    for k, text in enumerate(paragraphs):
        p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
        run = p.add_run()
        run.text = text
        _pptx_run_font(run, east, size_pt, bold)
        p.line_spacing = Pt(size_pt * SLIDE_LINE)
        p.space_before = Pt(0)
        p.space_after = Pt(size_pt * space_after) if k < len(paragraphs) - 1 else Pt(0)
        if align is not None:
            p.alignment = align


def write_pptx(b: Briefing, pictures: dict[str, tuple[bytes, bytes]], path: Path | io.BytesIO) -> None:
    """Title slide, then a slide per section: its first picture (whole, aspect kept, numbered 图N as in the
    Word briefing) and its key sentences sized to fit their box."""
    from pptx import Presentation
    from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
    from pptx.util import Cm, Emu

    prs = Presentation()
    prs.slide_width, prs.slide_height = Cm(SLIDE_CM[0]), Cm(SLIDE_CM[1])
    sw, sh, margin = prs.slide_width, prs.slide_height, Cm(SLIDE_MARGIN_CM)
    pt = lambda emu: emu / 12700  # noqa: E731
    cap = captions()
    numbers = figure_numbers(b, pictures)

    first = prs.slides.add_slide(prs.slide_layouts[0])
    title, sub = first.shapes.title, first.placeholders[1]
    title.left, title.top, title.width, title.height = Cm(2), Cm(3.6), sw - Cm(4), Cm(6.4)
    sub.left, sub.top, sub.width, sub.height = Cm(2), Cm(10.6), sw - Cm(4), Cm(3)
    inner = lambda shape: (pt(shape.width) - 2 * 5.67, pt(shape.height) - 2 * 2.83)  # noqa: E731  (insets 0.2/0.1 cm)
    size = _fit_size([b.title], *inner(title), sizes=(40, 36, 32, 28, 24))
    _pptx_text(title, [b.title], HEADING_FONT, size, bold=True, align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.BOTTOM)
    size = _fit_size([b.as_of_line], *inner(sub), sizes=(24, 20, 18, 16))
    _pptx_text(sub, [b.as_of_line], SLIDE_BODY_FONT, size, align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.TOP)

    top = Cm(SLIDE_TOP_CM)
    for s in b.sections:
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
        head = slide.shapes.title
        head.left, head.top, head.width, head.height = margin, Cm(0.7), sw - 2 * margin, Cm(2.0)
        size = _fit_size([s.heading], *inner(head), sizes=(32, 28, 24, 20))
        _pptx_text(head, [s.heading], HEADING_FONT, size, bold=True, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.MIDDLE)
        key = next((k for k in s.figures if k in pictures), None)
        left = margin
        if key:
            png_bytes = pictures[key][0]
            width, height = fit_picture(png_bytes, Cm(SLIDE_PICTURE_CM[0]), Cm(SLIDE_PICTURE_CM[1]))
            slide.shapes.add_picture(io.BytesIO(png_bytes), margin, top, width=Emu(width), height=Emu(height))
            label = cap["figure"].format(number=numbers[key], name=FIGURE_NAMES.get(key, key))
            box = slide.shapes.add_textbox(margin, top + height + Cm(0.2), width, Cm(1.1))
            _pptx_text(box, [label], HEADING_FONT, _fit_size([label], *inner(box), sizes=(16, 14, 12)),
                       align=PP_ALIGN.CENTER, anchor=MSO_ANCHOR.TOP)
            left = margin + width + Cm(0.8)
        box = slide.shapes.add_textbox(left, top, sw - left - margin, sh - top - Cm(0.8))
        sentences = ["■ " + x for x in key_sentences(s)]
        size = _fit_size(sentences, *inner(box), sizes=(28, 24, 22, 20, 18, 16, 14, 12, 11, 10))
        _pptx_text(box, sentences, SLIDE_BODY_FONT, size, align=PP_ALIGN.LEFT, anchor=MSO_ANCHOR.TOP)
    prs.core_properties.title = b.title
    prs.save(path)


def key_sentences(s: Section, count: int = 3) -> list[str]:
    return s.sentences[:count]


def write_pictures_zip(pictures: dict[str, tuple[bytes, bytes]], path: Path | io.BytesIO) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for k, (key, (png_bytes, svg_bytes)) in enumerate(pictures.items(), start=1):
            name = f"{k:02d}_{FIGURE_NAMES.get(key, key)}"
            z.writestr(f"{name}.png", png_bytes)
            z.writestr(f"{name}.svg", svg_bytes)


@dataclass
class Pack:
    briefing: Briefing
    docx: bytes
    xlsx: bytes
    pptx: bytes
    pictures_zip: bytes
    pictures: dict[str, tuple[bytes, bytes]]


def build_pack(engine: Engine, scope: Scope, compare: str | None = "auto", progress: Progress | None = None, *,
               principal: Principal | None = None) -> Pack:
    """The whole meeting pack in memory: docx, xlsx, pptx and a zip of PNG + SVG pictures, of what ``principal``
    may see (None: the command line). Whoever writes or serves the files records the export (audit log)."""
    access.require(principal or access.COMMAND_LINE, "export")
    step = progress or (lambda *_: None)
    step("正在汇总指标", 0.02)
    b = compose(gather(engine, scope, compare, principal=principal))
    pictures = render_pictures(b, lambda text, frac: step(text, 0.05 + 0.75 * frac))
    out = {}
    for name, writer, frac in (("docx", lambda f: write_docx(b, pictures, f), 0.88), ("xlsx", lambda f: write_xlsx(b, f), 0.92),
                               ("pptx", lambda f: write_pptx(b, pictures, f), 0.97),
                               ("zip", lambda f: write_pictures_zip(pictures, f), 1.0)):
        buf = io.BytesIO()
        writer(buf)
        out[name] = buf.getvalue()
        step(f"已生成{ {'docx': 'Word 汇报材料', 'xlsx': 'Excel 数据表', 'pptx': '幻灯片', 'zip': '图片'}[name] }", frac)
    return Pack(b, out["docx"], out["xlsx"], out["pptx"], out["zip"], pictures)
