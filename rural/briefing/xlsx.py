"""The Excel pack: one sheet per table of the content."""
from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from rural import periods

from rural.briefing.content import Briefing


def write_xlsx(b: Briefing, path: Path | io.BytesIO) -> None:
    from rural.exports import write_sheet

    when = periods.label(b.scope.as_of)
    with pd.ExcelWriter(path, engine="xlsxwriter") as writer:
        for name, df in b.tables.items():
            write_sheet(writer, df, name, f"{b.scope.county}{b.scope.township or ''}{name}（截至{when}）")
