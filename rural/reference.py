"""Value vocabularies (code tables) from ``data/reference/vocab/*.csv``, shared by the loader and the pages.

Each file lists one written form per line: ``规范名,写法,代码[,more attributes]``. The canonical name is
what is stored and shown; canonical names keep the order of their first line, which is the display order
of every page, export and summary.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rural.settings import reference_path


_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.．]|\d{1,2}[、.．](?!\d)|[①-⑳]|第[一二三四五六七八九十]+[部项]分?[、：:]?)")


@lru_cache(maxsize=65536)
def norm_text(text: str) -> str:
    """Comparable form of a header or value: NFKC (full-width to half-width), no spaces, no leading ``*``,
    no bracketed notes or units, lower case. ``'易返贫致贫户（监测对象）类型'`` → ``'易返贫致贫户类型'``."""
    t = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(text))).lstrip("*★▲△")
    t = re.sub(r"\([^()]*\)", "", t)
    t = re.sub(r"\([^()]*\)", "", t)   # one level of nesting
    t = re.sub(r"[“”\"'‘’《》]", "", t)
    return t.strip("：:").lower()


@dataclass(frozen=True)
class Vocab:
    """One code table: written forms and codes → canonical names, in display order."""

    name: str
    order: tuple[str, ...]
    forms: dict[str, str] = field(hash=False, compare=False)
    codes: dict[str, str] = field(hash=False, compare=False)
    attrs: dict[str, dict[str, str]] = field(hash=False, compare=False)

    def lookup(self, text: str) -> str | None:
        """The canonical name of a written form or a code; None when unknown. A numbering in front
        (``一、``, ``（一）``, ``1.``, ``①``) is not part of the value."""
        key = norm_text(text)
        if key in self.forms:
            return self.forms[key]
        bare = _ORDINAL.sub("", key)
        if bare != key and bare in self.forms:
            return self.forms[bare]
        digits = re.sub(r"\.0+$", "", key)
        if digits.isdigit() and self.codes:
            for cand in dict.fromkeys((digits, digits.zfill(2), digits.zfill(4))):
                if cand in self.codes:
                    return self.codes[cand]
            for n in range(len(digits) - 1, 1, -1):   # 0207 → 02: the code's family
                if digits[:n] in self.codes:
                    return self.codes[digits[:n]]
        return None

    def containing(self, text: str) -> str | None:
        """The canonical name whose longest written form the value contains (``产业发展类项目`` → 产业发展)."""
        t = _ORDINAL.sub("", norm_text(text))
        best = max((f for f in self.forms if len(f) >= 2 and f in t), key=len, default=None)
        return self.forms[best] if best else None

    def written(self) -> list[str]:
        """Every written form, for messages and docs."""
        return list(dict.fromkeys(self.order))

    def rank(self, name: str) -> int:
        """Display position; unknown names after the known ones."""
        return self.order.index(name) if name in self.order else len(self.order)


def _read_vocab(path: Path) -> Vocab:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = [r for r in csv.reader(fh) if r and any(c.strip() for c in r)]
    head, body = rows[0], rows[1:]
    order, forms, codes, attrs = [], {}, {}, {}
    for r in body:
        r = [c.strip() for c in r] + [""] * (len(head) - len(r))
        canonical, form, code = r[0], r[1] or r[0], r[2] if len(r) > 2 else ""
        if canonical not in attrs:
            order.append(canonical)
            attrs[canonical] = {h: v for h, v in zip(head[2:], r[2:]) if v}
            forms.setdefault(norm_text(canonical), canonical)
        forms[norm_text(form)] = canonical
        if code:
            codes[code] = canonical
    return Vocab(path.stem, tuple(order), forms, codes, attrs)


@lru_cache(maxsize=8)
def _vocabs(directory: str) -> dict[str, Vocab]:
    d = Path(directory)
    return {p.stem: _read_vocab(p) for p in sorted(d.glob("*.csv"))} if d.exists() else {}


def vocab(name: str) -> Vocab:
    """A vocabulary by file stem (``risk_types``, ``assistance_types`` …); ``indicators``: the county indicators'
    names and aliases in the indicator catalogue (``indicators.toml``)."""
    if name == "indicators":
        from rural.catalogue import names_vocab

        return names_vocab()
    found = _vocabs(str(reference_path("vocab")))
    if name not in found:
        raise KeyError(f"没有取值表 vocab/{name}.csv")
    return found[name]


def key_of(value: str, names: dict[str, str]) -> str | None:
    """The key of a small code table (``{key: Chinese name}``: roles, audit actions) from its key or its name."""
    if value in names:
        return value
    return next((k for k, name in names.items() if name == value), None)


def vocabs() -> dict[str, Vocab]:
    return dict(_vocabs(str(reference_path("vocab"))))


def display_order(name: str, values) -> list:
    """``values`` sorted in the vocabulary's display order (unknown values last, in their given order)."""
    v = vocab(name)
    values = list(values)
    return sorted(values, key=lambda x: (v.rank(x), values.index(x)))


@lru_cache(maxsize=8)
def _kind_labels(path: str) -> dict[str, str]:
    import tomllib

    return dict(tomllib.loads(Path(path).read_text(encoding="utf-8")).get("kind_labels", {}))


def kind_labels() -> dict[str, str]:
    """The source kinds in display order with their words (``rules.toml`` ``[kind_labels]``, as the loader)."""
    return dict(_kind_labels(str(reference_path("rules.toml"))))


def kind_label(kind: str) -> str:
    """监测对象, 就业 … for a source kind."""
    return kind_labels().get(kind, kind)
