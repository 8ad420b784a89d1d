"""Chart builders: each figure's data equals its indicator's output; titles, units, as-of, 口径; pictures."""
from __future__ import annotations

import struct

import pytest

from rural import charts, indicators as ind
from rural.catalogue import CATALOGUE
from rural.indicators import Scope

S = Scope("2023-06")


def test_elimination_by_township_plots_the_indicator(sample_engine):
    df = ind.monitoring_breakdown(sample_engine, S, "township")
    fig = charts.elimination_by_township(df, 73.10, "2023-06")
    bars = fig.data[0]
    assert dict(zip(bars.y, bars.x)) == dict(zip(df["name"], df["elimination_rate_people"]))
    assert "截至2023年6月" in fig.layout.title.text and "单位：%" in fig.layout.title.text
    assert any("口径" in a.text for a in fig.layout.annotations)


def test_employment_progress_plots_completion_and_time_progress(sample_engine):
    status = ind.employment_status(sample_engine, S)
    fig = charts.employment_progress(status, "2023-06")
    bars = fig.data[0]
    assert dict(zip(bars.y, bars.x)) == {"城镇新增就业": 53.30, "下岗失业人员再就业": 24.50, "就业困难人员再就业": 16.64}
    assert [s.x0 for s in fig.layout.shapes] == [33.33]
    labels = " ".join(bars.text)
    assert "超序时" in labels and "严重滞后" in labels  # status in words, not colour alone
    assert "2023年1-4月" in fig.layout.title.text


def test_income_trend_plots_series(sample_engine):
    df = ind.income_series(sample_engine, S)
    fig = charts.income_trend(df, "2023-06")
    years, halves = fig.data
    assert list(years.y) == [14762.57, 16890.43] and list(halves.y) == [7986.54, 9402.56]
    assert "同比增长14.41%" in years.text[1] and "同比增长17.73%" in halves.text[1]


def test_project_shares_with_reference_line(sample_engine):
    shares = ind.project_shares(sample_engine, S)
    fig = charts.project_shares(shares, "2023-06")
    assert list(fig.data[0].y) == [82.00, 71.27]
    assert fig.layout.shapes[0].y0 == 60.0


def test_assistance_and_platform(sample_engine):
    asst = ind.assistance_by_type(sample_engine, S)
    fig = charts.assistance_by_type(asst["types"], "2023-06")
    assert list(fig.data[0].y) == [29.28, 946.14, 334.38, 31.42, 163.28]
    assert list(fig.data[0].text) == ["29.28万元<br>658人次", "946.14万元<br>34,575人次", "334.38万元<br>3,252人次",
                                      "31.42万元<br>656人次", "163.28万元<br>19,952人次"]
    assert fig.layout.yaxis.range[0] == 0 and len(fig.data) == 1   # one axis from zero: nothing to cross
    pf = ind.platform_summary(sample_engine, S)
    fig = charts.platform(pf, "2023-06")
    assert list(fig.data[0].y) == [427, 399]


def test_every_chart_names_a_catalogued_indicator(sample_engine):
    figs = [
        charts.elimination_trend(ind.monitoring_trend(sample_engine, S), "2023-06"),
        charts.monitoring_composition(ind.monitoring_breakdown(sample_engine, S, "category"), "类别", "2023-06"),
        charts.income_by_township(ind.income_by_township(sample_engine, S), 16890.43, "2023-06"),
        charts.projects_by_category(ind.projects_by_category(sample_engine, S), "项目库", "2023-06"),
        charts.assistance_trend(ind.assistance_trend(sample_engine, S), "2023-06"),
        charts.industry_items(ind.industry_items(sample_engine, S), "2023-06"),
        charts.work_by_township(ind.work_by_township(sample_engine, S), "2023-06"),
    ]
    for fig in figs:
        key = fig.layout.meta["indicator"]
        assert key in CATALOGUE and CATALOGUE[key].definition and CATALOGUE[key].unit
        assert "单位：" in fig.layout.title.text


def test_catalogue_entries_are_complete():
    for key, entry in CATALOGUE.items():
        assert entry.name and entry.definition and entry.unit and entry.source and entry.formula, key


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


@pytest.mark.timeout(180)
def test_png_at_print_resolution_with_chinese(sample_engine):
    from rural.render import png

    fig = charts.employment_progress(ind.employment_status(sample_engine, S), "2023-06")
    data = png(fig)
    assert png_size(data) == (2000, 2 * fig.layout.height)
    i = data.index(b"pHYs")
    ppm_x, ppm_y, unit = struct.unpack(">IIB", data[i + 4:i + 13])
    assert unit == 1 and round(ppm_x * 0.0254) == 300
    assert len(data) > 30_000  # a real picture, not an empty canvas
