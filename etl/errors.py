"""Domain errors that carry their place: file, sheet, row, column and the offending value."""
from __future__ import annotations

from dataclasses import dataclass


def col_letter(index: int) -> str:
    """0-based column index → Excel letters (0 → A)."""
    s, n = "", index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def mask(value: str, personal: bool = True) -> str:
    """Mask a personal value: keep the first character (and last two of long ids)."""
    v = str(value)
    if not personal or not v:
        return v
    if len(v) >= 15:
        return v[:4] + "*" * (len(v) - 6) + v[-2:]
    return v[0] + "*" * max(1, len(v) - 1)


@dataclass
class Problem:
    """One error or warning, placed in the source."""

    message: str
    file: str = ""
    sheet: str = ""
    row: int | None = None       # 1-based sheet row
    column: str = ""             # header text
    col: int | None = None       # 0-based column index
    value: str = ""
    hint: str = ""
    level: str = "error"         # error | warning

    @property
    def cell(self) -> str:
        if self.row is None:
            return ""
        return f"{col_letter(self.col)}{self.row}" if self.col is not None else f"第{self.row}行"

    def text(self) -> str:
        place = []
        if self.file:
            place.append(f"文件“{self.file}”")
        if self.sheet:
            place.append(f"工作表“{self.sheet}”")
        if self.row is not None:
            place.append(f"第{self.row}行")
        if self.column:
            place.append(f"“{self.column}”列" + (f"（{self.cell}）" if self.col is not None else ""))
        elif self.col is not None and self.row is not None:
            place.append(f"单元格{self.cell}")
        s = "，".join(place)
        s = f"{s}：{self.message}" if s else self.message
        if self.value != "":
            s += f"（值：“{self.value}”）"
        if self.hint:
            s += f"。{self.hint}"
        return s

    def as_row(self) -> dict:
        return {"级别": "错误" if self.level == "error" else "提醒", "文件": self.file, "工作表": self.sheet,
                "行": self.row, "列": self.column, "单元格": self.cell, "值": self.value,
                "说明": self.message + (f"。{self.hint}" if self.hint else "")}


class LoadError(Exception):
    """A file that cannot be loaded; holds one or more placed problems."""

    def __init__(self, problems: list[Problem] | Problem):
        self.problems = problems if isinstance(problems, list) else [problems]
        super().__init__(self.problems[0].text())

    def text(self, limit: int = 20) -> str:
        lines = [p.text() for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"……另有{len(self.problems) - limit}处问题未列出")
        return "\n".join(lines)
