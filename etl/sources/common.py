"""Vocabulary and helpers shared by the source modules."""
from __future__ import annotations

import hashlib
import hmac

import pandas as pd

from etl.errors import Problem

def household_key(secret: str, id_number: str) -> str:
    """Keyed hash (HMAC-SHA256) of an ID number: a stable household key that reveals nothing."""
    digest = hmac.new(secret.encode("utf-8"), id_number.upper().encode("utf-8"), hashlib.sha256).hexdigest()
    return "H" + digest[:23]


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number_ok(text: str) -> bool:
    """18-character resident ID with a correct ISO 7064 MOD 11-2 check digit."""
    t = text.upper()
    if len(t) != 18 or not t[:17].isdigit():
        return False
    total = sum(int(c) * w for c, w in zip(t[:17], _ID_WEIGHTS))
    return "10X98765432"[total % 11] == t[17]


def keys_from_ids(ids: pd.Series, secret: str) -> pd.Series:
    return ids.map(lambda v: household_key(secret, v), na_action="ignore")


def ids_ok(ids: pd.Series) -> pd.Series:
    """:func:`id_number_ok` for a whole column (numpy, no Python per cell)."""
    import numpy as np

    s = ids.astype("string").str.upper()
    shape = s.str.fullmatch(r"\d{17}[\dX]").fillna(False).astype(bool)
    ok = pd.Series(False, index=ids.index)
    good = s[shape]
    if len(good):
        raw = np.frombuffer("".join(good.tolist()).encode("ascii"), dtype=np.uint8).reshape(-1, 18)
        total = ((raw[:, :17] - 48).astype(np.int64) * np.array(_ID_WEIGHTS)).sum(axis=1) % 11
        expected = np.frombuffer(b"10X98765432", dtype=np.uint8)[total]
        ok[good.index] = expected == raw[:, 17]
    return ok


def id_warnings(ids: pd.Series, rows: pd.Series, ctx, column: str) -> list[Problem]:
    """Malformed ID numbers are reported as warnings (masked), never stored."""
    present = ids.dropna()
    bad = present[~ids_ok(present)]
    out = []
    if len(bad):
        first = bad.index[0]
        out.append(Problem(f"有{len(bad)}个证件号码格式或校验位不正确（如第{rows[first]}行），请核对", file=ctx.file,
                           sheet=ctx.sheet, row=int(rows[first]), column=column, level="warning"))
    return out
