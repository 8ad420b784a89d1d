"""The meeting pack: a Word briefing, an Excel pack, chart pictures and a slide deck.

Every number comes from ``rural.indicators``; the sentences come from the templates in
``data/reference/briefing.toml`` (one per indicator, editable by staff). This module only formats
and arranges.
"""
from __future__ import annotations

import io
import tomllib
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Callable

import pandas as pd
from sqlalchemy.engine import Engine

from rural import charts, indicators as ind, periods
from rural.indicators import Scope
from rural.labels import display
from rural.numbers import scaled_text
from rural.settings import get_settings, reference_path

Progress = Callable[[str, float], None]
LEVEL_WORD = {"green": "正常", "amber": "关注", "red": "滞后"}


# ------------------------------------------------------------------------------ numbers
def n(v) -> str:
    """An integer as official text writes it in sentences: no separators."""
    return "—" if v is None else str(int(v))


def pct(v) -> str:
    return "—" if v is None else f"{Decimal(str(v)):.2f}"


def yuan(v) -> str:
    return "—" if v is None else f"{Decimal(str(v)):.2f}"


def wan(v) -> str:
    """万元 amount in sentence style: 203.5万元, 8662万元, 亿元 from 1 亿: 5亿元, 1.02亿元."""
    return scaled_text(v, "万元", "亿元", separators=False)


def mu(v) -> str:
    return scaled_text(v, "亩", "万亩", separators=False)


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


def gather(engine: Engine, scope: Scope, compare: str | None = "auto") -> dict:
    """Everything the pack shows, from the indicator functions."""
    scope = ind._resolve(engine, scope)
    if compare == "auto":
        compare = ind.default_compare(engine, scope.as_of, scope.county) if scope.as_of else None
    return {
        "scope": scope, "compare": compare,
        "monitoring": ind.monitoring_overview(engine, scope),
        "work": ind.work_summary(engine, scope),
        "industry": ind.industry_items(engine, scope),
        "employment": ind.employment_status(engine, scope),
        "welfare": ind.welfare_posts(engine, scope),
        "projects": ind.project_shares(engine, scope),
        "assistance": ind.assistance_by_type(engine, scope),
        "platform": ind.platform_summary(engine, scope),
        "income": ind.income_summary(engine, scope),
        "income_series": ind.income_series(engine, scope),
        "alerts": ind.alerts(engine, scope),
        "changes": ind.changes(engine, scope, compare),
        "by_township": ind.monitoring_breakdown(engine, Scope(scope.as_of, None, scope.county), "township"),
        "trend": ind.monitoring_trend(engine, scope),
        "assistance_trend": ind.assistance_trend(engine, scope),
        "by_category": ind.projects_by_category(engine, scope),
        "township_table": ind.township_table(engine, scope),
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
    # 七、较上次会议的变化
    s = secs["changes"]
    ch = d["changes"]
    if compare:
        for item in ch["items"]:
            if item["then"] is None or item["now"] is None or item["change"] in (None, 0):
                continue
            s.sentences.append(t["change_item"].format(
                name=item["name"], then=_value(item["then"], item["unit"]), now=_value(item["now"], item["unit"]),
                direction="增加" if item["change"] > 0 else "减少",
                change=_value(abs(item["change"]), "个百分点" if item["unit"] == "%" else item["unit"])))
        for w in ch["worse"]:
            s.sentences.append(t["change_worse"].format(item=w["item"], was=LEVEL_WORD[w["was"]], level=LEVEL_WORD[w["level"]],
                                                        reason=w["reason"]))
        if not ch["worse"]:
            s.sentences.append(t["change_none"].format(compare_label=periods.label(compare)))
        table = pd.DataFrame(ch["items"])
        table["then"] = [_value(v, u) for v, u in zip(table["then"], table["unit"])]
        table["now"] = [_value(v, u) for v, u in zip(table["now"], table["unit"])]
        table["change"] = [_signed(v, u) for v, u in zip(table["change"], table["unit"])]
        s.tables.append((f"主要指标变化（{periods.label(compare)}→{periods.label(scope.as_of)}）",
                         table[["name", "then", "now", "change"]].rename(columns={
                             "name": "指标", "then": periods.label(compare), "now": periods.label(scope.as_of), "change": "变化"})))
    # 八、需要关注的事项
    s = secs["lagging"]
    lag = [a for a in d["alerts"] if a["level"] != "green"]
    s.sentences += [t["lagging_item"].format(item=a["item"], reason=a["reason"]) for a in lag] or [t["lagging_none"]]

    title = tpl["title"].format(county=scope.county, place=place)
    as_of_line = (tpl["as_of_line"] if compare else tpl["as_of_line_no_compare"]).format(
        as_of_label=periods.label(scope.as_of), compare_label=periods.label(compare) if compare else "")
    figs = figures(d)
    sections = [secs[k] for k in tpl["sections"] if secs[k].sentences or secs[k].tables]
    for sec in sections:
        sec.figures = [f for f in sec.figures if f in figs]
    return Briefing(title, as_of_line, scope, compare, sections, figs, excel_tables(d), d)


def employment_sentence(i: dict, t: dict) -> str:
    gap = Decimal(str(i["gap_pct"]))
    relation = (t["employment_relation_ahead"] if gap > 0 else t["employment_relation_equal"] if gap == 0
                else t["employment_relation_behind"]).format(gap=pct(abs(gap)))
    return t["employment_item"].format(name=i["name"], done=n(i["done"]), target=n(i["target"]),
                                       completion=pct(i["completion_pct"]), relation=relation)


def _value(v, unit: str) -> str:
    if v is None:
        return "—"
    if unit in ("%", "个百分点"):
        return f"{pct(v)}{unit}"
    if unit == "万元":
        return wan(v)
    if unit == "元":
        return f"{yuan(v)}元"
    return f"{n(v)}{unit}"


def _signed(v, unit: str) -> str:
    if v is None:
        return "—"
    sign = "+" if v > 0 else "-" if v < 0 else ""
    return sign + _value(abs(v), "个百分点" if unit == "%" else unit)


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
        "主要指标": pd.DataFrame(d["changes"]["items"])[["name", "unit", "then", "now", "change"]] if d["changes"]["items"] else pd.DataFrame(),
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


def _fonts(run, east: str, ascii_font: str = "Times New Roman") -> None:
    from docx.oxml.ns import qn

    run.font.name = ascii_font
    rpr = run._element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    for attr in ("w:eastAsia", "w:hint"):
        fonts.set(qn(attr), east if attr == "w:eastAsia" else "eastAsia")
    fonts.set(qn("w:ascii"), ascii_font)
    fonts.set(qn("w:hAnsi"), ascii_font)


def _style_fonts(style, east: str, size_pt: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt, RGBColor

    style.font.name = "Times New Roman"
    style.font.size = Pt(size_pt)
    style.font.bold = bold
    style.font.color.rgb = RGBColor(0, 0, 0)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), east)
    fonts.set(qn("w:ascii"), "Times New Roman")
    fonts.set(qn("w:hAnsi"), "Times New Roman")


BODY_FONT, HEADING_FONT, TITLE_FONT = "仿宋", "黑体", "宋体"


def write_docx(b: Briefing, pictures: dict[str, tuple[bytes, bytes]], path: Path | io.BytesIO) -> None:
    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21), Cm(29.7)
    sec.top_margin, sec.bottom_margin, sec.left_margin, sec.right_margin = Cm(3.7), Cm(3.5), Cm(2.8), Cm(2.6)
    styles = doc.styles
    _style_fonts(styles["Normal"], BODY_FONT, 16)
    styles["Normal"].paragraph_format.line_spacing = Pt(28)
    styles["Normal"].paragraph_format.first_line_indent = Pt(32)
    _style_fonts(styles["Title"], TITLE_FONT, 22, bold=True)
    _style_fonts(styles["Heading 1"], HEADING_FONT, 16)
    for name in ("Title", "Heading 1"):
        styles[name].paragraph_format.first_line_indent = Pt(0) if name == "Title" else Pt(32)
        styles[name].paragraph_format.space_before = Pt(6)
        styles[name].paragraph_format.space_after = Pt(6)

    title = doc.add_paragraph(b.title, style="Title")
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line = doc.add_paragraph(b.as_of_line)
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.paragraph_format.first_line_indent = Pt(0)
    for s in b.sections:
        doc.add_paragraph(s.heading, style="Heading 1")
        doc.add_paragraph("".join(s.sentences))
        for caption, table in s.tables:
            _docx_table(doc, caption, table, WD_TABLE_ALIGNMENT, WD_ALIGN_PARAGRAPH, Pt)
        for key in s.figures:
            if key in pictures:
                p = doc.add_paragraph()
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
                p.paragraph_format.first_line_indent = Pt(0)
                p.add_run().add_picture(io.BytesIO(pictures[key][0]), width=Cm(15.5))
                cap = doc.add_paragraph(f"图：{FIGURE_NAMES.get(key, key)}")
                cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
                cap.paragraph_format.first_line_indent = Pt(0)
    # page numbers: — 1 — centred in the footer
    footer = sec.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    footer.add_run("— ")
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
    footer.add_run(" —")
    doc.core_properties.title = b.title
    doc.core_properties.author = "乡村振兴指标看板"
    doc.save(path)


def _docx_table(doc, caption, table: pd.DataFrame, WD_TABLE_ALIGNMENT, WD_ALIGN_PARAGRAPH, Pt) -> None:
    cap = doc.add_paragraph(caption)
    cap.alignment = WD_ALIGN_PARAGRAPH.CENTER
    cap.paragraph_format.first_line_indent = Pt(0)
    t = doc.add_table(rows=1, cols=len(table.columns))
    t.style = "Table Grid"
    t.alignment = WD_TABLE_ALIGNMENT.CENTER
    for c, name in enumerate(table.columns):
        cell = t.rows[0].cells[c]
        cell.text = str(name)
    for row in table.itertuples(index=False):
        cells = t.add_row().cells
        for c, v in enumerate(row):
            cells[c].text = _cell_text(v)
    for r in t.rows:
        for cell in r.cells:
            for p in cell.paragraphs:
                p.paragraph_format.first_line_indent = Pt(0)
                p.paragraph_format.line_spacing = 1.0
                for run in p.runs:
                    run.font.size = Pt(10.5)


def _cell_text(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return "—"
    if isinstance(v, float):
        return f"{v:,.2f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def write_xlsx(b: Briefing, path: Path | io.BytesIO) -> None:
    from rural.exports import write_sheet

    when = periods.label(b.scope.as_of)
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for name, df in b.tables.items():
            write_sheet(writer, df, name, f"{b.scope.county}{b.scope.township or ''}{name}（截至{when}）")


def write_pptx(b: Briefing, pictures: dict[str, tuple[bytes, bytes]], path: Path | io.BytesIO) -> None:
    from pptx import Presentation
    from pptx.util import Cm, Pt

    prs = Presentation()
    prs.slide_width, prs.slide_height = Cm(33.867), Cm(19.05)
    first = prs.slides.add_slide(prs.slide_layouts[0])
    first.shapes.title.text = b.title
    first.placeholders[1].text = b.as_of_line
    for s in b.sections:
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # title only
        slide.shapes.title.text = s.heading
        slide.shapes.title.text_frame.paragraphs[0].runs[0].font.size = Pt(28)
        key = next((k for k in s.figures if k in pictures), None)
        left = Cm(1.2)
        if key:
            slide.shapes.add_picture(io.BytesIO(pictures[key][0]), Cm(1.2), Cm(4.2), width=Cm(18.5))
            left = Cm(20.3)
        box = slide.shapes.add_textbox(left, Cm(4.2), prs.slide_width - left - Cm(1.2), Cm(13))
        tf = box.text_frame
        tf.word_wrap = True
        for k, sentence in enumerate(key_sentences(s)):
            p = tf.paragraphs[0] if k == 0 else tf.add_paragraph()
            p.text = "■ " + sentence
            p.font.size = Pt(16)
            p.space_after = Pt(10)
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


def build_pack(engine: Engine, scope: Scope, compare: str | None = "auto", progress: Progress | None = None) -> Pack:
    """The whole meeting pack in memory: docx, xlsx, pptx and a zip of PNG + SVG pictures."""
    step = progress or (lambda *_: None)
    step("正在汇总指标", 0.02)
    b = compose(gather(engine, scope, compare))
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
