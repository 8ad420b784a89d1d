"""One status vocabulary: the word, symbol and colour of every status, its level, and the thresholds that
decide it (``data/reference/status.toml``). Cards, the attention list, charts, tables, the Excel pack, the
Word briefing and the slides all take their status words from here, so an item says the same everywhere."""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rural.settings import reference_path


@dataclass(frozen=True)
class Level:
    key: str
    name: str
    symbol: str
    colour: str
    rank: int
    streamlit: str = "gray"     # the colour name a page gives a card's delta at this level


@dataclass(frozen=True)
class Status:
    key: str
    word: str
    level: Level
    rule: str

    @property
    def mark(self) -> str:
        """``▲ 滞后``: the symbol (for colour-blind readers and print) and the word."""
        return f"{self.level.symbol} {self.word}"


@lru_cache(maxsize=8)
def _load(path: str) -> tuple[dict[str, Level], dict[str, Status], dict[str, float], dict]:
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    levels = {k: Level(k, v["name"], v["symbol"], v["colour"], int(v["rank"]), v.get("streamlit", "gray"))
              for k, v in raw["levels"].items()}
    unknown = sorted({v["level"] for v in raw["statuses"].values()} - set(levels))
    if unknown:
        raise ValueError(f"status.toml：状态用了未定义的等级 {'、'.join(unknown)}")
    statuses = {k: Status(k, v["word"], levels[v["level"]], v.get("rule", "")) for k, v in raw["statuses"].items()}
    return levels, statuses, {k: float(v) for k, v in raw.get("thresholds", {}).items()}, dict(raw.get("freshness", {}))


def _all():
    return _load(str(reference_path("status.toml")))


def report_every_months(kind: str) -> int:
    """How often a source kind is reported, in months counted from January (``[freshness]``)."""
    f = _all()[3]
    return int(f.get("every_months", {}).get(kind, f.get("default_every_months", 1)))


def status(key: str) -> Status:
    return _all()[1][key]


def level(key: str) -> Level:
    return _all()[0][key]


def levels() -> list[Level]:
    """The levels, most urgent first."""
    return sorted(_all()[0].values(), key=lambda lv: lv.rank)


def statuses() -> dict[str, Status]:
    return dict(_all()[1])


def threshold(name: str) -> float:
    return _all()[2][name]


def word(key: str) -> str:
    return status(key).word


def mark(key: str) -> str:
    return status(key).mark


def colour(key: str) -> str:
    """The colour of a status (or of a level, by its key)."""
    levels_, statuses_ = _all()[:2]
    return statuses_[key].level.colour if key in statuses_ else levels_[key].colour
