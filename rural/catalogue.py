"""The indicator catalogue (``data/reference/indicators.toml``): every indicator, built-in and county-defined,
written once — its name, 口径, unit and precision, source, how the county figure is made, direction, status
rule and target, area and section, chart, and where it appears (cockpit, map, briefing, Excel).

Pages, cockpit cards, the attention list, the map's indicator list, the Excel pack, the Word briefing and the
slides take names and units from here; a test checks that every indicator function has an entry and that no
entry names something that does not exist. Read again when the file changes (a label changed in the file is
changed on every page and export).
"""
from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

from rural.settings import reference_path

AGGREGATES = ("sum", "ratio", "weighted", "count", "latest")
DIRECTIONS = ("up", "down", "none")
STATUS_RULES = ("target", "time_progress", "reference", "none")
CHARTS = ("line", "bar")
COMPARES = ("snapshot", "ytd", "annual")
CUSTOM_KIND = "indicators"          # the source kind of county-defined indicators (指标数据)


class CatalogueError(ValueError):
    """A catalogue entry that cannot be used; the message says which entry and which field, in Chinese."""


@dataclass(frozen=True)
class Area:
    key: str
    name: str
    page: str = ""              # a built-in page's url path; "" for a generic area page
    requirement: bool = False   # one of the five requirements of rural revitalization
    order: int = 0


@dataclass(frozen=True)
class Measure:
    """One value an indicator function gives (a headline, a map column): what cards, comparisons and the map use."""

    key: str
    name: str
    unit: str
    indicator: str
    compare: str | None = None       # snapshot | ytd | annual: how two reports compare (see indicators.changes)
    cumulative: bool = False         # a year-to-date total (it grows by itself)
    cockpit: bool = False
    map: bool = False
    headline: bool = True
    card: str = ""                   # the card's label when it names its period ({year}, {period})
    source_name: str = ""            # how a table names the source of this value (项目库, 统筹整合资金规划)
    kind: str = ""                   # its source kind when not the indicator's
    direction: str = ""

    def card_label(self, **values) -> str:
        return self.card.format(**values) if self.card else self.name


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str
    definition: str                  # 口径
    unit: str
    source: str                      # the report it comes from, in words
    formula: str
    kind: str = ""                   # its source kind (rules.toml kind_labels; county indicators: "indicators")
    precision: int = 2
    aggregate: str = "sum"
    direction: str = "up"
    status: str = "none"
    targets: dict = field(default_factory=dict, hash=False, compare=False)   # year → Decimal
    reference: Decimal | None = None
    area: str = ""
    section: str = ""
    chart: str = "bar"
    cockpit: bool = False
    map: bool = False
    excel: bool = True
    briefing: str = ""               # the briefing's sentence template (county indicators)
    function: str = ""               # the indicator function (built-in); "" for a county indicator
    aliases: tuple[str, ...] = ()
    measures: tuple[Measure, ...] = ()
    measure_template: dict = field(default_factory=dict, hash=False, compare=False)
    count_at_least: Decimal | None = None

    @property
    def custom(self) -> bool:
        """A county-defined indicator (loaded from 指标数据 sheets), not computed by a built-in function."""
        return not self.function

    def target(self, year: int | str) -> Decimal | None:
        return self.targets.get(int(str(year)[:4]))


@dataclass(frozen=True)
class Catalogue:
    areas: dict[str, Area]
    indicators: dict[str, Indicator]
    functions: dict[str, str] = field(default_factory=dict, hash=False, compare=False)   # other function → entry

    def measures(self) -> list[Measure]:
        return [m for i in self.indicators.values() for m in i.measures]


def _bool(d: dict, key: str, where: str, default: bool = False) -> bool:
    v = d.get(key, default)
    if not isinstance(v, bool):
        raise CatalogueError(f"{where}：{key} 应为 true 或 false，而不是“{v}”")
    return v


def _choice(d: dict, key: str, allowed: tuple, where: str, default: str) -> str:
    v = d.get(key, default)
    if v not in allowed:
        raise CatalogueError(f"{where}：{key} = “{v}”不可用（可用：{'、'.join(allowed)}）")
    return v


def _decimal(v, where: str) -> Decimal:
    try:
        return Decimal(str(v))
    except Exception:   # noqa: BLE001
        raise CatalogueError(f"{where}：“{v}”不是数字") from None


def _measure(d: dict, indicator: str, where: str) -> Measure:
    for k in ("key", "name", "unit"):
        if not d.get(k):
            raise CatalogueError(f"{where}：measures 的每一项都要写 {k}")
    compare = d.get("compare")
    if compare is not None and compare not in COMPARES:
        raise CatalogueError(f"{where}：measures 中 {d['key']} 的 compare = “{compare}”不可用（可用：{'、'.join(COMPARES)}）")
    return Measure(d["key"], d["name"], d["unit"], indicator, compare, bool(d.get("cumulative", False)),
                   bool(d.get("cockpit", False)), bool(d.get("map", False)), bool(d.get("headline", True)),
                   d.get("card", ""), d.get("source_name", ""), d.get("kind", ""), d.get("direction", ""))


def _indicator(key: str, d: dict, areas: dict[str, Area]) -> Indicator:
    where = f"indicators.toml [indicators.{key}]"
    for k in ("name", "definition", "unit", "source", "formula", "area"):
        if not d.get(k):
            raise CatalogueError(f"{where}：缺少 {k}（{'名称' if k == 'name' else '口径' if k == 'definition' else k}）")
    if d["area"] not in areas:
        raise CatalogueError(f"{where}：area = “{d['area']}”不是已定义的领域（可用：{'、'.join(areas)}）")
    targets = {}
    for year, v in (d.get("targets") or {}).items():
        if not str(year).isdigit() or len(str(year)) != 4:
            raise CatalogueError(f"{where}：targets 的年份“{year}”应为四位数字，如 targets = {{ 2023 = 95 }}")
        targets[int(year)] = _decimal(v, where)
    status = _choice(d, "status", STATUS_RULES, where, "target" if targets or not d.get("function") else "none")
    reference = _decimal(d["reference"], where) if "reference" in d else None
    if status == "reference" and reference is None and not d.get("function"):
        raise CatalogueError(f"{where}：status = “reference”需要写 reference（参考线的数值）")
    precision = d.get("precision", 2)
    if not isinstance(precision, int) or not 0 <= precision <= 4:
        raise CatalogueError(f"{where}：precision 应为 0 到 4 的整数")
    ind = Indicator(
        key=key, name=d["name"], definition=d["definition"], unit=d["unit"], source=d.get("source_label", d["source"]),
        formula=d["formula"], kind=d["source"], precision=precision,
        aggregate=_choice(d, "aggregate", AGGREGATES, where, "sum"),
        direction=_choice(d, "direction", DIRECTIONS, where, "up"), status=status, targets=targets, reference=reference,
        area=d["area"], section=d.get("section", ""), chart=_choice(d, "chart", CHARTS, where, "bar"),
        cockpit=_bool(d, "cockpit", where), map=_bool(d, "map", where), excel=_bool(d, "excel", where, True),
        briefing=d.get("briefing", ""), function=d.get("function", ""),
        aliases=tuple(d.get("aliases", [])), measures=tuple(_measure(m, key, where) for m in d.get("measures", [])),
        measure_template=dict(d.get("measure_template", {})),
        count_at_least=_decimal(d["count_at_least"], where) if "count_at_least" in d else None)
    if ind.custom and ind.kind != CUSTOM_KIND:
        raise CatalogueError(f"{where}：县里的指标（没有 function）的 source 应为“{CUSTOM_KIND}”")
    if ind.custom and ind.aggregate == "count" and ind.count_at_least is None:
        raise CatalogueError(f"{where}：aggregate = “count”需要写 count_at_least（数值达到多少的单位计入）")
    return ind


def _toml(path: str) -> dict:
    try:
        return tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise CatalogueError(f"指标目录 {path} 格式有误：{exc}（请改正后重试）") from None


@lru_cache(maxsize=8)
def _load(path: str, mtime_ns: int, added: str = "", added_mtime_ns: int = 0) -> Catalogue:
    raw = _toml(path)
    if added:          # the indicators an administrator added on the upload page
        more = _toml(added).get("indicators", {})
        clash = sorted(set(more) & set(raw.get("indicators", {})))
        if clash:
            raise CatalogueError(f"{added}：指标代码 {'、'.join(clash)} 已在 {path} 中，请删去其中一个")
        raw.setdefault("indicators", {}).update(more)
    areas = {k: Area(k, v["name"], v.get("page", ""), bool(v.get("requirement", False)), i)
             for i, (k, v) in enumerate(raw.get("areas", {}).items())}
    indicators = {k: _indicator(k, v, areas) for k, v in raw.get("indicators", {}).items()}
    seen: dict[str, str] = {}
    from rural.reference import norm_text

    for ind in indicators.values():
        for name in (ind.name, *ind.aliases):
            k = norm_text(name)
            if k in seen and seen[k] != ind.key:
                raise CatalogueError(f"indicators.toml：名称“{name}”同时属于 {seen[k]} 和 {ind.key}，请只留一个")
            seen[k] = ind.key
    keys = [m.key for i in indicators.values() for m in i.measures]
    dup = sorted({k for k in keys if keys.count(k) > 1})
    if dup:
        raise CatalogueError(f"indicators.toml：measures 的代码重复：{'、'.join(dup)}")
    functions = dict(raw.get("functions", {}))
    for name, target in functions.items():
        if target not in ("*", "@county") and target not in indicators:
            raise CatalogueError(f"indicators.toml [functions]：{name} = “{target}”不是目录中的指标")
    return Catalogue(areas, indicators, functions)


ADDED_FILE = "indicators_added.toml"


def added_path() -> Path:
    """Where indicators added on the upload page are kept: ``indicators_added.toml`` in the county's reference folder
    (``RURAL_REFERENCE_DIR``, else ``data/reference``), beside the catalogue and read with it."""
    from rural.settings import reference_dir

    return reference_dir() / ADDED_FILE


def catalogue() -> Catalogue:
    """The catalogue of the reference folder (``RURAL_REFERENCE_DIR`` or the bundled one) with the indicators added
    on the upload page, read again when either changes."""
    path, added = reference_path("indicators.toml"), added_path()
    extra = (str(added), added.stat().st_mtime_ns) if added.exists() else ("", 0)
    return _load(str(path), path.stat().st_mtime_ns, *extra)


def version() -> tuple:
    """Changes when the catalogue or the added indicators change (what a cached check of a sheet is keyed by)."""
    path, added = reference_path("indicators.toml"), added_path()
    return (str(path), path.stat().st_mtime_ns, added.stat().st_mtime_ns if added.exists() else 0)


def reference_version() -> tuple:
    """What results computed from the reference folder depend on: the folder, the catalogue (and the added
    indicators) and the status vocabulary, with their modification times — the key kept results carry."""
    from rural.settings import reference_dir

    status = reference_path("status.toml")
    return (str(reference_dir()), *version(), str(status), status.stat().st_mtime_ns)


def unknown_names(problems) -> list[str]:
    """The indicator names a refused 指标数据 sheet named that the catalogue lacks (what an admin may add)."""
    out = []
    for p in problems:
        if ("不是可识别的指标" in p.message or "不是指标目录中的指标" in p.message) and p.value:
            out.append(p.value)
    return list(dict.fromkeys(out))


def _toml_string(text: str) -> str:
    import json

    return json.dumps(str(text), ensure_ascii=False)     # a JSON string is a TOML basic string


def add_indicator(name: str, definition: str, unit: str, area: str, direction: str = "up", aggregate: str = "sum",
                  target: Decimal | None = None, year: int | None = None, precision: int | None = None) -> Indicator:
    """A county indicator added by an administrator (the upload page offers it for a name the catalogue lacks):
    checked like every entry, then appended to :func:`added_path`; the catalogue has it from the next read."""
    import fcntl
    import hashlib
    import os

    name, definition, unit = name.strip(), definition.strip(), unit.strip()
    if not name or not definition or not unit:
        raise CatalogueError("请填写指标的名称、口径和单位")
    if by_name(name) is not None:
        raise CatalogueError(f"指标目录中已有“{name}”（{by_name(name).name}）")
    key = "county_" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
    if precision is None:        # counts and areas are whole; rates, amounts and the rest two decimals
        precision = 0 if unit in ("人", "户", "个", "件", "条", "次", "人次", "村", "亩", "名", "项", "家") else 2
    entry = {"name": name, "definition": definition, "unit": unit, "precision": precision, "source": CUSTOM_KIND,
             "source_label": "县里报送的指标数据", "formula": {"sum": "各乡镇之和", "ratio": "分子之和 ÷ 分母之和",
                                                               "weighted": "以分母为权数的加权平均",
                                                               "latest": "报送的全县数"}.get(aggregate, aggregate),
             "aggregate": aggregate, "direction": direction, "status": "target" if target is not None else "none",
             "area": area, "section": "", "chart": "bar", "cockpit": True, "map": True}
    if target is not None:
        entry["targets"] = {int(year): target}
    ind = _indicator(key, entry, catalogue().areas)      # refused as any entry would be
    lines = [f"\n[indicators.{key}]"]
    for k, v in entry.items():
        if k == "targets":
            lines.append("targets = { " + ", ".join(f"{y} = {t}" for y, t in v.items()) + " }")
        elif isinstance(v, bool):
            lines.append(f"{k} = {'true' if v else 'false'}")
        elif isinstance(v, int):
            lines.append(f"{k} = {v}")
        else:
            lines.append(f"{k} = {_toml_string(v)}")
    path = added_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        old = path.read_text(encoding="utf-8") if path.exists() else \
            "# 在“数据管理”页上传报表时由管理员添加的县里的指标（与 indicators.toml 的写法相同，可直接修改）\n"
        tmp = path.with_suffix(".tmp")
        tmp.write_text(old + "\n".join(lines) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    return ind


class _Entries(Mapping):
    """``CATALOGUE[key]``: the indicators by key, read from the file when asked."""

    def __getitem__(self, key):
        return catalogue().indicators[key]

    def __iter__(self):
        return iter(catalogue().indicators)

    def __len__(self):
        return len(catalogue().indicators)


CATALOGUE = _Entries()


def entry(key: str) -> Indicator:
    return catalogue().indicators[key]


def areas() -> list[Area]:
    return sorted(catalogue().areas.values(), key=lambda a: a.order)


def area(key: str) -> Area:
    return catalogue().areas[key]


def custom() -> list[Indicator]:
    """The county-defined indicators (指标数据), in the catalogue's order."""
    return [i for i in catalogue().indicators.values() if i.custom]


def measure(key: str) -> Measure:
    """A built-in value by key: ``elimination_rate_people``, or ``employment:<指标>`` from a template."""
    cat = catalogue()
    for i in cat.indicators.values():
        for m in i.measures:
            if m.key == key:
                return m
    if ":" in key:
        head, item = key.split(":", 1)
        for i in cat.indicators.values():
            t = i.measure_template
            if t and t["key"].split(":", 1)[0] == head:
                return Measure(key, t["name"].format(item=item), t["unit"], i.key, t.get("compare"),
                               bool(t.get("cumulative", False)), bool(t.get("cockpit", False)), False, True,
                               kind=i.kind)
        if head == "custom" and item in cat.indicators:
            ind = cat.indicators[item]
            return Measure(key, ind.name, ind.unit, ind.key, "snapshot", False, ind.cockpit, ind.map, True,
                           kind=ind.kind, direction=ind.direction)
    raise KeyError(key)


def headline_measures() -> list[Measure]:
    """The headline values in the catalogue's order (cards, comparisons, the load's before → after)."""
    return [m for m in catalogue().measures() if m.headline]


def kind_of(m: Measure) -> str:
    return m.kind or catalogue().indicators[m.indicator].kind


def map_measures() -> list[Measure]:
    """The built-in township values the map can show (columns of ``township_table``)."""
    return [m for m in catalogue().measures() if m.map]


_VOCAB: list = []          # [(the catalogue it was built from, its vocabulary)]


def names_vocab():
    """The county indicators' names and aliases as a value vocabulary (what a 指标 column or header is read by);
    built once per catalogue read (a sheet asks for every row)."""
    cat = catalogue()
    if not _VOCAB or _VOCAB[0][0] is not cat:
        _VOCAB[:] = [(cat, _names_vocab())]
    return _VOCAB[0][1]


def _names_vocab():
    from rural.reference import Vocab, norm_text

    order, forms = [], {}
    for ind in custom():
        order.append(ind.name)
        for name in (ind.name, *ind.aliases):
            forms[norm_text(name)] = ind.name
    return Vocab("indicators", tuple(order), forms, {}, {i.name: {"代码": i.key, "单位": i.unit} for i in custom()})


def by_name(name: str) -> Indicator | None:
    """A county indicator by its name or an alias (as written in a sheet)."""
    canonical = names_vocab().lookup(name)
    if canonical is None:
        return None
    return next(i for i in custom() if i.name == canonical)
