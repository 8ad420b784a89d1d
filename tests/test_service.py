"""The service functions behind the 数据管理 page, on real files and a real SQLite database."""
from __future__ import annotations

import os
from pathlib import Path
import shutil
import tempfile

import pytest

from etl import service
from etl.pipeline import tables_in
from etl.read import read_file
from rural.db import make_engine
from rural.indicators import Scope, summary
from tests.conftest import ROOT, roster_rows, run_cli, write_xlsx


@pytest.fixture
def engine(sample_db, tmp_path, monkeypatch):
    """A private copy of the sample database (these tests change it) and a private archive."""
    path = tmp_path / "copy.db"
    shutil.copy(sample_db[1], path)
    monkeypatch.setattr(service, "ARCHIVE_DIR", tmp_path / "archive")
    return make_engine(f"sqlite:///{path}")


def corrected_roster(tmp_path, sample_dir):
    """The 2023-04 roster re-sent with one more household eliminated (a corrected file)."""
    rows = roster_rows("南华县防返贫监测对象名单（截至2023年4月）")
    return write_xlsx(tmp_path / "南华县监测对象名单_2023年4月_更正.xlsx", {"名单": rows})


def test_inspect_good_file(engine, sample_dir):
    f = next(p for p in sample_dir.iterdir() if "就业工作完成情况" in p.name and "1-4月" in p.name)
    check = service.inspect_upload(engine, f.name, f.read_bytes())
    assert check.ok and not check.errors
    kinds = {s.kind: s for s in check.sheets}
    assert set(kinds) == {"employment", "welfare_posts"}
    emp = kinds["employment"]
    assert emp.period == "2023-04" and emp.scope == "全县"
    assert list(emp.preview.columns)[:4] == ["乡镇", "指标", "目标任务（人）", "完成数（人）"]
    assert emp.preview["目标任务（人）"].sum() == 3300 + 1400 + 1100
    assert check.already_loaded, "the sample database already holds this very file"
    posts = kinds["welfare_posts"].preview
    assert round(posts["岗位补贴（元）"].sum(), 2) == 2_035_000.00  # units applied: 万元 → 元


def test_inspect_bad_file_reports_place_and_masks_personal_values(engine, tmp_path):
    rows = roster_rows()
    rows[3][1] = "沙侨镇"
    rows[4][6] = "三口人"
    f = write_xlsx(tmp_path / "坏名单.xlsx", {"名单": rows})
    check = service.inspect_upload(engine, f.name, f.read_bytes())
    assert not check.ok
    report = check.report()
    assert {"级别", "文件", "工作表", "行", "列", "单元格", "值", "说明"} <= set(report.columns)
    row = report.iloc[0]
    assert row["级别"] == "错误" and row["行"] == 5 and row["工作表"] == "名单"
    text = report.to_string()
    assert "张小明" not in text and "532324198001010014" not in text


def test_limits_and_types(engine, tmp_path, monkeypatch):
    txt = service.inspect_upload(engine, "名单.txt", b"hello")
    assert "不支持的文件类型" in txt.errors[0].message and ".xlsx、.xls、.csv" in txt.errors[0].hint
    fake = service.inspect_upload(engine, "名单.xlsx", "乡镇,人数\n".encode())
    assert "不是 Excel 工作簿" in fake.errors[0].message
    ref = tmp_path / "ref"
    shutil.copytree(ROOT / "data" / "reference", ref)
    text = (ref / "settings.toml").read_text(encoding="utf-8").replace("max_upload_mb = 200", "max_upload_mb = 0")
    (ref / "settings.toml").write_text(text, encoding="utf-8")
    monkeypatch.setenv("RURAL_REFERENCE_DIR", str(ref))
    big = service.inspect_upload(engine, "名单.xlsx", b"PK\x03\x04" + b"0" * 2048)
    assert "超过上限0MB" in big.errors[0].message


def test_commit_archives_the_original_encrypted_and_leaves_no_temp_file(engine, tmp_path):
    f = write_xlsx(tmp_path / "南华县监测对象名单_2023年4月_更正.xlsx",
                   {"名单": roster_rows("南华县防返贫监测对象名单（截至2023年4月）")})
    data = f.read_bytes()
    tmp = Path(tempfile.gettempdir())
    before = set(os.listdir(tmp))
    result = service.commit_upload(engine, f.name, data)
    assert result.status == "loaded", result.message
    # nothing of the upload is written to a temporary file: the only new entry allowed is the reader
    # sandbox's multiprocessing folder, which holds its socket and no regular file
    new = set(os.listdir(tmp)) - before
    assert all(n.startswith("pymp-") for n in new), new
    assert not [p for n in new for p in (tmp / n).rglob("*") if p.is_file()]
    stored = list((tmp_path / "archive").iterdir())
    assert len(stored) == 1 and stored[0].name.startswith(service.sha256_of(data))
    raw = stored[0].read_bytes()
    assert data not in raw and "张小明".encode() not in raw and b"532324198001010014" not in raw
    assert service.archived(service.sha256_of(data)) == data


def test_undo_and_redo_restore_exact_figures(engine, tmp_path):
    s = Scope("2023-04")
    original = summary(engine, s)
    f = write_xlsx(tmp_path / "南华县监测对象名单_2023年4月_更正.xlsx",
                   {"名单": roster_rows("南华县防返贫监测对象名单（截至2023年4月）")})
    result = service.commit_upload(engine, f.name, f.read_bytes())
    corrected = summary(engine, s)
    assert corrected["monitoring"]["households"] == 3 and result.batches[0]["superseded"]
    batch = result.batches[0]["batch"]
    assert "已撤销批次" in service.undo(engine, batch)
    assert summary(engine, s) == original
    hist = service.history(engine).set_index("id")
    assert hist.loc[batch, "status"] == "undone"
    assert hist.loc[result.batches[0]["superseded"][0], "status"] == "active"
    assert "已恢复批次" in service.redo(engine, batch)
    assert summary(engine, s) == corrected
    with pytest.raises(service.LoadError):
        service.redo(engine, batch)


def test_undo_redo_cli(sample_db, tmp_path):
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    shutil.copy(sample_db[1], tmp_path / "cli.db")
    proc = run_cli("etl", "undo", "1", "--db", url, check=True)
    assert "已撤销批次 #1" in proc.stdout
    assert run_cli("etl", "undo", "1", "--db", url).returncode == 1
    assert "已恢复批次 #1" in run_cli("etl", "redo", "1", "--db", url, check=True).stdout
    assert "已撤销" not in run_cli("etl", "batches", "--db", url, check=True).stdout


@pytest.mark.parametrize("layout", sorted(service.template_layouts()))
def test_templates_are_recognised_and_load_when_filled(layout, engine, tmp_path):
    data = service.template_xlsx(layout, "南华县")
    path = tmp_path / f"{layout}.xlsx"
    path.write_bytes(data)
    sheets = read_file(path)
    assert [s.name for s in sheets][-1] == "填报说明"
    (t,) = tables_in(path)
    assert t.layout.name == layout and not t.mapping.unused and not t.mapping.conflicts
    empty = service.inspect_upload(engine, path.name, data)
    assert "没有数据行" in empty.errors[0].message


def test_filled_template_loads(engine, tmp_path):
    import openpyxl

    path = tmp_path / "就业模板.xlsx"
    path.write_bytes(service.template_xlsx("employment", "南华县"))
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    ws.append(["龙川镇", "城镇新增就业", 100, 60, None])
    wb.save(path)
    result = service.commit_upload(engine, path.name, path.read_bytes(), period="2023-05")
    assert result.status == "loaded", result.message
    assert result.batches[0]["kind"] == "employment" and result.batches[0]["period"] == "2023-05"


def test_provenance_names_the_files(engine):
    src = service.provenance(engine, "2023-06")
    files = dict(zip(src["数据"], src["文件"]))
    assert files["监测对象"] == "南华县防返贫监测对象人员明细（截至2023年6月）.xlsx"
    assert files["就业"] == "南华县2023年1-4月就业工作完成情况表.xlsx"
