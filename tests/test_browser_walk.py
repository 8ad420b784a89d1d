"""Every page in a real Chromium at a desk size (1366×768) and a phone size (390×844), as an official reads it.

Fails on a KPI value cut short, an English UI string from :data:`ENGLISH`, a map without township names, a
console error, an exception box, a server path on a page, or a request leaving the machine. On the phone the
sidebar starts collapsed and the cockpit's first screen holds the headline figures and the attention list.
Screenshots of every page at both sizes go to ``test-output/walk/``.
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from tests.conftest import ROOT
from tests.test_browser import CHROMIUM, Path, offline, private_copy, session_cookie, settle, streamlit_server
from tests.test_browser import browser  # noqa: F401

pytestmark = [pytest.mark.timeout(600),
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian's chromium (make test installs it)")]

OUT = ROOT / "test-output" / "walk"
SIZES = {"desk": (1366, 768), "phone": (390, 844)}
PHONE_UA = ("Mozilla/5.0 (Linux; Android 13; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/120.0 Mobile Safari/537.36")
PAGES = {"": "总览", "monitoring": "监测帮扶", "income": "收入", "employment": "就业", "projects": "项目",
         "assistance": "社会救助", "thriving": "产业兴旺", "ecology": "生态宜居", "civility": "乡风文明",
         "governance": "治理有效", "prosperity": "生活富裕", "map": "地图", "briefing": "汇报材料", "data": "数据管理"}

# English a Streamlit or plotly widget shows unless the page sets its own words. Whole-word matches in visible
# text, placeholders, tooltips (title / data-title) and accessible labels of what an official can reach.
ENGLISH = ["Upload", "Browse files", "Drag and drop", "per file", "Choose an option", "Choose options",
           "No options to select", "No results", "Select all", "Download plot", "Reset axes", "Zoom in", "Zoom out",
           "Autoscale", "Pan", "Box Select", "Lasso Select", "Produced with Plotly", "Toggle Spike Lines",
           "Show closest data on hover", "Compare data on hover", "Download as CSV", "Running...", "Press Enter",
           "Please enter", "Made with Streamlit", "Deploy", "Rerun", "Clear caches", "Settings", "Print",
           "Record a screencast", "About", "Developer options", "Clear", "Close", "Loading", "Search", "Fullscreen", "Help for", "file upload"]
# Streamlit's own element toolbar (dataframe search / fullscreen / CSV) and the screen-reader labels of a help
# icon or the file input keep English the library does not let a page set (tooltips and aria-labels only);
# they are listed here so the list stays honest.
NOT_SETTABLE = {"Download as CSV", "Search", "Fullscreen", "Close", "Help for", "file upload"}

VISIBLE_STRINGS = r"""() => {
  const out = [];
  const visible = el => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none' && s.opacity !== '0'; };
  const app = document.querySelector('[data-testid=stApp]');
  const walker = document.createTreeWalker(app, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) { const n = walker.currentNode; const el = n.parentElement;
    if (el && n.textContent.trim() && visible(el)) out.push(['text', n.textContent.trim()]); }
  for (const el of app.querySelectorAll('*')) {
    if (!visible(el)) continue;
    for (const a of ['placeholder', 'title', 'data-title', 'aria-label'])
      if (el.getAttribute(a)) out.push([a, el.getAttribute(a)]);
    for (const pseudo of ['::before', '::after']) { const c = getComputedStyle(el, pseudo).content;
      if (c && c !== 'none' && c !== 'normal') out.push(['css', c]); }
  }
  return out;
}"""

CUT_METRICS = r"""() => Array.from(document.querySelectorAll('[data-testid=stMetricValue], [data-testid=stMetricLabel], [data-testid=stMetricDelta], [data-testid=stMetricDeltaDescription]'))
  .flatMap(m => [m, ...m.querySelectorAll('*')])
  .filter(el => el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1
                || /…$/.test(el.textContent))
  .map(el => el.closest('[data-testid=stMetric]').innerText.replace(/\n/g, ' '))"""


def english_in(strings: list[list[str]]) -> list[str]:
    found = []
    for where, s in strings:
        for word in ENGLISH:
            if word in NOT_SETTABLE and where in ("title", "aria-label"):
                continue
            if re.search(rf"(?<![A-Za-z]){re.escape(word)}(?![A-Za-z])", s):
                found.append(f"{word!r} in {where}: {s[:80]!r}")
    return found


@pytest.fixture(scope="module")
def server(sample_db, tmp_path_factory):
    with streamlit_server(private_copy(sample_db, tmp_path_factory)) as url:
        yield url


def probe(url: str) -> bool:
    """Streamlit's client, opened on a page's own address (a bookmark), looks for the server's base path by
    asking ``/<page>/_stcore/health`` first; that 404 is the library's, not an error of ours."""
    path = urlparse(url).path
    return path.endswith(("/_stcore/health", "/_stcore/host-config")) and path.count("/") > 2


def open_context(browser, server: str, size: str):
    w, h = SIZES[size]
    extra = {"is_mobile": True, "has_touch": True, "user_agent": PHONE_UA} if size == "phone" else {}
    context = browser.new_context(viewport={"width": w, "height": h}, locale="zh-CN", accept_downloads=True, **extra)
    context.add_cookies([session_cookie(server)])
    pg = offline(context.new_page())
    pg.on("console", lambda msg: msg.type == "error" and not probe(msg.location.get("url", ""))
          and pg.errors.append(f"console: {msg.text} {msg.location.get('url', '')}"))
    pg.on("response", lambda r: r.status >= 400 and not probe(r.url) and pg.errors.append(f"HTTP {r.status}: {r.url}"))
    return context, pg


def full_screenshot(pg, name: str, size: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    w, h = SIZES[size]
    height = pg.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    pg.set_viewport_size({"width": w, "height": min(max(height + 40, h), 9000)})
    pg.wait_for_timeout(500)
    pg.screenshot(path=str(OUT / f"{name}_{w}x{h}.png"))
    pg.set_viewport_size({"width": w, "height": h})
    pg.wait_for_timeout(300)


def hover_every_chart_toolbar(pg) -> list[list[str]]:
    """The chart toolbars appear on hover; their buttons' tooltips are what an official reads."""
    strings = []
    charts = pg.locator('[data-testid="stPlotlyChart"]:visible')
    for i in range(min(charts.count(), 3)):
        charts.nth(i).scroll_into_view_if_needed()
        charts.nth(i).hover()
        pg.wait_for_timeout(200)
        buttons = charts.nth(i).locator(".modebar-btn")
        titles = [buttons.nth(k).get_attribute("data-title") or "" for k in range(buttons.count())]
        assert titles, "a chart toolbar without buttons"
        strings += [["data-title", t] for t in titles]
    return strings


@pytest.mark.parametrize("size", list(SIZES))
def test_walk_every_page(browser, server, sample_db, size):
    from tests.test_map import assert_labels_drawn, deck_state, expected_names

    context, pg = open_context(browser, server, size)
    problems: list[str] = []
    try:
        for path, title in PAGES.items():
            pg.goto(f"{server}/{path}")
            settle(pg)
            if path == "map":
                pg.locator('[data-testid="stDeckGlJsonChart"]').scroll_into_view_if_needed()
                assert_labels_drawn(deck_state(pg), expected_names(sample_db))
            main = pg.locator('[data-testid="stMain"]').inner_text()
            assert len(main) > 40 and (not path or f"/{path}" in pg.url), f"{title}: page did not open"
            if pg.locator('[data-testid="stException"]').count():
                problems.append(f"{title}: exception box")
            for bit in (str(ROOT), "/tmp/", "/work/", "data/reference", "site-packages", ".py\"", "Traceback"):
                if bit in main:
                    problems.append(f"{title}: server path or trace {bit!r} shown")
            problems += [f"{title}: KPI cut short: {m}" for m in pg.evaluate(CUT_METRICS)]
            strings = pg.evaluate(VISIBLE_STRINGS)
            if pg.locator('[data-testid="stPlotlyChart"]:visible').count():
                strings += hover_every_chart_toolbar(pg)
                modebar = pg.locator('[data-testid="stPlotlyChart"]:visible .modebar-btn')
                kinds = {modebar.nth(k).get_attribute("data-title") for k in range(modebar.count())}
                if kinds - {"保存当前视图为图片", "还原坐标轴"}:
                    problems.append(f"{title}: chart toolbar holds {sorted(kinds)}")
            if path == "data":   # the uploader's own words, and an empty choice list
                strings += [["text", pg.locator('[data-testid="stFileUploaderDropzone"]').inner_text()]]
            problems += [f"{title}: English {e}" for e in english_in(strings)]
            full_screenshot(pg, title, size)
        assert pg.errors == [], pg.errors[:5]
        assert pg.outside == [], f"requests left the machine: {pg.outside[:5]}"
    finally:
        context.close()
    assert problems == [], "\n".join(problems)


def test_phone_first_screen(browser, server):
    """The sidebar starts collapsed; the cockpit's first screen shows the headline figures and the attention list."""
    context, pg = open_context(browser, server, "phone")
    try:
        pg.goto(server)
        settle(pg)
        sidebar = pg.locator('[data-testid="stSidebar"]')
        box = sidebar.bounding_box()
        assert sidebar.get_attribute("data-collapsed") == "true" and (box is None or box["x"] + box["width"] <= 1), box
        _, h = SIZES["phone"]
        metrics = pg.locator('[data-testid="stMetric"]')
        assert metrics.count() >= 4
        first_four = [metrics.nth(k).bounding_box() for k in range(4)]
        assert all(b["y"] + b["height"] <= h for b in first_four), first_four
        attention = pg.get_by_text("需要关注的事项", exact=False).first.bounding_box()
        assert attention["y"] + attention["height"] <= h, attention
        assert pg.errors == [] and pg.outside == []
    finally:
        context.close()
