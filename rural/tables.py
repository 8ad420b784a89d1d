"""The tables behind the pages that the Excel pack carries too, built once from an indicator function's output:
a page and the pack take them from here, so their rows, columns and names cannot drift apart. (Headings and the
number style are :func:`rural.labels.display`'s and :mod:`rural.numbers`'; nothing here computes a figure.)"""
from __future__ import annotations

import pandas as pd

from rural import catalogue


def employment_rows(emp: dict) -> pd.DataFrame:
    """``employment_status``: one row per indicator, with the report's time progress beside it."""
    cols = ["indicator", "target", "done", "completion_pct", "time_progress_pct", "gap_pct", "status"]
    rows = [{"indicator": i["name"], "time_progress_pct": emp["time_progress_pct"], **{k: i[k] for k in cols if k in i}}
            for i in emp.get("indicators", [])]
    return pd.DataFrame(rows, columns=cols)


def assistance_rows(asst: dict) -> pd.DataFrame:
    """``assistance_by_type``: person-times and amount by type."""
    return pd.DataFrame([{"type": t["name"], "person_times": t["person_times"], "amount_wan": t["amount_wan"]}
                         for t in asst.get("types", [])], columns=["type", "person_times", "amount_wan"])


def share_rows(shares: dict) -> pd.DataFrame:
    """``project_shares``: the library and the integrated-funds plan, each named as the catalogue names its source."""
    rows = [{"name": catalogue.measure(f"{k}_share").source_name or k, **v}
            for k in ("library", "integrated") if (v := shares.get(k))]
    return pd.DataFrame(rows)
