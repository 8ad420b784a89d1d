"""The meeting pack, opened with python-docx, openpyxl and python-pptx: exact sentences and figures."""
from __future__ import annotations

import io
import struct
import zipfile

import pytest
from docx import Document
from openpyxl import load_workbook
from pptx import Presentation

from rural.briefing import build_pack, compose, gather, wan
from rural.exports import table_xlsx
from rural.indicators import Scope, monitoring_overview
from tests.conftest import run_cli

pytestmark = pytest.mark.timeout(300)
PUBLISHED = [
    "累计纳入“三类对象”1351户4438人，风险消除926户3244人，消除率73.10%",
    "城镇新增就业1759人，完成目标任务3300人的53.30%，高于时序进度19.97个百分点",
    "下岗失业人员再就业343人，完成目标任务1400人的24.50%，低于时序进度8.83个百分点",
    "就业困难人员再就业183人，完成目标任务1100人的16.64%，低于时序进度16.69个百分点",
    "项目163个总投资5亿元，其中产业类项目86个4.1亿元，占比82.00%",
    "规划项目43个8662万元，其中产业类项目30个6173万元，占比71.27%",
    "2022年全县脱贫群众人均纯收入16890.43元，同比增加2127.86元、增幅14.41%",
    "万元以下低收入群体237户847人，人均纯收入不足7000元低收入户已全部消除",
    "2023年上半年脱贫群众人均纯收入9402.56元，同比增长17.73%",
    "受理政府救助平台申请事项427件、办结399件，办结率达93.44%",
    "城市低保658人次29.28万元、农村低保34575人次946.14万元、特困供养3252人次334.38万元、临时救助656人次31.42万元、残疾人两项补贴19952人次163.28万元",
    "使用城镇公益性岗位397个，发放岗位补贴203.5万元，发放公益性岗位社会保险补贴129.95万元",
    "选派228名干部驻村帮扶，组织3585名干部对7575户脱贫人口和监测对象开展“一对一”结对帮扶",
    "累计推送预警线索6567条",
    "新识别纳入“三类对象”监测帮扶9户35人",
    "巨菌草1.2万亩",
    "发放肉牛贷款1.02亿元",
]


@pytest.fixture(scope="module")
def pack(sample_engine):
    return build_pack(sample_engine, Scope("2023-06"), "2023-02")


def test_cli_writes_the_briefing_with_published_figures(sample_db, tmp_path):
    out = tmp_path / "b.docx"
    proc = run_cli("rural", "brief", "--db", sample_db[0], "--out", out, check=True)
    assert "已写出" in proc.stdout
    doc = Document(out)
    text = "\n".join(p.text for p in doc.paragraphs)
    for sentence in PUBLISHED:
        assert sentence in text, sentence
    assert doc.paragraphs[0].text == "南华县巩固拓展脱贫攻坚成果同乡村振兴有效衔接工作情况汇报"
    assert "数据截至2023年6月" in doc.paragraphs[1].text
    assert len(doc.inline_shapes) >= 6


def test_sections_in_the_county_order_with_official_styles(pack):
    doc = Document(io.BytesIO(pack.docx))
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings[:6] == ["一、监测帮扶和排查", "二、产业增收", "三、就业稳收", "四、资产创收", "五、政策保收", "六、成果巩固"]
    ns = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    east = lambda style: style.element.rPr.find(f"{ns}rFonts").get(f"{ns}eastAsia")  # noqa: E731
    assert east(doc.styles["Heading 1"]) == "黑体"
    assert east(doc.styles["Normal"]) == "仿宋"
    assert doc.styles["Normal"].font.size.pt == 16
    footer_xml = doc.sections[0].footer._element.xml
    assert "PAGE" in footer_xml and "fldChar" in footer_xml


def test_since_last_meeting_names_what_got_worse(pack):
    text = "\n".join(pack.briefing.sentences())
    assert "风险消除率（按人）由" in text and "个百分点" in text
    assert "就业困难人员再就业完成率由“滞后”转为“严重滞后”" in text
    # like with like: employment compared 1-2月 → 1-4月 (its latest), labelled; the snapshot figures 截至 → 截至
    assert "城镇新增就业完成率由2023年1-2月的26.09%提高到1-4月的53.30%" in text
    doc = Document(io.BytesIO(pack.docx))
    change_table = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == ["指标", "比较", "对比值", "本期值", "变化"]]
    assert change_table and [c.text for c in change_table[0].rows[1].cells] == [
        "风险消除率（按人）", "截至2023年2月→截至6月", "66.85%", "73.10%", "提高6.25个百分点"]


def test_pictures_count_and_print_size(pack):
    assert len(pack.pictures) == len(pack.briefing.figures) >= 8
    for png, svg in pack.pictures.values():
        width, height = struct.unpack(">II", png[16:24])
        assert width == 2000 and height >= 800
        assert b"pHYs" in png
        assert b"<svg" in svg[:500]
    names = zipfile.ZipFile(io.BytesIO(pack.pictures_zip)).namelist()
    assert len(names) == 2 * len(pack.pictures)
    assert any(n.endswith("就业目标任务完成情况.png") for n in names)
    svg_text = pack.pictures["employment"][1].decode("utf-8")
    assert "城镇新增就业" in svg_text  # Chinese text, not boxes


def test_excel_pack_tables(pack):
    wb = load_workbook(io.BytesIO(pack.xlsx))
    assert {"主要指标", "就业", "社会救助", "监测对象·乡镇", "收入"} <= set(wb.sheetnames)
    ws = wb["就业"]
    assert "截至2023年6月" in ws["A1"].value
    headers = [c.value for c in ws[2]]
    assert "目标任务（人）" in headers and "完成率（%）" in headers
    row = {h: c.value for h, c in zip(headers, ws[3])}
    assert row["指标"] == "城镇新增就业" and row["目标任务（人）"] == 3300 and row["完成率（%）"] == 53.3
    assert ws.freeze_panes == "A3"
    rate_cell = ws.cell(row=3, column=headers.index("完成率（%）") + 1)
    assert rate_cell.number_format == "#,##0.00" and isinstance(rate_cell.value, float)
    assert ws.column_dimensions["A"].width >= 8


def test_formula_like_text_is_neutralised():
    import pandas as pd

    data = table_xlsx(pd.DataFrame({"名称": ["=1+1", "+SUM(A1)", "-3", "@cmd", "正常"], "数": [1, 2, 3, 4, 5]}), "测试")
    ws = load_workbook(io.BytesIO(data)).active
    values = [ws.cell(row=r, column=1).value for r in range(3, 8)]
    assert values == ["'=1+1", "'+SUM(A1)", "'-3", "'@cmd", "正常"]
    assert all(ws.cell(row=r, column=1).data_type == "s" for r in range(3, 8))


def test_slides(pack):
    prs = Presentation(io.BytesIO(pack.pptx))
    slides = list(prs.slides)
    assert slides[0].shapes.title.text == pack.briefing.title
    assert len(slides) == 1 + len(pack.briefing.sections)
    emp = next(s for s in slides if s.shapes.title.text == "三、就业稳收")
    texts = " ".join(sh.text_frame.text for sh in emp.shapes if sh.has_text_frame)
    assert "城镇新增就业1759人" in texts
    assert sum(1 for sh in emp.shapes if sh.shape_type == 13) == 1  # one picture


def test_township_briefing_carries_that_townships_figures(sample_engine):
    mon = monitoring_overview(sample_engine, Scope("2023-06", "龙川镇"))
    b = compose(gather(sample_engine, Scope("2023-06", "龙川镇"), None))
    text = "".join(b.sentences())
    assert b.title.startswith("南华县龙川镇")
    assert (f"累计纳入“三类对象”{mon['households']}户{mon['people']}人，风险消除{mon['eliminated_households']}户"
            f"{mon['eliminated_people']}人，消除率{mon['elimination_rate_people']:.2f}%") in text
    assert "1351户" not in text


def test_money_words():
    assert [wan(50000), wan(41000), wan(8662), wan(203.5), wan(29.28), wan(10200)] == \
        ["5亿元", "4.1亿元", "8662万元", "203.5万元", "29.28万元", "1.02亿元"]
