"""Department text stays text: names that are Markdown, HTML or spreadsheet formulas are shown, exported and
downloaded as what they say, never rendered, fetched or run.

One database for the module, loaded by the real CLI from department files (南华县's roster, project library,
work ledger and employment table) whose township-facing text holds the payloads; a tiny HTTP server on a
free local port records any request a payload could make (the beacon). Then every page through AppTest,
every page in a real Chromium (with the monitoring drill-down to the village and a generated briefing), and
the Excel downloads and the pack's workbook opened with openpyxl.
"""
from __future__ import annotations

import contextlib
import http.server
import io
import re
import threading
import urllib.request
from pathlib import Path

import pytest
from markdown_it import MarkdownIt
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, ROSTER_HEADER, run_cli, write_xlsx

pytestmark = pytest.mark.timeout(300)

WJ = "\u2060"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
PAGES = ["views/overview.py", "views/monitoring.py", "views/income.py", "views/employment.py", "views/projects.py",
         "views/assistance.py", "views/map.py", "views/briefing.py", "views/data.py"]


# ------------------------------------------------------------------------------ the beacon and the files
class Beacon:
    """A local HTTP server that records every request it gets."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def _hit(self):
                hits.append(f"{self.command} {self.path}")
                self.send_response(204)
                self.end_headers()

            do_GET = do_HEAD = do_POST = _hit

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def beacon():
    with Beacon() as b:
        urllib.request.urlopen(f"{b.base}/selftest", timeout=5)   # it does record
        assert b.hits == ["GET /selftest"]
        b.hits.clear()
        yield b


@contextlib.contextmanager
def text_cells():
    """``write_xlsx`` writes with xlsxwriter's ``write()``, which turns "=…" into a formula and "http…" into a link;
    a clerk's cell holding such text is a string cell, so write strings as strings."""
    import xlsxwriter

    real = xlsxwriter.Workbook

    class Workbook(real):
        def __init__(self, filename, options=None):
            super().__init__(filename, {"strings_to_formulas": False, "strings_to_urls": False, **(options or {})})

    xlsxwriter.Workbook = Workbook
    try:
        yield
    finally:
        xlsxwriter.Workbook = real


def payloads(base: str) -> dict[str, str]:
    """Each payload as written in the file, and (``stored``) as the loader keeps it: NFKC, no whitespace."""
    return {
        "image": f"![v]({base}/beacon)",
        "img_tag": f"<img src={base}/x onerror=alert(1)>",
        "img_tag_nospace": f"<img/src={base}/y>",                   # survives the loader's space removal
        "link": f"[点此核对]({base}/link)",
        "formula": "=cmd|' /C calc'!A0",
        "content": "+SUM(A1:A9)",
        "item": "@attack",
        "chart_tag": "<b>核对</b><br>",                            # plotly's HTML: bold, a line break
        "fullwidth": "＝1+1",
        "autolink": "www.example.com项目",
        "email": "a@b.cn",
        "dde": '=HYPERLINK("http://x")贷款',
    }


def stored(text: str) -> str:
    import unicodedata

    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def department_files(folder: Path, p: dict[str, str]) -> list[Path]:
    roster = [["南华县防返贫监测对象名单（截至2023年6月）"], ["单位：人、元"], ROSTER_HEADER,
              [1, "龙川镇", p["image"], "H0001", "张小明", None, 4, "脱贫不稳定户", "因病", "2021-06-15", "是", "2022/3/1", 12000],
              [2, "龙川镇", p["img_tag"], "H0002", "李大华", None, 3, "边缘易致贫户", "因学", "2021-06-15", "否", None, 8800],
              [3, "沙桥镇", p["img_tag_nospace"], "H0003", "王芳", None, 2, "突发严重困难户", "因灾", "2023-03-01", "否", None, 5000],
              [4, "沙桥镇", p["formula"], "H0004", "赵四", None, 2, "突发严重困难户", "因灾", "2023-03-01", "否", None, 5000],
              [5, "五街镇", p["link"], "H0005", "钱五", None, 2, "突发严重困难户", "因病", "2023-03-01", "否", None, 6000]]
    head = ["序号", "项目名称", "乡镇", "行政村", "项目类别", "建设内容", "总投资（万元）", "资金来源", "年度", "是否纳入统筹整合",
            "实施状态"]
    projects = [["南华县巩固拓展脱贫攻坚成果和乡村振兴项目库（截至2023年6月）"], ["单位：万元"], head,
                [1, p["link"], "龙川镇", "龙川村", "产业发展类", "新建圈舍", 500, "衔接资金", 2023, "是", "在建"],
                [2, p["formula"], "沙桥镇", "沙桥村", "基础设施类", p["content"], 300, p["item"], 2023, "否", p["fullwidth"]],
                [3, "五街村食用菌大棚项目", "五街镇", "五街村", p["chart_tag"], "-2+3", 200, "衔接资金", 2023, "是", "已完工"],
                [4, p["autolink"], "龙川镇", "龙川村", p["item"] + "类", p["email"], 100, "衔接资金", 2023, "是", p["image"]]]
    work = {"工作台账": [["南华县2023年1-6月监测帮扶工作台账"],
                     ["乡镇", "推送预警线索（条）", "核实预警线索（条）", "驻村帮扶干部（人）", "结对帮扶干部（人）", "结对帮扶户（户）"],
                     ["龙川镇", 10, 9, 2, 3, 4], ["沙桥镇", 5, 5, 1, 1, 1]],
            "产业发展": [["南华县2023年1-6月产业发展和金融支持情况"], ["类别", "项目", "单位", "完成量"],
                     ["产业种植", p["item"], "亩", 980], ["产业种植", p["image"], "亩", 500], ["金融支持", p["dde"], "亿元", "1.02亿元"]]}
    employment = [["南华县2023年1-6月就业工作完成情况表"], ["单位：人、%"],
                  ["乡镇", "城镇新增就业", None, "下岗失业人员再就业", None],
                  [None, "目标任务", "完成数", "目标任务", "完成数"],
                  ["龙川镇", 100, 10, 100, 60], ["沙桥镇", 100, 20, 100, 70]]   # 15% against 50% time progress: a negative gap
    with text_cells():
        return [write_xlsx(folder / "南华县防返贫监测对象名单（截至2023年6月）.xlsx", {"名单": roster}),
                write_xlsx(folder / "南华县巩固拓展脱贫攻坚成果和乡村振兴项目库（截至2023年6月）.xlsx", {"项目库": projects}),
                write_xlsx(folder / "南华县2023年1-6月监测帮扶工作台账.xlsx", work),
                write_xlsx(folder / "南华县2023年1-6月就业工作完成情况表.xlsx", {"就业": employment},
                           merges={"就业": [(2, 1, 2, 2, "城镇新增就业"), (2, 3, 2, 4, "下岗失业人员再就业")]})]


@pytest.fixture(scope="module")
def hostile_db(beacon, tmp_path_factory):
    folder = tmp_path_factory.mktemp("inert_files")
    files = department_files(folder, payloads(beacon.base))
    path = tmp_path_factory.mktemp("inert_db") / "inert.db"
    url = f"sqlite:///{path}"
    run_cli("etl", "load", *files, "--db", url, check=True)
    return url, path


@pytest.fixture(scope="module")
def hostile_engine(hostile_db):
    from rural.db import make_engine

    return make_engine(hostile_db[0])


def test_payloads_reach_the_database(hostile_db, hostile_engine, beacon):
    """The loader keeps the text (only NFKC and no spaces), so the pages below really get the payloads."""
    from sqlalchemy import text

    p = {k: stored(v) for k, v in payloads(beacon.base).items()}
    with hostile_engine.connect() as conn:
        villages = {r[0] for r in conn.execute(text("select name from village"))}
        projects = {r[0]: r[1:] for r in conn.execute(text("select name, category, content, fund_source, status from project"))}
    assert {p["image"], p["img_tag"], p["img_tag_nospace"], p["formula"], p["link"]} <= villages
    assert projects[p["formula"]] == ("基础设施类", p["content"], p["item"], "=1+1")    # ＝ became = on loading
    assert p["link"] in projects and p["autolink"] in projects
    assert p["chart_tag"] in {v[0] for v in projects.values()}


# ------------------------------------------------------------------------------ (a) AppTest, every page
MARKUP = ("image", "img_tag", "img_tag_nospace", "link", "chart_tag", "autolink", "email", "dde")


def forbidden(base: str) -> list[str]:
    """Substrings no Markdown source may hold: each markup payload as stored, and the beacon's address unbroken.
    (A formula payload such as ``@attack`` is harmless Markdown; escaped it still contains itself after ``\\``.)"""
    p = payloads(base)
    return [*{stored(p[k]) for k in MARKUP}, base.split("//", 1)[1]]


_MD = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
# What GFM turns into a link after parsing (escaped text included): bare URLs, www., mailto:, e-mail addresses
_AUTOLINK = re.compile(r"(?i)(?:https?://|www\.|(?:mailto|xmpp):[\w.+-])|[\w.+-]+@[\w-]+\.\w")


def markdown_problems(where: str, source: str, base: str) -> list[str]:
    """Why ``source`` would not render as plain text: a link, image or raw HTML with a payload in it, a bare
    URL or address GFM would link, or a payload left unescaped."""
    out = [f"{where}: unescaped {bad!r} in {source!r}" for bad in forbidden(base) if bad in source]

    def walk(tokens):
        for t in tokens:
            if t.type in ("link_open", "image"):
                out.append(f"{where}: {t.type} {t.attrs} in {source!r}")
            elif t.type in ("html_inline", "html_block") and re.search(r"127\.0\.0\.1|onerror|<img|<a", t.content, re.I):
                out.append(f"{where}: HTML {t.content!r}")
            elif t.type == "text" and _AUTOLINK.search(t.content):
                out.append(f"{where}: GFM would link {t.content!r}")
            walk(t.children or [])

    walk(_MD.parse(source))
    return out


def markdown_sources(at: AppTest) -> list[tuple[str, str]]:
    """Every string the page hands to Streamlit's Markdown renderer (bodies and labels)."""
    out = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success"):
        out += [(kind, str(e.value)) for e in getattr(at, kind)]
    for m in at.metric:
        out += [("metric label", m.label), ("metric value", str(m.value)), ("metric delta", str(m.delta or ""))]
    out += [("tab", t.label) for t in at.tabs] + [("expander", e.label) for e in at.expander]
    for kind in ("selectbox", "text_input", "radio", "checkbox", "toggle", "button", "download_button"):
        out += [(f"{kind} label", str(w.label)) for w in getattr(at, kind)]
    return out


NUMBER_TEXT = re.compile(r"-[\d,]*\.?\d+")   # how table() shows a negative number: Excel reads it as that number


def dataframe_problems(at: AppTest) -> list[str]:
    out = []
    for k, df in enumerate(at.dataframe):
        frame = df.value
        for c in frame.columns:
            if isinstance(c, str) and c.startswith(FORMULA_START):
                out.append(f"table {k}: header {c!r}")
            for v in frame[c].tolist():
                if isinstance(v, str) and v.startswith(FORMULA_START) and not NUMBER_TEXT.fullmatch(v):
                    out.append(f"table {k}, {c}: {v!r} would run as a formula in the CSV download")
    return out


@pytest.fixture
def app(hostile_db, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", hostile_db[0])

    def make(page: str) -> AppTest:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        at.run()
        if page != PAGES[0]:
            at.switch_page(page)
            at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make


def table_cells(at: AppTest) -> set:
    return {v for df in at.dataframe for c in df.value.columns for v in df.value[c].tolist() if isinstance(v, str)}


@pytest.mark.parametrize("page", PAGES, ids=[Path(p).stem for p in PAGES])
def test_every_page_shows_file_text_as_text(app, page, beacon):
    at = app(page)
    p = {k: stored(v) for k, v in payloads(beacon.base).items()}
    seen = []                                   # (state name, markdown sources) after each interaction
    seen.append(("page", markdown_sources(at)))
    if page == "views/monitoring.py":
        # the drill-down to each payload village: its name in the heading above the household list
        assert {p["image"], p["img_tag"]} <= table_cells(at)                    # shown, as text, in the table
        at.selectbox(key="drill_village").select(p["image"]).run()
        assert not at.exception
        assert any("\\!\\[v\\]\\(http\\:" in s for _, s in markdown_sources(at)), "the village is named, escaped"
        seen.append((p["image"], markdown_sources(at)))
        for town, village in (("沙桥镇", p["formula"]), ("沙桥镇", p["img_tag_nospace"]), ("五街镇", p["link"])):
            at.selectbox(key="drill_town").select(town).run()
            at.selectbox(key="drill_village").select(village).run()
            assert not at.exception
            seen.append((village, markdown_sources(at)))
            assert f"'{p['formula']}" in table_cells(at) or village != p["formula"]
    if page == "views/projects.py":
        cells = table_cells(at)
        assert p["link"] in cells and f"'{p['formula']}" in cells and f"'{p['content']}" in cells
        assert f"'{p['item']}" in cells and "'=1+1" in cells
    if page == "views/briefing.py":
        at.button(key="make_pack").click().run()
        assert not at.exception, [e.value for e in at.exception]
        preview = "\n".join(s for _, s in markdown_sources(at))
        assert "\\@attack" in preview and "预览" in preview                    # the industry item, escaped
        seen.append(("pack", markdown_sources(at)))
    problems = [msg for state, sources in seen for where, s in sources
                for msg in markdown_problems(f"{page} [{state}] {where}", s, beacon.base)]
    assert problems == []
    assert dataframe_problems(at) == []
    assert beacon.hits == []


def test_md_escapes_every_markdown_and_html_form():
    from views._ui import md

    for raw in ("![v](http://h/x)", "[a](http://h)", "<img src=x>", "<http://h>", "http://h/x", "HTTPS://h", "www.h.cn",
                "WwW.h.cn", "a@b.cn", "mailto:a@b.cn", ":red[x]", ":material/home:", ":smile:", "$x$", "**b**", "`c`",
                "# h", "| a | b |", "~~s~~", "&lt;", "a\n# b", "1. x", "> q", "- l", "<!-- c -->", "\\*"):
        out = md(raw)
        assert out.replace("\\", "").replace(WJ, "") == raw.replace("\n", " ").replace("\\", ""), raw
        assert markdown_problems("md", out, "http://127.0.0.1:1") == [], raw
        tokens = [t for t in _MD.parse(out) if t.type not in ("paragraph_open", "paragraph_close", "inline")]
        assert tokens == [], (raw, tokens)                   # one paragraph of text: no heading, list, quote
    assert md("龙川镇·沙桥村（一组）") == "龙川镇·沙桥村（一组）"                # Chinese text is untouched


def test_chart_data_text_is_not_plotly_html():
    """Through the loader a name has no spaces, so plotly's ``<a href>`` cannot form there, but ``<b>``/``<br>`` can;
    any figure the pages show goes through ``inert_figure`` whatever its builder did."""
    import plotly.graph_objects as go

    from views._ui import inert_figure

    link = "<a href='http://127.0.0.1:1/x'>核对</a>"
    fig = go.Figure(go.Bar(x=[link, "<b>乙</b>", 3], y=[1, 2, 3], name=link, text=["1<br>个", "2", "3"]))
    fig.add_annotation(x=link, y=1, text="口径<br>说明")
    fig.update_layout(title={"text": "标题<br><sup>单位：个</sup>"})
    out = inert_figure(fig)
    assert list(out.data[0].x) == ["&lt;a href='http://127.0.0.1:1/x'&gt;核对&lt;/a&gt;", "&lt;b&gt;乙&lt;/b&gt;", 3]
    assert out.data[0].name.startswith("&lt;a href=") and out.layout.annotations[0].x == out.data[0].x[0]
    assert list(out.data[0].text) == ["1<br>个", "2", "3"] and out.layout.title.text == "标题<br><sup>单位：个</sup>"
    assert list(inert_figure(out).data[0].x) == list(out.data[0].x)       # idempotent
    assert list(fig.data[0].x)[0] == link                                  # the original is left as it was


# ------------------------------------------------------------------------------ (b) a real browser
from tests.test_browser import CHROMIUM, settle, streamlit_server  # noqa: E402


@pytest.fixture(scope="module")
def server(hostile_db, tmp_path_factory):
    with streamlit_server(hostile_db[0], {"RURAL_ARCHIVE_DIR": str(tmp_path_factory.mktemp("archive"))}) as url:
        yield url


from tests.test_browser import browser, page  # noqa: E402,F401

NAV = ["总览", "监测帮扶", "收入", "就业", "项目", "社会救助", "地图", "汇报材料", "数据管理"]
FIND_REFS = """needle => {
  const out = [];
  for (const e of document.querySelectorAll('*')) {
    for (const a of e.attributes) {
      if (/^(href|xlink:href|src|srcset|action|formaction|poster|data|background)$/i.test(a.name) && a.value.includes(needle))
        out.push(e.tagName + ' ' + a.name + '=' + a.value);
      if (/^on/i.test(a.name)) out.push(e.tagName + ' ' + a.name + '=' + a.value);
    }
  }
  return out;
}"""


def references(pg, beacon) -> list[str]:
    return pg.evaluate(FIND_REFS, beacon.base.split("//", 1)[1])


def main_text(pg) -> str:
    return pg.locator('[data-testid="stMain"]').inner_text().replace(WJ, "")


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)")
def test_no_page_fetches_or_links_a_payload(page, server, beacon):
    p = {k: stored(v) for k, v in payloads(beacon.base).items()}
    page.goto(server)
    settle(page)
    found, broken, missing = [], [], []
    for name in NAV:
        page.locator('[data-testid="stSidebarNav"] a', has_text=name).first.click()
        page.wait_for_selector(f'[data-testid="stSidebarNav"] a[aria-current="page"]:has-text("{name}")', timeout=30_000)
        settle(page)
        if page.locator('[data-testid="stException"]').count():
            broken.append(f"{name}: {page.locator('[data-testid=stException]').first.inner_text()[:1500]}")
        if name == "项目":
            page.wait_for_selector(".js-plotly-plot .xtick", timeout=30_000)
            ticks = page.evaluate("Array.from(document.querySelectorAll('.js-plotly-plot .xtick')).map(e => e.textContent)")
            if p["chart_tag"] not in ticks:
                missing.append(f"the category as text among the chart's ticks {ticks}")
        if name == "监测帮扶":
            page.get_by_role("tab", name="逐级查看").click()
            settle(page)
            box = page.locator(".st-key-drill_village input")
            box.scroll_into_view_if_needed()
            box.click()
            box.fill("beacon")                               # the combobox filters its options by what is typed
            page.locator("[role=option]").filter(has_text="beacon").first.click()
            settle(page)
            if f"{p['image']}监测户名单" not in main_text(page):
                missing.append("the village named, as text, above its households")
        if name == "汇报材料":
            page.get_by_role("button", name="生成汇报材料").click()
            page.wait_for_selector('[data-testid="stMain"] :text("预览")', timeout=60_000)
            settle(page)
            if f"完成{p['item']}980亩、{p['image']}500亩" not in main_text(page):
                missing.append("the industry items, as text, in the preview")
        found += [f"{name}: {r}" for r in references(page, beacon)]
        page.wait_for_timeout(300)
    assert found == [], found
    assert broken == [], f"exception on {broken}"
    assert beacon.hits == [], f"the page fetched the beacon: {beacon.hits}"
    assert page.outside == [], f"requests left the machine: {page.outside[:5]}"
    assert page.errors == [], f"script errors in the page: {page.errors[:3]}"
    assert missing == []


# ------------------------------------------------------------------------------ (c) the Excel downloads
def inert_cell_problems(ws) -> list[str]:
    out = []
    for row in ws.iter_rows():
        for cell in row:
            if cell.data_type == "f":
                out.append(f"{ws.title}!{cell.coordinate} is a formula: {cell.value!r}")
            elif isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                out.append(f"{ws.title}!{cell.coordinate} would run as a formula: {cell.value!r}")
    return out


def test_excel_downloads_hold_payloads_as_text(hostile_engine, beacon):
    from openpyxl import load_workbook

    from rural import indicators as ind
    from rural.exports import table_xlsx
    from rural.labels import display

    p = {k: stored(v) for k, v in payloads(beacon.base).items()}
    scope = ind.Scope("2023-06", None, "南华县")
    emp = ind.employment_status(hostile_engine, scope)
    import pandas as pd

    items = pd.DataFrame(emp["indicators"]).rename(columns={"name": "indicator"})
    frames = {
        "projects": ind.project_list(hostile_engine, scope),
        "villages": ind.monitoring_breakdown(hostile_engine, ind.Scope("2023-06", "沙桥镇", "南华县"), "village"),
        "households": ind.household_list(hostile_engine, ind.Scope("2023-06", "沙桥镇", "南华县")),
        "categories": ind.projects_by_category(hostile_engine, scope),
        "employment": items,
    }
    texts = set()
    for name, df in frames.items():
        ws = load_workbook(io.BytesIO(table_xlsx(display(df), f"{p['formula']}标题"))).active
        assert inert_cell_problems(ws) == [], name
        assert ws["A1"].value == f"'{p['formula']}标题"            # a title naming a payload is neutralised too
        texts |= {c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    for payload in (p["formula"], p["content"], p["item"], "=1+1", p["item"] + "类"):
        assert f"'{payload}" in texts, payload
    assert p["link"] in texts and p["image"] in texts and "'-2+3" in texts   # other text as it is

    ws = load_workbook(io.BytesIO(table_xlsx(display(items), "就业"))).active
    head = [c.value for c in ws[2]]
    gap = [r[head.index("与时序进度差（百分点）")] for r in ws.iter_rows(min_row=3)]
    assert [c.value for c in gap] == [-35.0, 15.0] and {c.data_type for c in gap} == {"n"}   # numbers stay numbers

    every = pd.DataFrame({"text": ["=1", "+1", "-1", "@a", "\t=1", "\r1", "＝1", "＋1", "－1", "＠a", " =1", "﹦1", "ok", "—", None],
                          "number": [-1, -2.5, 0, 3, -4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]})
    every["=head"] = "x"
    ws = load_workbook(io.BytesIO(table_xlsx(every, "各种写法"))).active
    assert inert_cell_problems(ws) == []
    assert ws["C2"].value == "'=head"
    column = [(ws.cell(r, 1).value or "").replace("_x000D_", "\r") for r in range(3, 18)]   # how xlsx stores CR
    assert column[:12] == ["'" + v for v in every["text"][:12]]
    assert ws["A15"].value == "ok" and ws["A16"].value == "—"
    assert [ws.cell(r, 2).value for r in range(3, 8)] == [-1, -2.5, 0, 3, -4]
    assert {ws.cell(r, 2).data_type for r in range(3, 18)} == {"n"}


def test_briefing_workbook_holds_payloads_as_text(hostile_engine, beacon):
    from openpyxl import load_workbook

    from rural.briefing import compose, gather, write_xlsx as pack_xlsx
    from rural.indicators import Scope

    p = {k: stored(v) for k, v in payloads(beacon.base).items()}
    b = compose(gather(hostile_engine, Scope("2023-06", None, "南华县"), None))
    buf = io.BytesIO()
    pack_xlsx(b, buf)
    wb = load_workbook(io.BytesIO(buf.getvalue()))
    assert [msg for ws in wb for msg in inert_cell_problems(ws)] == []
    texts = {c.value for ws in wb for row in ws.iter_rows() for c in row if isinstance(c.value, str)}
    assert f"'{p['item']}类" in texts and p["chart_tag"] in texts
    ws = wb["就业"]
    head = [c.value for c in ws[2]]
    gap = [r[head.index("与时序进度差（百分点）")] for r in ws.iter_rows(min_row=3)]
    assert [c.value for c in gap] == [-35.0, 15.0] and {c.data_type for c in gap} == {"n"}
