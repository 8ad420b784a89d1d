"""Layouts as data: what each kind of department table looks like, read from ``data/reference/``.

``layouts/*.toml`` declare a table's fields (canonical name, header variants, type, unit, required or
not, totals rule), ``rules.toml`` the words for totals, notes, footers and personal columns, and
``vocab/*.csv`` the value vocabularies. The loader, the blank templates and ``docs/formats.md`` all read
them through this module; a new header variant is one line in a data file.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rural.reference import Vocab, norm_text, vocab
from rural.settings import reference_path

TYPES = ("text", "township", "village", "county", "seq", "key", "personal_key", "int", "money", "area", "pct", "date",
         "bool", "choice", "raw", "period")
NUMERIC = ("int", "money", "area")
UNITS = ("亿元", "万元", "元/人", "元", "万亩", "亩", "人次", "人", "户", "个", "条", "件", "名", "%", "次", "项", "万人", "元/月")


def header_unit(text: str) -> str:
    """The unit a header states: ``'金额（万元）'`` → ``'万元'``, ``'金额万元'`` → ``'万元'``; else ``''``."""
    import unicodedata

    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text)))
    for inner in re.findall(r"\(([^()]*)\)", t):
        u = inner.replace("单位:", "").replace("单位：", "").replace("单位", "")
        if u in UNITS:
            return u
    bare = re.sub(r"\([^()]*\)", "", t)
    for u in ("万元", "亿元", "万亩"):
        if bare.endswith(u) and len(bare) > len(u) + 1:
            return u
    return ""


def strip_unit(key: str) -> str:
    """A normalized header without a glued unit: ``'金额万元'`` → ``'金额'``."""
    for u in ("万元", "亿元", "万亩"):
        if key.endswith(u) and len(key) > len(u) + 1:
            return key[: -len(u)]
    return key


@dataclass(frozen=True)
class Field:
    name: str
    type: str = "text"
    required: bool = True
    variants: tuple[tuple[str, ...], ...] = ()   # normalized header paths (one element for a one-level header)
    unit: str = ""
    vocab: str | None = None
    unknown: str = "error"                       # a value not in the vocabulary: error | keep (as written) | exclude (the row)
    repeat: tuple[str, ...] = ()                 # normalized patterns with {n}: 致贫/返贫风险{n}
    period_value: bool = False
    yearly: bool = False                         # a yearly value (年度目标): a column of a year serves every period of it
    from_title: bool = False                     # when no column has it: a vocabulary value in the title / sheet / file name
    in_template: bool = True                     # a column of the blank template
    empty: str = "empty"                         # an empty cell: empty | zero (a count or amount of a table's row)
    match: str = "exact"                         # choice values: exact | contains (the longest written form inside)
    total: str = "sum"
    raw_variants: tuple[str, ...] = ()           # as written in the layout file, for docs and templates

    @property
    def personal(self) -> bool:
        return self.type == "personal_key"

    def vocabulary(self) -> Vocab | None:
        return vocab(self.vocab) if self.vocab else None

    def totals_rule(self) -> tuple[str, str, str]:
        """(``sum`` | ``weighted`` | ``ratio`` | ``none``, arg1, arg2)."""
        if self.type not in NUMERIC and self.type != "pct":
            return "none", "", ""
        rule = self.total or "sum"
        if rule.startswith("weighted:"):
            return "weighted", rule.split(":", 1)[1], ""
        if rule.startswith("ratio:"):
            num, den = rule.split(":", 1)[1].split("/")
            return "ratio", num, den
        if self.type == "pct" and rule == "sum":
            return "none", "", ""
        return rule, "", ""


@dataclass(frozen=True)
class Group:
    """A wide layout: column groups labelled by values of ``key`` (城市低保 …) over ``measures``."""

    key: str
    measures: tuple[str, ...]


@dataclass(frozen=True)
class Layout:
    name: str                   # file stem
    kind: str
    label: str
    module: str
    fields: tuple[Field, ...]
    description: str = ""
    periods: str = "month"      # month | income | library
    template_period: str = ""
    label_fields: tuple[str, ...] = ()
    county_level: bool = False
    keep_totals: bool = False   # 全县 / 合计 rows are the county's own figures (not sums to check): loaded as such
    any_of: tuple[tuple[str, ...], ...] = ()
    excludes: tuple[str, ...] = ()
    grain: str = ""
    group: Group | None = None
    item_columns: str = ""
    also_kinds: tuple[str, ...] = ()
    exclude_empty: dict = field(default_factory=dict, hash=False, compare=False)   # field → reason
    title_words: tuple[str, ...] = ()     # the layout applies only when the title / sheet / file name has one of these
    open_words: tuple[str, ...] = ()      # a table of its label fields and unknown columns is still this layout when the
                                          # title / sheet / file name has one of these, or when it is the kind asked for
                                          # (its unknown columns are then refused by name, not left out)
    household_key: str = ""               # person rows: the field that groups them into households
    household_fields: tuple[str, ...] = ()   # fields written once per household (the head's row, a merged cell)
    _index: dict = field(default_factory=dict, hash=False, compare=False, repr=False)

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def has(self, name: str) -> bool:
        return any(f.name == name for f in self.fields)

    @property
    def person_level(self) -> bool:
        return self.grain == "person"

    def required(self) -> list[Field]:
        return [f for f in self.fields if f.required]

    def by_variant(self) -> dict[tuple[str, ...], Field]:
        """Normalized header path → field (computed once)."""
        if "variants" not in self._index:
            idx = {}
            for f in self.fields:
                for v in f.variants:
                    idx.setdefault(v, f)
            self._index["variants"] = idx
        return self._index["variants"]

    def repeats(self) -> list[tuple[re.Pattern, Field]]:
        if "repeats" not in self._index:
            out = []
            for f in self.fields:
                for pat in f.repeat:
                    rx = re.escape(pat).replace(re.escape("{n}"), r"(\d{1,2})")
                    out.append((re.compile(f"^{rx}$"), f))
            self._index["repeats"] = out
        return self._index["repeats"]

    def expected(self) -> str:
        return "、".join(f.name for f in self.fields if f.type != "seq" and f.name != "县")


@dataclass(frozen=True)
class Rules:
    total_words: frozenset[str]
    total_suffixes: tuple[str, ...]
    total_prefixes: tuple[str, ...]
    subtotal_words: frozenset[str]
    note_prefixes: tuple[str, ...]
    footer_labels: tuple[str, ...]
    meta_labels: tuple[str, ...]
    county_level_words: frozenset[str]
    column_number_marks: frozenset[str]
    comparison_words: tuple[str, ...]
    personal_patterns: tuple[str, ...]
    personal_exceptions: tuple[str, ...]
    part_words: tuple[str, ...]
    empty_marks: frozenset[str]
    unit_synonyms: dict[str, str] = field(hash=False, compare=False)
    kind_labels: dict[str, str] = field(hash=False, compare=False)
    _memo: dict = field(default_factory=dict, hash=False, compare=False, repr=False)

    def is_total(self, key: str) -> bool:
        return key in self.total_words or key.endswith(self.total_suffixes) or (
            key.startswith(self.total_prefixes) and len(key) <= 6)

    def is_subtotal(self, key: str) -> bool:
        return key in self.subtotal_words or key.endswith("小计")

    def is_personal(self, header: str) -> bool:
        key = ("personal", header)
        if key not in self._memo:
            t = norm_text(header)
            self._memo[key] = not any(norm_text(e) in t for e in self.personal_exceptions) and \
                any(norm_text(p) in t for p in self.personal_patterns)
        return self._memo[key]

    def is_comparison(self, header: str) -> bool:
        key = ("comparison", header)
        if key not in self._memo:
            t = norm_text(header)
            self._memo[key] = any(t.startswith(norm_text(w)) for w in self.comparison_words)
        return self._memo[key]


def _paths(variants: list[str], sets: dict[str, list[str]]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    raw = []
    for v in variants:
        raw += sets[v[1:]] if v.startswith("@") else [v]
    paths = tuple(dict.fromkeys(tuple(norm_text(p) for p in v.split(" / ")) for v in raw))
    return paths, tuple(dict.fromkeys(raw))


def _field(d: dict, sets: dict[str, list[str]], where: str) -> Field:
    kind = d.get("type", "text")
    if kind not in TYPES:
        raise ValueError(f"{where}：字段“{d.get('name')}”的类型“{kind}”不在 {', '.join(TYPES)} 中")
    paths, raw = _paths([d["name"], *d.get("variants", [])], sets)
    return Field(name=d["name"], type=kind, required=bool(d.get("required", True)), variants=paths,
                 unit=d.get("unit", ""), vocab=d.get("vocab"), unknown=d.get("unknown", "error"),
                 repeat=tuple(norm_text(p.replace("{n}", "§")).replace("§", "{n}") for p in d.get("repeat", [])),
                 period_value=bool(d.get("period_value", False)), yearly=bool(d.get("yearly", False)), from_title=bool(d.get("from_title", False)),
                 in_template=bool(d.get("in_template", True)), empty=d.get("empty", "empty"),
                 match=d.get("match", "exact"),
                 total=d.get("total", "sum"), raw_variants=raw)


def _item_fields(name: str) -> list[Field]:
    """One optional integer field per item of a vocabulary (work items as columns)."""
    v = vocab(name)
    out = []
    for item in v.order:
        forms = [f for f, c in v.forms.items() if c == item]
        out.append(Field(name=item, type="int", required=False, variants=tuple((f,) for f in forms),
                         unit=v.attrs[item].get("单位", ""), raw_variants=(item,)))
    return out


@dataclass(frozen=True)
class Reference:
    layouts: tuple[Layout, ...]
    rules: Rules

    def layout(self, name: str) -> Layout:
        for lay in self.layouts:
            if lay.name == name:
                return lay
        raise KeyError(name)

    def kinds(self) -> list[str]:
        return list(dict.fromkeys(k for lay in self.layouts for k in (lay.kind, *lay.also_kinds)))

    def for_kind(self, kind: str | None) -> list[Layout]:
        if not kind:
            return list(self.layouts)
        chosen = [lay for lay in self.layouts if kind in (lay.kind, lay.name, lay.module, *lay.also_kinds)]
        if not chosen:
            raise KeyError(f"未知的数据类型“{kind}”（可用：{'、'.join(self.kinds())}）")
        return chosen


def _rules(raw: dict) -> Rules:
    def words(key):
        return tuple(norm_text(w) for w in raw.get(key, []))

    return Rules(
        total_words=frozenset(words("total_words")), total_suffixes=words("total_suffixes"),
        total_prefixes=words("total_prefixes"), subtotal_words=frozenset(words("subtotal_words")),
        note_prefixes=tuple(raw.get("note_prefixes", [])), footer_labels=tuple(raw.get("footer_labels", [])),
        meta_labels=tuple(raw.get("meta_labels", [])), county_level_words=frozenset(words("county_level_words")),
        column_number_marks=frozenset(raw.get("column_number_marks", [])),
        comparison_words=tuple(raw.get("comparison_words", [])), personal_patterns=tuple(raw.get("personal_patterns", [])),
        personal_exceptions=tuple(raw.get("personal_exceptions", [])), part_words=tuple(raw.get("part_words", [])),
        empty_marks=frozenset(raw.get("empty_marks", [])), unit_synonyms=dict(raw.get("unit_synonyms", {})),
        kind_labels=dict(raw.get("kind_labels", {})))


def _toml(path: Path) -> dict:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValueError(f"参考数据文件 {path} 格式有误：{exc}（请改正后重试）") from None


@lru_cache(maxsize=8)
def _load(rules_file: str, layouts_dir: str) -> Reference:
    rules_raw = _toml(Path(rules_file))
    sets = rules_raw.get("variant_sets", {})
    common = [_field(f, sets, "rules.toml") for f in rules_raw.get("common_fields", [])]
    layouts = []
    for path in sorted(Path(layouts_dir).glob("*.toml")):
        raw = _toml(path)
        where = f"layouts/{path.name}"
        fields = [_field(f, sets, where) for f in raw.get("fields", [])]
        if raw.get("item_columns"):
            fields += _item_fields(raw["item_columns"])
        names = {f.name for f in fields}
        fields += [f for f in common if f.name not in names]
        group = Group(raw["group"]["key"], tuple(raw["group"]["measures"])) if "group" in raw else None
        any_of = [tuple(a) for a in raw.get("any_of", [])]
        if raw.get("item_columns"):   # at least one item column
            any_of.append(tuple(vocab(raw["item_columns"]).order))
        lay = Layout(name=path.stem, kind=raw["kind"], label=raw["label"], module=raw.get("module", raw["kind"]),
                     fields=tuple(fields), description=raw.get("description", ""), periods=raw.get("periods", "month"),
                     template_period=raw.get("template_period", ""), label_fields=tuple(raw.get("label_fields", [])),
                     county_level=bool(raw.get("county_level", False)), keep_totals=bool(raw.get("keep_totals", False)),
                     any_of=tuple(any_of), excludes=tuple(norm_text(x) for x in raw.get("excludes", [])),
                     grain=raw.get("grain", ""), group=group, item_columns=raw.get("item_columns", ""),
                     also_kinds=tuple(raw.get("also_kinds", [])), exclude_empty=dict(raw.get("exclude_empty", {})),
                     title_words=tuple(raw.get("title_words", [])), open_words=tuple(raw.get("open_words", [])),
                     household_key=raw.get("household_key", ""),
                     household_fields=tuple(raw.get("household_fields", [])))
        _check(lay, where)
        layouts.append(lay)
    return Reference(tuple(layouts), _rules(rules_raw))


def _check(lay: Layout, where: str) -> None:
    names = {f.name for f in lay.fields}
    named = [*lay.label_fields, *(n for group in lay.any_of for n in group), *lay.exclude_empty]
    if lay.group:
        named += [lay.group.key, *lay.group.measures]
    for f in lay.fields:
        if f.vocab:
            vocab(f.vocab)
        if f.totals_rule()[0] in ("weighted", "ratio"):
            named += [x for x in f.totals_rule()[1:] if x]
    missing = [n for n in named if n not in names]
    if missing:
        raise ValueError(f"{where}：引用了未定义的字段 {'、'.join(missing)}")


def reference() -> Reference:
    """The layouts and rules of the reference folder (``RURAL_REFERENCE_DIR`` or ``data/reference``)."""
    return _load(str(reference_path("rules.toml")), str(reference_path("layouts")))



def kind_label(kind: str) -> str:
    """监测对象, 收入 … for a kind code (``rules.toml`` ``[kind_labels]``)."""
    return reference().rules.kind_labels.get(kind, kind)
