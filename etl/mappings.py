"""A clerk's mapping, saved once: for a header layout the loader cannot place by itself, which kind it is
and which field each needed column means. Stored in the database (``column_mapping``), keyed by the
header's signature, and used by itself the next time a sheet with the same header arrives.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.engine import Engine

from etl.errors import LoadError, Problem
from etl.layouts import Reference, reference
from etl.find import SCAN_ROWS
from etl.mapping import MAX_LEVELS, Column, header_columns
from etl.read import RawSheet
from rural.db import ColumnMapping
from rural.reference import norm_text

CM = ColumnMapping.__table__


def signature(columns: list[Column]) -> str:
    """The header's fingerprint: its normalized column texts, in order."""
    text = "|".join(norm_text(c.text) for c in columns)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def candidates(sheet: RawSheet) -> list[tuple[list[int], list[Column]]]:
    """Every header block (1–3 rows) near the top of a sheet, with its columns."""
    frame = sheet.frame
    out = []
    for r in range(min(len(frame), SCAN_ROWS)):
        if frame.iloc[r].notna().sum() < 2:
            continue
        for k in range(1, MAX_LEVELS + 1):
            rows = list(range(r, r + k))
            if rows[-1] >= len(frame):
                break
            out.append((rows, header_columns(frame, rows, sheet.columns, sheet.first_row)))
    return out


def all_mappings(engine: Engine) -> dict[str, dict]:
    with engine.connect() as conn:
        rows = conn.execute(select(CM)).mappings().all()
    return {r["signature"]: {"id": r["id"], "layout": r["kind"], "fields": json.loads(r["fields"]),
                             "headers": json.loads(r["headers"]), "example_file": r["example_file"],
                             "created_at": r["created_at"], "note": r["note"]} for r in rows}


def match(sheet: RawSheet, saved: dict[str, dict], ref: Reference) -> dict | None:
    """The saved mapping whose header signature one of the sheet's header blocks has."""
    if not saved:
        return None
    for rows, cols in candidates(sheet):
        found = saved.get(signature(cols))
        if found is not None and found["layout"] in {lay.name for lay in ref.layouts}:
            return found | {"header_rows": rows}
    return None


def save(engine: Engine, columns: list[Column], layout: str, fields: dict[str, str], example_file: str = "",
         note: str = "") -> int:
    """Save (or replace) the mapping of a header; ``fields`` maps a column's header text to a field name."""
    ref = reference()
    lay = ref.layout(layout)
    names = {f.name for f in lay.fields}
    bad = [f for f in fields.values() if f and f not in names and f not in ("-", "忽略")]
    if bad:
        raise LoadError(Problem(f"“{lay.label}”没有字段：{'、'.join(bad)}（可用：{lay.expected()}）"))
    from etl.load import write_transaction

    sig = signature(columns)
    with write_transaction(engine) as conn:
        conn.execute(delete(CM).where(CM.c.signature == sig))
        new_id = conn.execute(CM.insert().values(
            signature=sig, kind=layout, fields=json.dumps(fields, ensure_ascii=False),
            headers=json.dumps([c.text for c in columns], ensure_ascii=False), example_file=example_file,
            created_at=datetime.now().replace(microsecond=0), note=note)).inserted_primary_key[0]
    return int(new_id)


def remove(engine: Engine, mapping_id: int) -> bool:
    from etl.load import write_transaction

    with write_transaction(engine) as conn:
        return conn.execute(delete(CM).where(CM.c.id == int(mapping_id))).rowcount > 0


def table(engine: Engine) -> pd.DataFrame:
    """Saved mappings for display: id, kind, example file, the header, the fields assigned."""
    ref = reference()
    labels = {lay.name: lay.label for lay in ref.layouts}
    rows = []
    for sig, m in all_mappings(engine).items():
        rows.append({"编号": m["id"], "表格": labels.get(m["layout"], m["layout"]), "示例文件": m["example_file"],
                     "表头": "｜".join(m["headers"]), "指定的列": "；".join(f"{h} → {f or '忽略'}" for h, f in m["fields"].items()),
                     "保存时间": str(m["created_at"]), "签名": sig[:12]})
    return pd.DataFrame(rows, columns=["编号", "表格", "示例文件", "表头", "指定的列", "保存时间", "签名"])


def parse_cli(items: list[str]) -> dict[str, str]:
    """``--map 列名=字段`` items → {header: field}."""
    out = {}
    for item in items or []:
        if "=" not in item:
            raise LoadError(Problem(f"--map 的写法应为“列名=字段”，而不是“{item}”"))
        k, v = item.split("=", 1)
        out[k.strip()] = v.strip()
    return out
