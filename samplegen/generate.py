"""Deterministic sample department workbooks, generic over a county *profile* (TOML).

:func:`write_samples` reads a profile (default ``data/sample_profiles/nanhua.toml``), builds every
record in memory from a fixed ``random.Random`` per source kind, verifies every target and
every ``[expected]`` figure of the profile against those records (:func:`_check`, which fails
loudly on a wrong profile), then writes the workbooks the way departments send them: title and
unit lines, one- and two-row merged headers, totals rows, note lines, header variants, numbers
as text, full-width digits, percent strings, hidden columns, mixed date forms, ``.xls`` and GBK
``.csv``. The same profile gives byte-identical files on every run.

Nothing here is specific to one county: names, townships, villages, seeds and figures all come
from the profile. Only stdlib, XlsxWriter and xlwt are used.
"""
from __future__ import annotations

import calendar
import csv
import datetime as dt
import math
import random
import re
import tomllib
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

import xlsxwriter
import xlwt

REPO = Path(__file__).resolve().parents[1]
DEFAULT_PROFILE = REPO / "data" / "sample_profiles" / "nanhua.toml"

# ---------------------------------------------------------------- generic vocabulary (not county data)

SURNAMES = ("李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕"
            "丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万严武戴孔向汤普李杨")
MALE_CHARS = "伟强磊军勇杰涛明超华建国平刚俊峰林斌波辉鹏飞成文学志忠永祥德福贵荣发昌顺生才海山云龙金春兴光富"
FEMALE_CHARS = "芳娜敏静丽艳娟霞秀英玉兰萍红梅琴云莲珍凤洁琳燕桂香春菊花翠仙美琼粉会芬"
CATEGORIES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
# canonical risk name -> (code in the national system export, variant name used by some senders)
RISKS = {
    "因病": ("01", "因病"), "因灾": ("0201", "因自然灾害"), "因残": ("03", "因残"), "缺劳力": ("04", "因缺劳动力"),
    "因意外事故": ("05", "因意外事故"), "因产业项目失败": ("06", "因产业失败"), "因务工就业不稳": ("07", "因务工就业不稳"),
    "因学": ("09", "因学"), "其他": ("99", "其他"), "住房安全": (None, "住房安全"), "饮水安全": (None, "饮水安全"),
}
PROJECT_TEMPLATES = {
    "产业": [
        ("特色种植基地建设项目", "新建特色种植基地{n}亩，配套灌溉管网{k}公里"),
        ("肉牛养殖小区建设项目", "新建标准化圈舍{a}平方米，配套青贮池及粪污处理设施"),
        ("食用菌种植大棚建设项目", "新建食用菌钢架大棚{n}亩及配套冷库"),
        ("蔬菜基地配套设施建设项目", "建设蔬菜基地蓄水池{c}座、机耕路{k}公里"),
        ("农产品初加工厂房建设项目", "新建农产品初加工厂房{a}平方米，购置加工设备"),
        ("冷链仓储设施建设项目", "新建冷库{t}吨及分拣车间"),
        ("中药材种植示范项目", "种植中药材{n}亩，配套水肥一体化设施"),
        ("林下经济发展项目", "发展林下种植{n}亩"),
        ("生猪养殖场建设项目", "新建生猪养殖圈舍{a}平方米"),
        ("农特产品电商服务站建设项目", "建设电商服务站{c}个，配套物流设施"),
        ("水果提质增效项目", "改造低效果园{n}亩，配套水肥设施"),
    ],
    "基础设施类": [
        ("村组道路硬化项目", "硬化村组道路{k}公里，路面宽4.5米"),
        ("农村饮水安全巩固提升项目", "新建蓄水池{c}座，铺设供水管网{k}公里"),
        ("农田水利设施建设项目", "新建灌溉沟渠{k}公里"),
        ("产业路建设项目", "新建产业路{k}公里"),
    ],
    "乡村建设": [
        ("人居环境整治提升项目", "建设垃圾收集房{c}座、公厕{c}座"),
        ("村庄亮化项目", "安装太阳能路灯{p}盏"),
        ("村级活动场所建设项目", "新建活动场所{a}平方米"),
    ],
    "就业类": [
        ("劳动力转移就业培训项目", "开展劳动力技能培训{p}人次"),
        ("就业帮扶车间建设项目", "建设就业帮扶车间{a}平方米"),
        ("外出务工交通补助项目", "为{p}名脱贫劳动力发放一次性交通补助"),
    ],
    "公益岗位": [("乡村公益性岗位开发项目", "开发乡村公益性岗位{p}个")],
    "其他": [
        ("小额信贷贴息项目", "对{p}户脱贫户小额信贷贴息"),
        ("雨露计划补助项目", "补助{p}名脱贫家庭在校学生"),
        ("项目管理费", "项目前期规划设计及管理"),
    ],
}
FULLWIDTH = str.maketrans("0123456789", "０１２３４５６７８９")
CENT = Decimal("0.01")
EXCEL_EPOCH = dt.date(1899, 12, 30)


# ================================================================ public entry point

def write_samples(out_dir: Path, profile: Path | None = None) -> list[Path]:
    """Write the profile's sample workbooks flat into ``out_dir``; return their paths, sorted."""
    out_dir = Path(out_dir)
    prof_path = Path(profile) if profile is not None else DEFAULT_PROFILE
    cx, prof = _load_profile(prof_path)
    data = _build(cx, prof)
    _check(cx, prof, data)
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for kind, writer in _WRITERS:
        if kind in data:
            paths += writer(cx, data[kind], out_dir)
    return sorted(paths)


# ================================================================ profile and helpers

@dataclass
class Ctx:
    county: str
    seed: Any
    towns: list[str]
    villages: list[list[str]]
    weights: list[float]
    id_prefix: str
    created: dt.datetime
    departments: dict[str, str]

    def rng(self, kind: str) -> random.Random:
        return random.Random(f"{self.seed}:{kind}")

    def township_of(self, rng: random.Random, n: int) -> list[int]:
        """n township indexes by weight; the first ones cover every township once."""
        cover = list(range(len(self.towns)))
        rng.shuffle(cover)
        out = cover[: min(n, len(cover))]
        out += rng.choices(range(len(self.towns)), weights=self.weights, k=n - len(out))
        return out


def _load_profile(path: Path) -> tuple[Ctx, dict]:
    with open(path, "rb") as fh:
        prof = tomllib.load(fh)
    county = prof.get("county") or {}
    if not county.get("name"):
        raise ValueError(f"{path}: [county] name 未填写")
    towns = prof.get("townships") or []
    if not towns:
        raise ValueError(f"{path}: 没有 [[townships]]")
    names = [str(t["name"]) for t in towns]
    if len(set(names)) != len(names):
        raise ValueError(f"{path}: 乡镇名称重复")
    for t in towns:
        if not t.get("villages"):
            raise ValueError(f"{path}: 乡镇“{t['name']}”没有 villages")
    created = county.get("created", dt.date(2000, 1, 1))
    if not isinstance(created, dt.datetime):
        created = dt.datetime.combine(created, dt.time())
    prefix = str(county.get("id_prefix", "000000"))
    if not re.fullmatch(r"\d{6}", prefix):
        raise ValueError(f"{path}: id_prefix 应为 6 位数字")
    cx = Ctx(county=str(county["name"]), seed=county.get("seed", 0), towns=names,
             villages=[[str(v) for v in t["villages"]] for t in towns],
             weights=[float(t.get("weight", 1)) for t in towns], id_prefix=prefix, created=created,
             departments=dict(county.get("departments", {})))
    return cx, prof


def _dec(v: Any) -> Decimal:
    return Decimal(str(v))


def _units(v: Any, places: int = 2) -> int:
    """Exact decimal → integer count of 10**-places (yuan → fen, 万元 → 0.01 万元)."""
    d = _dec(v).scaleb(places)
    if d != d.to_integral_value():
        raise ValueError(f"{v} 超过 {places} 位小数")
    return int(d)


def _pct(num: int | Decimal, den: int | Decimal) -> Decimal:
    return (Decimal(num) * 100 / Decimal(den)).quantize(CENT, rounding=ROUND_HALF_UP)


def _wan(units: int) -> Decimal:
    return Decimal(units).scaleb(-2)


def _period(p: str) -> tuple[str, int, int]:
    """``"2023-04"`` → ("month", 2023, 4); ``"2022"`` → ("year", 2022, 12); ``"2023H1"`` → ("half", 2023, 6)."""
    p = str(p)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})", p):
        return "month", int(m[1]), int(m[2])
    if m := re.fullmatch(r"(\d{4})", p):
        return "year", int(m[1]), 12
    if m := re.fullmatch(r"(\d{4})H([12])", p):
        return "half", int(m[1]), 6 * int(m[2])
    raise ValueError(f"无法识别的期别：{p}")


def _end(p: str) -> dt.date:
    _, y, m = _period(p)
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def _ytd_label(p: str, dash: str = "-") -> str:
    _, y, m = _period(p)
    return f"{y}年1月" if m == 1 else f"{y}年1{dash}{m}月"


def _snap_label(p: str) -> str:
    _, y, m = _period(p)
    return f"截至{y}年{m}月"


def _income_label(p: str) -> str:
    kind, y, m = _period(p)
    if kind == "year":
        return f"{y}年度"
    if kind == "half":
        return f"{y}年上半年" if m == 6 else f"{y}年下半年"
    raise ValueError(f"收入期别应为年度或半年：{p}")


def _sorted_periods(items: list[dict]) -> list[dict]:
    return sorted(items, key=lambda it: (_end(it["period"]), str(it["period"])))


def _uniform_date(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    if hi < lo:
        raise ValueError(f"日期区间为空：{lo} ~ {hi}")
    return lo + dt.timedelta(days=rng.randint(0, (hi - lo).days))


def _split(total: int, weights: list[float], rng: random.Random, jitter: float = 0.25, floor: int = 0) -> list[int]:
    """Non-negative integers summing exactly to ``total``, roughly proportional to ``weights``."""
    n = len(weights)
    if total < 0:
        raise ValueError(f"不能拆分负数 {total}")
    base = [floor] * n if total >= floor * n else [0] * n
    rest = total - sum(base)
    w = [max(0.0, float(x)) * (1 + jitter * (2 * rng.random() - 1)) for x in weights]
    s = sum(w)
    if s <= 0:
        w, s = [1.0] * n, float(n)
    raw = [rest * x / s for x in w]
    out = [math.floor(r) for r in raw]
    left = rest - sum(out)
    for i in sorted(range(n), key=lambda i: (-(raw[i] - out[i]), i))[:left]:
        out[i] += 1
    return [b + o for b, o in zip(base, out)]


def _split_capped(total: int, weights: list[float], caps: list[int], rng: random.Random) -> list[int]:
    if total > sum(caps):
        raise ValueError(f"{total} 超过上限之和 {sum(caps)}")
    out = [min(v, c) for v, c in zip(_split(total, weights, rng), caps)]
    i = 0
    while sum(out) < total:
        j = i % len(out)
        if out[j] < caps[j]:
            out[j] += 1
        i += 1
    return out


def _ytd_split(series: list[tuple[str, int]], weights: list[float], rng: random.Random, floor: int = 0,
               by: dict[str, list[list[int]]] | None = None) -> dict[str, list[int]]:
    """Township values of year-to-date totals: within a year later periods add a split increment.

    ``by`` (optional): weights per period and increment (e.g. amounts follow person-times).
    """
    out: dict[str, list[int]] = {}
    prev: tuple[int, list[int]] | None = None
    for p, total in sorted(series, key=lambda t: _end(t[0])):
        year = _period(p)[1]
        w = by[p] if by else weights
        if prev and prev[0] == year and total >= sum(prev[1]):
            inc_w = [max(0, a - b) for a, b in zip(w, by[prev_p])] if by else weights
            inc = _split(total - sum(prev[1]), inc_w, rng)
            cur = [a + b for a, b in zip(prev[1], inc)]
        else:
            cur = _split(total, w, rng, floor=floor)
        out[p] = cur
        prev, prev_p = (year, cur), p
    return out


def _name(rng: random.Random, male: bool, surname: str | None = None) -> str:
    chars = MALE_CHARS if male else FEMALE_CHARS
    given = rng.choice(chars) + (rng.choice(chars) if rng.random() < 0.75 else "")
    return (surname or rng.choice(SURNAMES)) + given


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _id_check(body17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(body17, _ID_WEIGHTS)) % 11]


def _id_number(rng: random.Random, prefix: str, birth: dt.date, male: bool, used: set[str]) -> str:
    while True:
        seq = rng.randint(0, 99) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
        body = f"{prefix}{birth:%Y%m%d}{seq:03d}"
        if body not in used:
            used.add(body)
            return body + _id_check(body)


def _phone(rng: random.Random) -> str:
    return rng.choice(("13", "15", "18", "17")) + "".join(str(rng.randint(0, 9)) for _ in range(9))


def _birth(rng: random.Random, ref: dt.date, age: int) -> dt.date:
    """A birth date giving ``age`` full years at ``ref``."""
    lo = dt.date(ref.year - age - 1, ref.month, min(ref.day, 28)) + dt.timedelta(days=1)
    hi = dt.date(ref.year - age, ref.month, min(ref.day, 28))
    return _uniform_date(rng, lo, hi)


def _thousands(v: int | Decimal) -> str:
    return f"{v:,.2f}" if isinstance(v, Decimal) else f"{v:,}"


# ================================================================ build: monitoring

@dataclass
class Person:
    name: str
    id_no: str
    relation: str
    male: bool


@dataclass
class Household:
    idx: int
    town: int
    village: str
    ident: dt.date
    code: str = ""
    category: str = ""
    risk: str = ""
    risk2: str | None = None
    size: int = 0
    income_fen: int = 0
    members: list[Person] = field(default_factory=list)
    phone: str = ""
    window: int | None = None          # snapshot index at which the risk was first eliminated
    elim_date: dt.date | None = None
    rollback_at: int | None = None     # snapshot index at which the elimination was rolled back

    def eliminated(self, k: int) -> bool:
        """Risk eliminated at snapshot k (the caller checks that the household is listed then)."""
        return self.window is not None and self.window <= k and (self.rollback_at is None or k < self.rollback_at)


def _sizes(rng: random.Random, n: int, target: int | None) -> list[int]:
    sizes = rng.choices((1, 2, 3, 4, 5, 6, 7), weights=(10, 20, 24, 24, 13, 6, 3), k=n)
    if target is None:
        return sizes
    if not n <= target <= 8 * n:
        raise ValueError(f"{n} 户不可能有 {target} 人")
    diff = target - sum(sizes)
    while diff:
        i = rng.randrange(n)
        if diff > 0 and sizes[i] < 8:
            sizes[i] += 1
            diff -= 1
        elif diff < 0 and sizes[i] > 1:
            sizes[i] -= 1
            diff += 1
    return sizes


def _members(rng: random.Random, size: int, ref: dt.date, prefix: str, used: set[str]) -> list[Person]:
    head_age = int(rng.triangular(26, 79, 56))
    head_male = rng.random() < 0.86
    surname = rng.choice(SURNAMES)
    plan: list[tuple[str, bool, int, str | None]] = [("户主", head_male, head_age, surname)]
    left = size - 1
    if left and rng.random() < 0.85:
        plan.append(("配偶", not head_male, max(20, head_age + rng.randint(-5, 4)), None))
        left -= 1
    if left and head_age <= 48 and rng.random() < 0.35:
        father = rng.random() < 0.5
        plan.append(("之父" if father else "之母", father, min(95, head_age + rng.randint(22, 32)), surname if father else None))
        left -= 1
    son_age = None
    while left:
        if head_age >= 55 and son_age is None:
            son_age = max(1, head_age - rng.randint(22, 30))
            plan.append(("之子", True, son_age, surname))
        elif head_age >= 55 and son_age and son_age >= 22 and not any(r == "之儿媳" for r, *_ in plan):
            plan.append(("之儿媳", False, max(18, son_age + rng.randint(-4, 3)), None))
        elif head_age >= 55 and son_age and son_age >= 24:
            male = rng.random() < 0.5
            plan.append(("之孙子" if male else "之孙女", male, max(1, son_age - rng.randint(20, 26)), surname))
        else:
            male = rng.random() < 0.5
            gap = rng.randint(20, 34)
            plan.append(("之子" if male else "之女", male, max(1, head_age - gap), surname))
        left -= 1
    out = []
    for relation, male, age, sname in plan:
        birth = _birth(rng, ref, age)
        out.append(Person(_name(rng, male, sname), _id_number(rng, prefix, birth, male, used), relation, male))
    return out


def _build_monitoring(cx: Ctx, sec: dict) -> dict:
    rng = cx.rng("monitoring")
    snaps = _sorted_periods(sec.get("snapshots", []))
    if not snaps:
        return {}
    ends = [_end(s["period"]) for s in snaps]
    start = sec.get("identified_from", dt.date(ends[0].year - 2, 1, 1))
    counts = [int(s["households"]) for s in snaps]
    idents: list[dt.date] = []
    for k, s in enumerate(snaps):
        n = counts[k] - (counts[k - 1] if k else 0)
        if n < 0:
            raise ValueError(f"监测对象户数不能减少：{s['period']}")
        lo = start if k == 0 else ends[k - 1] + dt.timedelta(days=1)
        ystart = dt.date(ends[k].year, 1, 1)
        nty = s.get("new_this_year")
        if nty is None or lo >= ystart:
            dates = [_uniform_date(rng, lo, ends[k]) for _ in range(n)]
        else:
            m = int(nty) - sum(1 for d in idents if d >= ystart)
            if not 0 <= m <= n:
                raise ValueError(f"{s['period']}：new_this_year={nty} 与户数不符")
            dates = [_uniform_date(rng, ystart, ends[k]) for _ in range(m)]
            dates += [_uniform_date(rng, lo, ystart - dt.timedelta(days=1)) for _ in range(n - m)]
        idents += sorted(dates)
    towns = cx.township_of(rng, len(idents))
    hh = [Household(i, towns[i], rng.choice(cx.villages[towns[i]]), d) for i, d in enumerate(idents)]

    last = snaps[-1]
    ylast = dt.date(ends[-1].year, 1, 1)
    new = [h for h in hh if h.ident >= ylast]
    old = sorted((h for h in hh if h.ident < ylast), key=lambda h: h.ident.toordinal() + rng.uniform(0, 500))
    n_elim = int(last["eliminated"])
    if n_elim > len(old):
        raise ValueError("风险消除户数多于可消除的户数")
    elim, rest = old[:n_elim], old[n_elim:]
    # roll-backs: eliminated at snapshot k-1, no longer at k
    rolled: list[Household] = []
    for k, s in enumerate(snaps):
        for _ in range(int(s.get("rolled_back", 0))):
            if k == 0:
                raise ValueError("第一期不能有风险消除回退")
            pool = [h for h in rest if h.rollback_at is None and h.ident <= ends[k - 1]]
            h = rng.choice(pool)
            h.rollback_at, h.window = k, k - 1
            rolled.append(h)
    # elimination windows
    prev_e = 0
    todo = list(elim)
    for k, s in enumerate(snaps):
        e = int(s["eliminated"])
        slots = e - prev_e + int(s.get("rolled_back", 0)) - sum(1 for h in rolled if h.window == k)
        if slots < 0:
            raise ValueError(f"{s['period']}：风险消除户数与回退户数不符")
        take = [h for h in todo if h.ident <= ends[k]][:slots]
        if len(take) < slots:
            raise ValueError(f"{s['period']}：可消除的户不足")
        for h in take:
            h.window = k
        todo = [h for h in todo if h.window is None]
        prev_e = e
    if todo:
        raise ValueError("最新一期风险消除户数与各期增量不符")
    for h in elim + rolled:
        k = h.window
        lo = h.ident if k == 0 else max(h.ident, ends[k - 1] + dt.timedelta(days=1))
        lag = h.ident + dt.timedelta(days=rng.randint(45, 240))
        h.elim_date = _uniform_date(rng, max(lo, lag) if max(lo, lag) <= ends[k] else lo, ends[k])
    # household sizes, by group, hitting the latest snapshot's people exactly
    s_new = _sizes(rng, len(new), last.get("new_people"))
    s_elim = _sizes(rng, len(elim), last.get("eliminated_people"))
    ppl = last.get("people")
    s_rest = _sizes(rng, len(rest), None if ppl is None else int(ppl) - sum(s_new) - sum(s_elim))
    for group, sizes in ((new, s_new), (elim, s_elim), (rest, s_rest)):
        for h, n in zip(group, sizes):
            h.size = n
    # codes: per village, in order of identification
    seq: dict[tuple[int, str], int] = {}
    for h in sorted(hh, key=lambda h: (h.town, cx.villages[h.town].index(h.village), h.ident, h.idx)):
        key = (h.town, h.village)
        seq[key] = seq.get(key, 0) + 1
        h.code = f"{cx.id_prefix}{h.town + 1:03d}{cx.villages[h.town].index(h.village) + 1:03d}{seq[key]:04d}"
    cats = sec.get("categories") or {c: 1 for c in CATEGORIES}
    risks = sec.get("risks") or {"因病": 1}
    for r in risks:
        if r not in RISKS:
            raise ValueError(f"未知的风险类型“{r}”（可用：{'、'.join(RISKS)}）")
    elim_ids = {h.idx for h in elim}
    used: set[str] = set()
    for h in hh:
        h.category = rng.choices(list(cats), weights=list(cats.values()))[0]
        h.risk = rng.choices(list(risks), weights=list(risks.values()))[0]
        if rng.random() < 0.3:
            others = [r for r in risks if r != h.risk]
            h.risk2 = rng.choice(others) if others else None
        if h.idx in elim_ids:
            lo, hi = (800000, 2200000) if rng.random() < 0.92 else (650000, 799999)
        else:
            lo, hi = 300000, 1100000
        h.income_fen = rng.randint(lo, hi)
        h.members = _members(rng, h.size, ends[-1], cx.id_prefix, used)
        h.phone = _phone(rng)
    return {"snapshots": snaps, "ends": ends, "households": hh, "from": start}


# ================================================================ build: income

def _build_income(cx: Ctx, sec: dict) -> dict:
    periods = sec.get("periods", [])
    if not periods:
        return {}
    rng = cx.rng("income")
    nh, npl = int(sec["households"]), int(sec["people"])
    towns = cx.township_of(rng, nh)
    villages = [rng.choice(cx.villages[t]) for t in towns]
    sizes = _sizes(rng, nh, npl)
    heads = [_name(rng, rng.random() < 0.85) for _ in range(nh)]
    phones = [_phone(rng) for _ in range(nh)]
    seq: dict[tuple[int, str], int] = {}
    codes = [""] * nh
    for i in sorted(range(nh), key=lambda i: (towns[i], cx.villages[towns[i]].index(villages[i]), i)):
        key = (towns[i], villages[i])
        seq[key] = seq.get(key, 0) + 1
        codes[i] = f"{cx.id_prefix}{towns[i] + 1:03d}{cx.villages[towns[i]].index(villages[i]) + 1:03d}{5000 + seq[key]:04d}"
    base = [rng.lognormvariate(0, 0.35) for _ in range(nh)]
    order = sorted(range(nh), key=lambda i: (base[i], i))
    values = {str(p["period"]): _income_period(rng, p, sizes, base, order) for p in periods}
    return {"periods": periods, "towns": towns, "villages": villages, "sizes": sizes, "heads": heads,
            "codes": codes, "phones": phones, "values": values}


def _swap_to_people(chosen: list[int], pool: list[int], sizes: list[int], target: int) -> list[int]:
    chosen, pool = list(chosen), list(pool)
    diff = target - sum(sizes[i] for i in chosen)
    while diff:
        for a in range(len(chosen) - 1, -1, -1):
            hit = next((b for b, j in enumerate(pool)
                        if (d := sizes[j] - sizes[chosen[a]]) and (d > 0) == (diff > 0) and abs(d) <= abs(diff)), None)
            if hit is not None:
                diff -= sizes[pool[hit]] - sizes[chosen[a]]
                chosen[a], pool[hit] = pool[hit], chosen[a]
                break
        else:
            raise ValueError(f"无法选出恰好 {target} 人的低收入户")
    return chosen


def _income_period(rng: random.Random, p: dict, sizes: list[int], base: list[float], order: list[int]) -> list[int]:
    """Per-capita income in fen for every household, hitting the period's exact mean and bands."""
    n_people = sum(sizes)
    total = _units(p["mean"]) * n_people
    margin = _units(p.get("band_margin", 100))
    bands = sorted(p.get("bands", []), key=lambda b: _dec(b["below"]))
    value: dict[int, int] = {}
    inner: list[int] = []
    lo = _units(p["min"]) if "min" in p else (int(_units(bands[0]["below"]) * 0.7) if bands else 0)
    lo_margin = 0 if "min" in p else margin
    for b in bands:
        thr, c = _units(b["below"]), int(b["households"])
        if c < len(inner):
            raise ValueError(f"{p['period']}：低于 {b['below']} 元的户数不能少于更低一档")
        taken = set(inner)
        rest = [i for i in order if i not in taken]
        extra, pool = rest[: c - len(inner)], rest[c - len(inner):]
        if "people" in b:
            extra = _swap_to_people(extra, pool, sizes, int(b["people"]) - sum(sizes[i] for i in inner))
        for i in extra:
            value[i] = rng.randint(lo + lo_margin, thr - margin)
        inner += extra
        lo, lo_margin = thr, margin
    floor = _units(p["floor"])
    if bands and floor < _units(bands[-1]["below"]):
        raise ValueError(f"{p['period']}：floor 应不低于最高一档")
    high = [i for i in range(len(sizes)) if i not in value]
    x = {i: base[i] * rng.lognormvariate(0, 0.12) for i in high}
    low_total = sum(value[i] * sizes[i] for i in value)
    k = (total - low_total - floor * sum(sizes[i] for i in high)) / sum(sizes[i] * x[i] for i in high)
    if k <= 0:
        raise ValueError(f"{p['period']}：平均收入 {p['mean']} 太低，达不到 floor {p['floor']}")
    for i in high:
        value[i] = floor + round(k * x[i])
    residual = total - sum(value[i] * sizes[i] for i in value)
    ones = [i for i in high if sizes[i] == 1 and value[i] + residual >= floor + margin]
    if not ones:
        raise ValueError(f"{p['period']}：找不到可吸收尾差的一人户")
    value[ones[0]] += residual
    return [value[i] for i in range(len(sizes))]


# ================================================================ build: township tables

def _build_employment(cx: Ctx, sec: dict) -> dict:
    periods = _sorted_periods(sec.get("periods", []))
    if not periods:
        return {}
    rng = cx.rng("employment")
    inds = list(sec.get("indicators", []))
    w = cx.weights
    targets: dict[str, list[list[int]]] = {}
    by_year: dict[tuple[int, tuple[int, ...]], list[list[int]]] = {}
    for p in periods:
        key = (_period(p["period"])[1], tuple(int(t) for t in p["targets"]))
        if key not in by_year:
            by_year[key] = [_split(int(t), w, rng, floor=1) for t in p["targets"]]
        targets[p["period"]] = by_year[key]
    done = {p["period"]: [] for p in periods}
    for j in range(len(inds)):
        for per, vals in _ytd_split([(p["period"], int(p["done"][j])) for p in periods], w, rng).items():
            done[per].append(vals)
    posts = _ytd_split([(p["period"], int(p["posts"])) for p in periods], w, rng, floor=1)
    by = {p["period"]: posts[p["period"]] for p in periods}
    sub = _ytd_split([(p["period"], _units(p["post_subsidy_wan"])) for p in periods], w, rng, by=by)
    ins = _ytd_split([(p["period"], _units(p["insurance_subsidy_wan"])) for p in periods], w, rng, by=by)
    return {"periods": periods, "indicators": inds, "targets": targets, "done": done, "posts": posts,
            "post_subsidy": sub, "insurance_subsidy": ins}


def _build_assistance(cx: Ctx, sec: dict) -> dict:
    periods = _sorted_periods(sec.get("periods", []))
    if not periods:
        return {}
    rng = cx.rng("assistance")
    types = list(sec.get("types", []))
    times: dict[str, list[list[int]]] = {p["period"]: [] for p in periods}
    amounts: dict[str, list[list[int]]] = {p["period"]: [] for p in periods}
    for j in range(len(types)):
        t = _ytd_split([(p["period"], int(p["times"][j])) for p in periods], cx.weights, rng)
        a = _ytd_split([(p["period"], _units(p["amount_wan"][j])) for p in periods], cx.weights, rng, by=t)
        for p in periods:
            times[p["period"]].append(t[p["period"]])
            amounts[p["period"]].append(a[p["period"]])
    return {"periods": periods, "types": types, "times": times, "amounts": amounts}


def _build_work(cx: Ctx, sec: dict) -> dict:
    periods = _sorted_periods(sec.get("periods", []))
    if not periods:
        return {}
    rng = cx.rng("work")
    cols = ("leads", "stationed", "pairing_cadres", "paired_households")
    vals = {c: _ytd_split([(p["period"], int(p[c])) for p in periods], cx.weights, rng, floor=1) for c in cols}
    verified = {}
    for p in periods:
        leads = vals["leads"][p["period"]]
        unv = _split_capped(int(p["leads"]) - int(p["verified"]), leads, leads, rng)
        verified[p["period"]] = [a - b for a, b in zip(leads, unv)]
    vals["verified"] = verified
    return {"periods": periods, "values": vals}


# ================================================================ build: platform cases

@dataclass
class Case:
    no: str
    town: int
    applicant: str
    item: str
    received: dt.date
    closed: dt.date | None = None


def _build_platform(cx: Ctx, sec: dict) -> dict:
    snaps = _sorted_periods(sec.get("snapshots", []))
    if not snaps:
        return {}
    rng = cx.rng("platform")
    items = sec.get("items") or {"临时救助": 1}
    by_year: dict[int, list[dict]] = {}
    for s in snaps:
        by_year.setdefault(_period(s["period"])[1], []).append(s)
    cases: dict[int, list[Case]] = {}
    for year, ss in by_year.items():
        ends = [_end(s["period"]) for s in ss]
        received: list[dt.date] = []
        for k, s in enumerate(ss):
            lo = dt.date(year, 1, 1) if k == 0 else ends[k - 1] + dt.timedelta(days=1)
            n = int(s["received"]) - len(received)
            if n < 0:
                raise ValueError(f"平台受理件数不能减少：{s['period']}")
            received += sorted(_uniform_date(rng, lo, ends[k]) for _ in range(n))
        towns = cx.township_of(rng, len(received))
        cs = [Case(f"{cx.id_prefix}{year}{i + 1:05d}", towns[i], _name(rng, rng.random() < 0.55),
                   rng.choices(list(items), weights=list(items.values()))[0], d) for i, d in enumerate(received)]
        closed = 0
        for k, s in enumerate(ss):
            need = int(s["closed"]) - closed
            lo = dt.date(year, 1, 1) if k == 0 else ends[k - 1] + dt.timedelta(days=1)
            pool = sorted((c for c in cs if c.closed is None and c.received <= ends[k]),
                          key=lambda c: c.received.toordinal() + rng.uniform(0, 25))
            if not 0 <= need <= len(pool):
                raise ValueError(f"{s['period']}：办结件数与受理件数不符")
            for c in pool[:need]:
                a = max(c.received, lo)
                c.closed = _uniform_date(rng, a, min(ends[k], a + dt.timedelta(days=rng.randint(0, 30))))
            closed = int(s["closed"])
        cases[year] = cs
    return {"snapshots": snaps, "cases": cases}


# ================================================================ build: project library

@dataclass
class Project:
    name: str
    town: int
    village: str
    category: str
    content: str
    invest: int                 # 0.01 万元
    source: str
    year: int
    integrated: bool
    entered: int                # first snapshot index holding it
    start: dt.date
    finish: dt.date

    def status(self, end: dt.date) -> str:
        return "未开工" if end < self.start else ("在建" if end < self.finish else "已完工")


def _build_projects(cx: Ctx, sec: dict) -> dict:
    snaps = _sorted_periods(sec.get("snapshots", []))
    if not snaps:
        return {}
    rng = cx.rng("projects")
    last = snaps[-1]
    ind = str(sec.get("industrial", "产业发展类"))
    others = sec.get("other_categories") or {"基础设施类": 1}
    n, tot = int(last["projects"]), _units(last["investment_wan"])
    ni, ti = int(last["industrial_projects"]), _units(last["industrial_investment_wan"])
    ng, tg = int(last["integrated_projects"]), _units(last["integrated_investment_wan"])
    ngi, tgi = int(last["integrated_industrial_projects"]), _units(last["integrated_industrial_investment_wan"])
    groups = [(True, True, ngi, tgi), (True, False, ni - ngi, ti - tgi),
              (False, True, ng - ngi, tg - tgi), (False, False, n - ni - ng + ngi, tot - ti - tg + tgi)]
    y = _end(last["period"]).year
    projects: list[Project] = []
    for is_ind, integ, count, amount in groups:
        if count < 0 or amount < 0 or (count == 0) != (amount == 0):
            raise ValueError("项目库目标不一致（个数与投资）")
        if count == 0:
            continue
        floor = 1000 if is_ind else 500
        if amount < floor * count:
            floor = 0
        inv = _split(amount, [rng.lognormvariate(0, 0.8) for _ in range(count)], rng, jitter=0, floor=floor)
        for v in inv:
            cat = ind if is_ind else rng.choices(list(others), weights=list(others.values()))[0]
            projects.append(Project("", 0, "", cat, "", v, "", y if integ else rng.choice((y - 2, y - 1, y, y)),
                                    integ, 0, dt.date(y, 1, 1), dt.date(y, 1, 1)))
    rng.shuffle(projects)
    # which snapshot first lists each project: later additions are current-year projects
    counts = [int(s["projects"]) for s in snaps]
    if counts != sorted(counts) or counts[-1] != n:
        raise ValueError("项目库各期个数应递增，且最新一期等于 projects")
    current = [p for p in projects if p.year == y]
    rng.shuffle(current)
    late = current[: n - counts[0]]
    if len(late) < n - counts[0]:
        raise ValueError("当年项目不足以作为后续新增项目")
    it = iter(late)
    for j in range(1, len(counts)):
        for _ in range(counts[j] - counts[j - 1]):
            next(it).entered = j
    towns = cx.township_of(rng, n)
    names: set[str] = set()
    first = [p for p in projects if p.entered == 0] + [p for p in projects if p.entered > 0]
    for p, t in zip(first, towns):
        p.town, p.village = t, rng.choice(cx.villages[t])
        tpl = PROJECT_TEMPLATES["产业" if p.category == ind else p.category] if (
            p.category == ind or p.category in PROJECT_TEMPLATES) else [(f"{p.category}项目", "按实施方案建设")]
        title, content = rng.choice(tpl)
        name = f"{cx.towns[t]}{p.village}{title}"
        k = 2
        base_name = name
        while name in names:
            name = f"{base_name}（{'一二三四五六七八九'[k - 1]}期）" if k <= 9 else f"{base_name}{k}"
            k += 1
        names.add(name)
        p.name = name
        p.content = content.format(n=rng.randint(50, 800), k=round(rng.uniform(0.8, 12), 1), a=rng.randint(3, 60) * 100,
                                   c=rng.randint(1, 6), t=rng.randint(2, 30) * 50, p=rng.randint(10, 400))
        p.source = (rng.choices(("涉农整合资金", "衔接资金"), weights=(7, 3))[0] if p.integrated
                    else rng.choices(("衔接资金", "其他"), weights=(65, 35))[0])
        if p.year < y:
            p.start = _uniform_date(rng, dt.date(p.year, 2, 1), dt.date(p.year, 9, 30))
        else:
            p.start = _uniform_date(rng, dt.date(y, 1, 15), dt.date(y, 10, 31))
        p.finish = p.start + dt.timedelta(days=rng.randint(90, 300))
    return {"snapshots": snaps, "projects": projects, "industrial": ind}


# ================================================================ build: all

def _build(cx: Ctx, prof: dict) -> dict:
    builders = (("monitoring", _build_monitoring), ("income", _build_income), ("employment", _build_employment),
                ("assistance", _build_assistance), ("platform", _build_platform), ("projects", _build_projects),
                ("work", _build_work), ("indicators", _build_indicators))
    data = {}
    for kind, fn in builders:
        if kind in prof:
            d = fn(cx, prof[kind])
            if d:
                data[kind] = d
    return data


def _build_indicators(cx: Ctx, sec: dict) -> dict:
    """Township values of the county's own indicators: sums split by weight (adding up to the county's figure),
    rates a little above or below the county's, county-only figures for the county alone."""
    rng = cx.rng("indicators")
    T = len(cx.towns)
    items = []
    for it in sec["items"]:
        kind = it["kind"]
        rows: dict[str, list] = {code: [None] * T for code, _ in sec["periods"]}
        for code, value in it["values"].items():
            if kind == "sum":
                rows[code] = _split(int(value), cx.weights, rng)
            elif kind == "rate":
                v = _dec(value)
                rows[code] = [min(Decimal(100), max(Decimal(0), (v + _dec(rng.randint(-600, 500)) / 100))).quantize(CENT)
                              for _ in range(T)]
            else:
                rows[code] = [None] * T
        target = it.get("target")
        targets = (_split(int(target), cx.weights, rng) if kind == "sum" else [None if kind == "county" else _dec(target)] * T)
        items.append({**it, "towns": rows, "town_targets": targets})
    return {"title": sec["title"], "periods": sec["periods"], "target_head": sec["target_head"], "items": items}


# ================================================================ figures and checks

def _area_or_money(value: Any, unit: str) -> tuple[str, Decimal]:
    """A 产业发展 cell → ("area", 亩) or ("money", 万元)."""
    text = str(value).strip()
    m = re.fullmatch(r"([0-9.]+)\s*(亿元|万元|元|万亩|亩)?", text)
    if not m:
        raise ValueError(f"无法识别的完成量：{value}")
    u = m[2] or unit
    num = Decimal(m[1])
    factors = {"亩": ("area", 1), "万亩": ("area", 10000), "元": ("money", Decimal("0.0001")),
               "万元": ("money", 1), "亿元": ("money", 10000)}
    if u not in factors:
        raise ValueError(f"无法识别的单位：{u}")
    kind, f = factors[u]
    return kind, num * f


def _figures(cx: Ctx, data: dict) -> dict:
    """The dashboard's figures per kind and period, computed from the generated records."""
    fig: dict[str, dict[str, dict]] = {}
    if mon := data.get("monitoring"):
        out = fig.setdefault("monitoring", {})
        for k, s in enumerate(mon["snapshots"]):
            end = mon["ends"][k]
            listed = [h for h in mon["households"] if h.ident <= end]
            el = [h for h in listed if h.eliminated(k)]
            new = [h for h in listed if h.ident.year == end.year]
            rb = [h for h in listed if h.rollback_at == k]
            ppl, eppl = sum(h.size for h in listed), sum(h.size for h in el)
            out[s["period"]] = {
                "households": len(listed), "people": ppl, "eliminated_households": len(el), "eliminated_people": eppl,
                "elimination_rate_people_pct": _pct(eppl, ppl), "elimination_rate_households_pct": _pct(len(el), len(listed)),
                "new_households": len(new), "new_people": sum(h.size for h in new), "rolled_back": len(rb)}
    if inc := data.get("income"):
        out = fig.setdefault("income", {})
        sizes = inc["sizes"]
        n = sum(sizes)
        means = {}
        for p in inc["periods"]:
            per = str(p["period"])
            vals = inc["values"][per]
            total = sum(v * s for v, s in zip(vals, sizes))
            means[per] = Decimal(total) / n / 100
            f = {"households": len(sizes), "people": n, "mean": means[per].quantize(CENT, ROUND_HALF_UP),
                 "mean_exact": total == _units(p["mean"]) * n, "_values": vals}
            out[per] = f
        for per, f in out.items():
            kind, y, m = _period(per)
            prev = f"{y - 1}" if kind == "year" else f"{y - 1}H{m // 6}"
            if prev in means:
                f["growth_amount"] = (f["mean"] - out[prev]["mean"])
                f["growth_pct"] = ((f["mean"] / out[prev]["mean"] - 1) * 100).quantize(CENT, ROUND_HALF_UP)
    if emp := data.get("employment"):
        out = fig.setdefault("employment", {})
        for p in emp["periods"]:
            per = p["period"]
            f = {"time_progress_pct": _pct(_period(per)[2], 12), "posts": sum(emp["posts"][per]),
                 "post_subsidy_wan": _wan(sum(emp["post_subsidy"][per])),
                 "insurance_subsidy_wan": _wan(sum(emp["insurance_subsidy"][per]))}
            for j, name in enumerate(emp["indicators"]):
                t, d = sum(emp["targets"][per][j]), sum(emp["done"][per][j])
                f[name] = {"target": t, "done": d, "rate_pct": _pct(d, t)}
            out[per] = f
    if asi := data.get("assistance"):
        out = fig.setdefault("assistance", {})
        for p in asi["periods"]:
            per = p["period"]
            out[per] = {t: {"times": sum(asi["times"][per][j]), "amount_wan": _wan(sum(asi["amounts"][per][j]))}
                        for j, t in enumerate(asi["types"])}
    if pla := data.get("platform"):
        out = fig.setdefault("platform", {})
        for s in pla["snapshots"]:
            end = _end(s["period"])
            cs = [c for c in pla["cases"][end.year] if c.received <= end]
            closed = sum(1 for c in cs if c.closed and c.closed <= end)
            out[s["period"]] = {"received": len(cs), "closed": closed,
                                "closure_rate_pct": _pct(closed, len(cs)) if cs else Decimal(0)}
    if pro := data.get("projects"):
        out = fig.setdefault("projects", {})
        for k, s in enumerate(pro["snapshots"]):
            ps = [p for p in pro["projects"] if p.entered <= k]
            ind = [p for p in ps if p.category == pro["industrial"]]
            g = [p for p in ps if p.integrated]
            gi = [p for p in g if p.category == pro["industrial"]]
            inv = lambda xs: sum(p.invest for p in xs)  # noqa: E731
            out[s["period"]] = {
                "projects": len(ps), "investment_wan": _wan(inv(ps)), "industrial_projects": len(ind),
                "industrial_investment_wan": _wan(inv(ind)), "industrial_share_pct": _pct(inv(ind), inv(ps)),
                "integrated_projects": len(g), "integrated_investment_wan": _wan(inv(g)),
                "integrated_industrial_projects": len(gi), "integrated_industrial_investment_wan": _wan(inv(gi)),
                "integrated_industrial_share_pct": _pct(inv(gi), inv(g)) if g else Decimal(0)}
    if wk := data.get("work"):
        out = fig.setdefault("work", {})
        for p in wk["periods"]:
            per = p["period"]
            f = {c: sum(v[per]) for c, v in wk["values"].items()}
            areas, loans = {}, {}
            for row in p.get("industry", []):
                kind, v = _area_or_money(row["value"], row["unit"])
                (areas if kind == "area" else loans)[row["item"]] = v
            f["industry_area_mu"], f["loans_wan"] = areas, loans
            out[per] = f
    return fig


def _compare(expected: Any, actual: Any, path: str, errors: list[str]) -> None:
    if isinstance(expected, dict):
        if not isinstance(actual, dict):
            errors.append(f"{path}: 期望一组数字，实际为 {actual!r}")
            return
        for key, val in expected.items():
            if key not in actual:
                errors.append(f"{path}.{key}: 样例数据中没有这一项")
            else:
                _compare(val, actual[key], f"{path}.{key}", errors)
        return
    try:
        ok = _dec(expected) == _dec(actual)
    except Exception:  # noqa: BLE001 - report any non-numeric mismatch
        ok = str(expected) == str(actual)
    if not ok:
        errors.append(f"{path}: 期望 {expected}，样例为 {actual}")


def _income_band(values: list[int], sizes: list[int], thr: int) -> tuple[int, int]:
    sel = [i for i, v in enumerate(values) if v < thr]
    return len(sel), sum(sizes[i] for i in sel)


def _check(cx: Ctx, prof: dict, data: dict) -> None:
    """Verify every target of the profile and every [expected] figure against the generated records."""
    errors: list[str] = []

    def need(cond: bool, msg: str) -> None:
        if not cond:
            errors.append(msg)

    fig = _figures(cx, data)
    all_towns = set(range(len(cx.towns)))
    if mon := data.get("monitoring"):
        hh = mon["households"]
        need(len({h.code for h in hh}) == len(hh), "监测对象：户编号重复")
        ids = [m.id_no for h in hh for m in h.members]
        need(len(set(ids)) == len(ids), "监测对象：证件号码重复")
        need(all(_id_check(i[:17]) == i[17] for i in ids), "监测对象：证件号码校验位错误")
        need(all(len(h.members) == h.size and h.members[0].relation == "户主" for h in hh), "监测对象：成员数与人口数不符")
        for k, s in enumerate(mon["snapshots"]):
            per, end = s["period"], mon["ends"][k]
            f = fig["monitoring"][per]
            need(f["households"] == int(s["households"]), f"监测对象 {per}：户数 {f['households']} ≠ {s['households']}")
            need(f["eliminated_households"] == int(s["eliminated"]), f"监测对象 {per}：消除户数 {f['eliminated_households']} ≠ {s['eliminated']}")
            for key, fk in (("people", "people"), ("eliminated_people", "eliminated_people"),
                            ("new_this_year", "new_households"), ("new_people", "new_people"), ("rolled_back", "rolled_back")):
                if key in s:
                    need(f[fk] == int(s[key]), f"监测对象 {per}：{key} {f[fk]} ≠ {s[key]}")
            listed = [h for h in hh if h.ident <= end]
            need({h.town for h in listed} == all_towns, f"监测对象 {per}：有乡镇没有户")
            for h in listed:
                need(h.ident >= mon["from"], f"监测对象 {per}：识别时间早于起点")
                if h.eliminated(k):
                    need(h.elim_date is not None and h.ident <= h.elim_date <= end, f"监测对象 {per}：户 {h.code} 消除时间不合理")
            if k:
                prev_elim = {h.idx for h in hh if h.ident <= mon["ends"][k - 1] and h.eliminated(k - 1)}
                now_elim = {h.idx for h in listed if h.eliminated(k)}
                need(len(prev_elim - now_elim) == int(s.get("rolled_back", 0)), f"监测对象 {per}：回退户数不符")
        new_last = [h for h in hh if h.ident.year == mon["ends"][-1].year]
        need(not any(h.eliminated(len(mon["snapshots"]) - 1) for h in new_last), "监测对象：当年新识别户不应已消除")
    if inc := data.get("income"):
        need(set(inc["towns"]) == all_towns, "收入：有乡镇没有户")
        need(len(inc["sizes"]) == int(prof["income"]["households"]) and sum(inc["sizes"]) == int(prof["income"]["people"]),
             "收入：户数或人数不符")
        need(len(set(inc["codes"])) == len(inc["codes"]), "收入：户编号重复")
        for p in inc["periods"]:
            per = str(p["period"])
            f = fig["income"][per]
            vals = f["_values"]
            need(f["mean_exact"], f"收入 {per}：人均纯收入不是恰好 {p['mean']}")
            floor = _units(p["floor"])
            bands = sorted(p.get("bands", []), key=lambda b: _dec(b["below"]))
            top = _units(bands[-1]["below"]) if bands else None
            need(all(v >= floor or (top is not None and v < top) for v in vals), f"收入 {per}：有户落在分档与 floor 之间")
            for b in bands:
                h, n = _income_band(vals, inc["sizes"], _units(b["below"]))
                need(h == int(b["households"]), f"收入 {per}：低于 {b['below']} 元 {h} 户 ≠ {b['households']}")
                if "people" in b:
                    need(n == int(b["people"]), f"收入 {per}：低于 {b['below']} 元 {n} 人 ≠ {b['people']}")
    if emp := data.get("employment"):
        for p in emp["periods"]:
            per = p["period"]
            f = fig["employment"][per]
            for j, name in enumerate(emp["indicators"]):
                need(f[name]["target"] == int(p["targets"][j]) and f[name]["done"] == int(p["done"][j]), f"就业 {per}：{name} 合计不符")
                need(all(t > 0 for t in emp["targets"][per][j]), f"就业 {per}：{name} 有乡镇目标为 0")
            need(f["posts"] == int(p["posts"]), f"就业 {per}：公益性岗位合计不符")
            need(f["post_subsidy_wan"] == _dec(p["post_subsidy_wan"]), f"就业 {per}：岗位补贴合计不符")
            need(f["insurance_subsidy_wan"] == _dec(p["insurance_subsidy_wan"]), f"就业 {per}：社保补贴合计不符")
    if asi := data.get("assistance"):
        for p in asi["periods"]:
            per = p["period"]
            for j, t in enumerate(asi["types"]):
                f = fig["assistance"][per][t]
                need(f["times"] == int(p["times"][j]) and f["amount_wan"] == _dec(p["amount_wan"][j]), f"社会救助 {per}：{t} 合计不符")
                need(all(a == 0 or n > 0 for n, a in zip(asi["times"][per][j], asi["amounts"][per][j])),
                     f"社会救助 {per}：{t} 有乡镇金额不为 0 而人次为 0")
    if pla := data.get("platform"):
        for s in pla["snapshots"]:
            per, end = s["period"], _end(s["period"])
            f = fig["platform"][per]
            need(f["received"] == int(s["received"]) and f["closed"] == int(s["closed"]), f"救助平台 {per}：受理或办结件数不符")
            cs = [c for c in pla["cases"][end.year] if c.received <= end]
            need({c.town for c in cs} == all_towns, f"救助平台 {per}：有乡镇没有案件")
            need(all(c.closed is None or c.closed >= c.received for c in cs), f"救助平台 {per}：办结日期早于受理日期")
    if pro := data.get("projects"):
        for k, s in enumerate(pro["snapshots"]):
            per = s["period"]
            f = fig["projects"][per]
            for key in ("projects", "investment_wan", "industrial_projects", "industrial_investment_wan", "integrated_projects",
                        "integrated_investment_wan", "integrated_industrial_projects", "integrated_industrial_investment_wan"):
                if key in s:
                    need(_dec(f[key]) == _dec(s[key]), f"项目库 {per}：{key} {f[key]} ≠ {s[key]}")
            need({p.town for p in pro["projects"] if p.entered <= k} == all_towns, f"项目库 {per}：有乡镇没有项目")
        need(len({p.name for p in pro["projects"]}) == len(pro["projects"]), "项目库：项目名称重复")
    if wk := data.get("work"):
        for p in wk["periods"]:
            per = p["period"]
            for c in ("leads", "verified", "stationed", "pairing_cadres", "paired_households"):
                need(fig["work"][per][c] == int(p[c]), f"工作台账 {per}：{c} 合计不符")
            need(all(v <= lead for v, lead in zip(wk["values"]["verified"][per], wk["values"]["leads"][per])),
                 f"工作台账 {per}：核实线索多于推送线索")
    for kind, periods in (prof.get("expected") or {}).items():
        for per, exp in periods.items():
            actual = fig.get(kind, {}).get(str(per))
            if actual is None:
                errors.append(f"expected.{kind}.{per}: 样例数据中没有这一期")
                continue
            for key, val in exp.items():
                m = re.fullmatch(r"below_(\d+(?:\.\d+)?)_(households|people)", key)
                if kind == "income" and m:
                    h, n = _income_band(actual["_values"], data["income"]["sizes"], _units(m[1]))
                    _compare(val, h if m[2] == "households" else n, f"expected.{kind}.{per}.{key}", errors)
                elif key not in actual:
                    errors.append(f"expected.{kind}.{per}.{key}: 样例数据中没有这一项")
                else:
                    _compare(val, actual[key], f"expected.{kind}.{per}.{key}", errors)
    if errors:
        raise ValueError("样例配置与生成的数据不符：\n  " + "\n  ".join(errors))


# ================================================================ sheet model and renderers

@dataclass
class Sheet:
    """Cells: None (empty), str (text cell), int (number), Decimal (number, 0.00), date (date cell)."""

    name: str
    rows: list[list[Any]] = field(default_factory=list)
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)
    hidden: set[int] = field(default_factory=set)
    widths: dict[int, float] = field(default_factory=dict)
    styles: dict[int, str] = field(default_factory=dict)   # row -> title / unit / header / total / note
    date_format: str = "yyyy-mm-dd"

    def add(self, cells: list[Any] | tuple = (), style: str | None = None) -> int:
        self.rows.append(list(cells))
        r = len(self.rows) - 1
        if style:
            self.styles[r] = style
        return r

    def title(self, text: str, width: int) -> None:
        r = self.add([text], "title")
        if width > 1:
            self.merges.append((r, 0, r, width - 1))

    def header2(self, first: list[str | None], groups: list[tuple[str, list[str]]]) -> None:
        """Two-row header: ``first`` columns merged vertically, then ``groups`` merged horizontally."""
        r = len(self.rows)
        top: list[Any] = list(first)
        sub: list[Any] = [None] * len(first)
        for c in range(len(first)):
            self.merges.append((r, c, r + 1, c))
        for label, measures in groups:
            c0 = len(top)
            top += [label] + [None] * (len(measures) - 1)
            sub += measures
            if len(measures) > 1:
                self.merges.append((r, c0, r, c0 + len(measures) - 1))
        self.add(top, "header")
        self.add(sub, "header")


def _write_xlsx(path: Path, sheets: list[Sheet], created: dt.datetime) -> Path:
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    wb.set_properties({"created": created})
    base = {"font_name": "宋体", "font_size": 10}
    fmts = {
        "title": wb.add_format({**base, "bold": True, "font_size": 14, "align": "center"}),
        "unit": wb.add_format(base),
        "note": wb.add_format(base),
        "header": wb.add_format({**base, "bold": True, "border": 1, "align": "center", "valign": "vcenter",
                                 "text_wrap": True}),
        "cell": wb.add_format({**base, "border": 1}),
        "total": wb.add_format({**base, "border": 1, "bold": True}),
    }
    num_fmts: dict[tuple[str, str], Any] = {}

    def fmt(style: str, num: str | None):
        if num is None:
            return fmts[style]
        key = (style, num)
        if key not in num_fmts:
            extra = {"bold": True} if style == "total" else {}
            num_fmts[key] = wb.add_format({**base, "border": 1, "num_format": num, **extra})
        return num_fmts[key]

    for sh in sheets:
        ws = wb.add_worksheet(sh.name)
        for c in sorted(set(sh.widths) | sh.hidden):
            ws.set_column(c, c, sh.widths.get(c, 10), None, {"hidden": c in sh.hidden})
        for r, c, v, style, merge in _cells(sh):
            if merge:
                ws.merge_range(r, c, *merge, "" if v is None else str(v), fmts[style])
            elif isinstance(v, str):
                ws.write_string(r, c, v, fmts[style])
            elif isinstance(v, bool):
                raise TypeError("布尔值不应出现在样例单元格中")
            elif isinstance(v, int):
                ws.write_number(r, c, v, fmts[style])
            elif isinstance(v, Decimal):
                ws.write_number(r, c, float(v), fmt(style, "0.00"))
            elif isinstance(v, dt.date):
                ws.write_datetime(r, c, dt.datetime.combine(v, dt.time()), fmt(style, sh.date_format))
            else:
                raise TypeError(f"不支持的单元格类型：{type(v)}")
    wb.close()
    return path


def _cells(sh: "Sheet"):
    """(row, col, value, style, merge end or None) for every cell to write; merged areas once."""
    covered = {(r, c) for r1, c1, r2, c2 in sh.merges for r in range(r1, r2 + 1) for c in range(c1, c2 + 1)}
    firsts = {(r1, c1): (r2, c2) for r1, c1, r2, c2 in sh.merges}
    for r, row in enumerate(sh.rows):
        style = sh.styles.get(r, "cell")
        for c, v in enumerate(row):
            if (r, c) in firsts:
                yield r, c, v, style, firsts[(r, c)]
            elif (r, c) not in covered and v is not None:
                yield r, c, v, style, None


def _write_xls(path: Path, sheets: list[Sheet]) -> Path:
    wb = xlwt.Workbook(encoding="utf-8")
    plain = "font: name 宋体, height 200"
    st = {
        "title": xlwt.easyxf("font: name 宋体, bold on, height 280; align: horiz center"),
        "unit": xlwt.easyxf(plain),
        "note": xlwt.easyxf(plain),
        "header": xlwt.easyxf("font: name 宋体, bold on, height 200; align: horiz center, vert center, wrap on;"
                              " borders: left thin, right thin, top thin, bottom thin"),
        "cell": xlwt.easyxf(plain + "; borders: left thin, right thin, top thin, bottom thin"),
        "total": xlwt.easyxf("font: name 宋体, bold on, height 200; borders: left thin, right thin, top thin, bottom thin"),
    }
    money = {s: xlwt.easyxf((plain if s != "total" else "font: name 宋体, bold on, height 200")
                            + "; borders: left thin, right thin, top thin, bottom thin", num_format_str="0.00")
             for s in ("cell", "total")}
    dates = xlwt.easyxf(plain + "; borders: left thin, right thin, top thin, bottom thin", num_format_str="YYYY-MM-DD")
    for sh in sheets:
        ws = wb.add_sheet(sh.name)
        for c, w in sh.widths.items():
            ws.col(c).width = int(256 * w)
        for c in sh.hidden:
            ws.col(c).hidden = True
        for r, c, v, style, merge in _cells(sh):
            if merge:
                ws.write_merge(r, merge[0], c, merge[1], "" if v is None else str(v), st[style])
            elif isinstance(v, (str, int)) and not isinstance(v, bool):
                ws.write(r, c, v, st[style])
            elif isinstance(v, Decimal):
                ws.write(r, c, float(v), money.get(style, money["cell"]))
            elif isinstance(v, dt.date):
                ws.write(r, c, v, dates)
            else:
                raise TypeError(f"不支持的单元格类型：{type(v)}")
    wb.save(str(path))
    return path


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    if isinstance(v, dt.date):
        return v.isoformat()
    return str(v)


def _write_csv(path: Path, rows: list[list[Any]]) -> Path:
    with open(path, "w", encoding="gbk", errors="strict", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        for row in rows:
            w.writerow([_csv_cell(v) for v in row])
    return path


def _save(cx: Ctx, path: Path, sheets: list[Sheet], fmt: str) -> Path:
    if fmt == "xlsx":
        return _write_xlsx(path.with_suffix(".xlsx"), sheets, cx.created)
    if fmt == "xls":
        return _write_xls(path.with_suffix(".xls"), sheets)
    raise ValueError(f"此类数据不支持格式 {fmt}")


def _notes(cx: Ctx, rng: random.Random, kind: str, extra: str | None = None) -> list[str]:
    out = [extra] if extra else []
    dept = cx.departments.get(kind)
    if dept:
        out.append(f"填报单位：{dept}")
    out.append(f"填表人：{_name(rng, rng.random() < 0.5)}    审核人：{_name(rng, rng.random() < 0.5)}")
    return out


def _date_text(d: dt.date, form: str) -> Any:
    if form == "iso":
        return d.isoformat()
    if form == "slash":
        return f"{d.year}/{d.month}/{d.day}"
    if form == "dot":
        return f"{d.year}.{d.month}.{d.day}"
    if form == "cn":
        return f"{d.year}年{d.month}月{d.day}日"
    if form == "month":
        return f"{d.year}{d.month:02d}"
    if form == "compact":
        return f"{d:%Y%m%d}"
    if form == "serial":
        return (d - EXCEL_EPOCH).days
    if form == "cell":
        return d
    raise ValueError(form)


# ================================================================ writers: monitoring

_HH_VARIANTS = (
    {"headers": ("序号", "乡镇", "行政村", "户编号", "户主姓名", "证件号码", "家庭人口数", "监测对象类别", "主要风险类型",
                 "识别监测时间", "风险是否已消除", "风险消除时间", "家庭人均纯收入（元）", "联系电话"),
     "hidden": "联系电话", "dates": ("cell",), "risk": "name"},
    {"headers": ("序号", "乡（镇）", "村", "户码", "户主", "身份证号码", "人口数", "监测对象类型", "风险类型",
                 "识别时间", "风险是否消除", "消除时间", "人均纯收入", "备注"),
     "hidden": "备注", "dates": ("slash", "iso", "month", "slash", "dot"), "risk": "name"},
    {"headers": ("序号", "所属乡镇", "行政村名称", "家庭编号", "户主姓名", "户主证件号码", "家庭人口", "监测对象类别",
                 "致贫返贫风险1", "纳入监测时间", "是否消除风险", "风险消除时间", "家庭年人均纯收入", "联系电话"),
     "hidden": "联系电话", "dates": ("serial", "serial", "serial", "cell", "cn"), "risk": "variant"},
)
_PERSON_HEADERS = ("序号", "户编号", "人编号", "姓名", "证件号码", "与户主关系", "人数", "乡镇", "行政村",
                   "易返贫致贫户(监测对象)类型", "风险是否消除", "风险识别时间", "风险消除时间", "人均纯收入（元）",
                   "致贫/返贫风险1", "致贫/返贫风险2", "联系电话")


def _write_monitoring(cx: Ctx, mon: dict, out: Path) -> list[Path]:
    rng = cx.rng("monitoring-files")
    paths = []
    hh_index = 0
    for k, s in enumerate(mon["snapshots"]):
        per, end = s["period"], mon["ends"][k]
        listed = sorted((h for h in mon["households"] if h.ident <= end),
                        key=lambda h: (h.town, cx.villages[h.town].index(h.village), h.code))
        layout = s.get("layout", "household")
        fmt = s.get("format", "xlsx")
        if layout == "person":
            stem = f"{cx.county}防返贫监测对象人员明细（{_snap_label(per)}）"
            sheets = [_monitoring_person_sheet(cx, rng, stem, listed, k)]
        else:
            stem = f"{cx.county}防返贫监测对象名单（{_snap_label(per)}）"
            sheets = [_monitoring_household_sheet(cx, rng, stem, listed, k, _HH_VARIANTS[hh_index % len(_HH_VARIANTS)],
                                                  blank_row=hh_index % 3 == 0, mess=fmt == "xls" or hh_index % 3 == 1)]
            hh_index += 1
        paths.append(_save(cx, out / stem, sheets, fmt))
    return paths


def _monitoring_household_sheet(cx, rng, title, listed, k, var, blank_row, mess) -> Sheet:
    heads = var["headers"]
    sh = Sheet("监测对象名单")
    sh.title(title, len(heads))
    sh.add(heads, "header")
    for c, w in enumerate((6, 12, 12, 18, 10, 20, 10, 14, 12, 12, 12, 12, 14, 14)):
        sh.widths[c] = w
    sh.hidden.add(heads.index(var["hidden"]))
    forms = var["dates"]
    for n, h in enumerate(listed, 1):
        eliminated = h.eliminated(k)
        form = forms[(h.idx * 7 + k) % len(forms)]
        iform = "iso" if form == "month" and eliminated and h.elim_date.strftime("%Y%m") == h.ident.strftime("%Y%m") else form
        eform = "iso" if form == "month" else form
        town: str = cx.towns[h.town]
        size: Any = h.size
        income: Any = Decimal(h.income_fen).scaleb(-2)
        if mess:
            if h.idx % 23 == 5:
                town += " "
            if h.idx % 97 == 11:
                size = str(h.size).translate(FULLWIDTH)
            if h.idx % 31 == 7:
                income = _thousands(income)
        risk = h.risk if var["risk"] == "name" else RISKS[h.risk][1]
        last_col = h.phone if var["hidden"] == "联系电话" else ("风险消除回退" if h.rollback_at == k else None)
        sh.add([n, town, h.village, h.code, h.members[0].name, h.members[0].id_no, size, h.category, risk,
                _date_text(h.ident, iform), "是" if eliminated else "否",
                _date_text(h.elim_date, eform) if eliminated else None, income, last_col])
        if blank_row and n == len(listed) // 2:
            sh.add([])
    sh.add([])
    for line in _notes(cx, rng, "monitoring", "注：本表数据来源于全国防返贫监测信息系统，风险未消除的户“风险消除时间”为空。"):
        sh.add([line], "note")
    return sh


def _monitoring_person_sheet(cx, rng, title, listed, k) -> Sheet:
    heads = _PERSON_HEADERS
    sh = Sheet("人员明细")
    sh.title(title, len(heads))
    sh.add(heads, "header")
    for c, w in enumerate((6, 18, 20, 10, 20, 10, 6, 12, 12, 16, 10, 12, 12, 12, 10, 10, 14)):
        sh.widths[c] = w
    sh.hidden.add(heads.index("联系电话"))
    n = 0
    for h in listed:
        eliminated = h.eliminated(k)
        form = ("cell", "iso", "iso", "slash")[h.idx % 4]
        town = cx.towns[h.town] + (" " if h.idx % 41 == 3 else "")
        code1 = RISKS[h.risk][0] or h.risk
        code2 = (RISKS[h.risk2][0] or h.risk2) if h.risk2 else None
        ident = _date_text(h.ident, form)
        elim = _date_text(h.elim_date, form) if eliminated else None
        income = Decimal(h.income_fen).scaleb(-2)
        for j, m in enumerate(h.members, 1):
            n += 1
            sh.add([n, h.code, f"{h.code}{j:02d}", m.name, m.id_no, m.relation, h.size, town, h.village, h.category,
                    "是" if eliminated else "否", ident, elim, income, code1, code2, h.phone if j == 1 else None])
    sh.add([])
    for line in _notes(cx, rng, "monitoring", "注：一人一行；户级字段在每个成员行上重复。风险代码：01因病、02因自然灾害、03因残、"
                       "04因缺劳动力、05因意外事故、06因产业失败、07因务工就业不稳、09因学、99其他。"):
        sh.add([line], "note")
    return sh


# ================================================================ writers: income

def _write_income(cx: Ctx, inc: dict, out: Path) -> list[Path]:
    rng = cx.rng("income-files")
    paths = []
    order = sorted(range(len(inc["sizes"])),
                   key=lambda i: (inc["towns"][i], cx.villages[inc["towns"][i]].index(inc["villages"][i]), inc["codes"][i]))
    for v, p in enumerate(inc["periods"]):
        per = str(p["period"])
        stem = f"{cx.county}{_income_label(per)}脱贫户收入监测表"
        vals = inc["values"][per]
        fmt = p.get("format", "xlsx")
        variant = v % 3
        if fmt == "csv":
            heads = ["乡镇", "行政村", "户编号", "户主姓名", "家庭人口数", "人均纯收入（元）"]
            rows: list[list[Any]] = [[stem], heads]
            for i in order:
                rows.append([cx.towns[inc["towns"][i]], inc["villages"][i], inc["codes"][i], inc["heads"][i],
                             inc["sizes"][i], Decimal(vals[i]).scaleb(-2)])
            rows += [[line] for line in _notes(cx, rng, "income")]
            paths.append(_write_csv(out / f"{stem}.csv", rows))
            continue
        if variant == 0:
            heads = ["序号", "乡镇", "行政村", "户编号", "户主姓名", "家庭人口数", "人均纯收入（元）", "年度", "联系电话"]
        elif variant == 1:
            heads = ["序号", "乡镇", "行政村", "户编号", "户主", "人口数", "人均纯收入（元）", "家庭纯收入（元）"]
        else:
            heads = ["序号", "乡镇名称", "村", "户码", "户主姓名", "家庭人口", "人均纯收入（元）", "家庭纯收入（元）"]
        sh = Sheet("收入监测")
        sh.title(stem, len(heads))
        sh.add(["单位：元、人"], "unit")
        sh.add(heads, "header")
        for c, w in enumerate((6, 12, 12, 18, 10, 10, 16, 16, 14)):
            sh.widths[c] = w
        if "联系电话" in heads:
            sh.hidden.add(heads.index("联系电话"))
        for n, i in enumerate(order, 1):
            pc = Decimal(vals[i]).scaleb(-2)
            town = cx.towns[inc["towns"][i]]
            row: list[Any] = [n, town, inc["villages"][i], inc["codes"][i], inc["heads"][i], inc["sizes"][i]]
            if variant == 0:
                row += [pc, f"{_period(per)[1]}年度", inc["phones"][i]]
                if i % 37 == 4:
                    row[1] = town + " "
            else:
                fam = Decimal(vals[i] * inc["sizes"][i]).scaleb(-2)
                if variant == 2 and i % 9 == 2:
                    row += [_thousands(pc), _thousands(fam)]
                else:
                    row += [pc, fam]
                if variant == 2 and i % 29 == 6:
                    row[1] = town + "  "
            sh.add(row)
            if variant == 1 and n == 100:
                sh.add([])
        sh.add([])
        for line in _notes(cx, rng, "income", "注：人均纯收入=家庭纯收入÷家庭人口数。"):
            sh.add([line], "note")
        paths.append(_save(cx, out / stem, [sh], fmt))
    return paths


# ================================================================ writers: township tables

def _township_label(cx: Ctx, t: int, messy: bool) -> str:
    return cx.towns[t] + (" " if messy and t % 3 == 0 else "")


def _write_employment(cx: Ctx, emp: dict, out: Path) -> list[Path]:
    rng = cx.rng("employment-files")
    paths = []
    T = len(cx.towns)
    for v, p in enumerate(emp["periods"]):
        per = p["period"]
        ytd = _ytd_label(per)
        stem = f"{cx.county}{ytd}就业工作完成情况表"
        sh = Sheet("就业目标任务")
        width = 1 + 3 * len(emp["indicators"])
        sh.title(stem, width)
        sh.add(["单位：人、%"], "unit")
        sh.header2(["乡镇"], [(name, ["目标任务", "完成数", "完成率"]) for name in emp["indicators"]])
        sh.widths.update({0: 14, **{c: 11 for c in range(1, width)}})
        for t in range(T):
            row: list[Any] = [_township_label(cx, t, v % 3 == 1)]
            for j in range(len(emp["indicators"])):
                tg, dn = emp["targets"][per][j][t], emp["done"][per][j][t]
                row += [tg, dn, f"{_pct(dn, tg)}%"]
            if v % 3 == 1 and t == 1:
                row[2] = str(row[2]).translate(FULLWIDTH)
            sh.add(row)
        if v % 3 == 1:
            sh.add([])
        tot: list[Any] = ["全县合计"]
        for j in range(len(emp["indicators"])):
            tg, dn = sum(emp["targets"][per][j]), sum(emp["done"][per][j])
            tot += [_thousands(tg), _thousands(dn), f"{_pct(dn, tg)}%"] if v % 3 == 2 else [tg, dn, f"{_pct(dn, tg)}%"]
        sh.add(tot, "total")
        sh.add([])
        for line in _notes(cx, rng, "employment", "注：完成率=完成数÷目标任务，四舍五入保留两位小数。"):
            sh.add([line], "note")

        posts = Sheet("公益性岗位")
        heads = ["乡镇", "城镇公益性岗位（个）", "岗位补贴（万元）", "社会保险补贴（万元）"]
        posts.title(f"{cx.county}{ytd}城镇公益性岗位使用情况表", len(heads))
        posts.add(heads, "header")
        posts.widths.update({0: 14, 1: 16, 2: 16, 3: 18})
        for t in range(T):
            posts.add([cx.towns[t], emp["posts"][per][t], _wan(emp["post_subsidy"][per][t]),
                       _wan(emp["insurance_subsidy"][per][t])])
        posts.add(["全县合计", sum(emp["posts"][per]), _wan(sum(emp["post_subsidy"][per])),
                   _wan(sum(emp["insurance_subsidy"][per]))], "total")
        posts.add([])
        for line in _notes(cx, rng, "employment"):
            posts.add([line], "note")
        paths.append(_save(cx, out / stem, [sh, posts], "xlsx"))
    return paths


def _write_assistance(cx: Ctx, asi: dict, out: Path) -> list[Path]:
    rng = cx.rng("assistance-files")
    paths = []
    T = len(cx.towns)
    types = asi["types"]
    wide_index = 0
    for p in asi["periods"]:
        per = p["period"]
        stem = f"{cx.county}{_ytd_label(per)}社会救助发放情况表"
        times, amounts = asi["times"][per], asi["amounts"][per]
        if p.get("format", "xlsx") == "csv":
            rows: list[list[Any]] = [[stem], ["乡镇", "救助类别", "人次", "金额（元）"]]
            for t in range(T):
                for j, name in enumerate(types):
                    yuan = amounts[j][t] * 100
                    rows.append([cx.towns[t], name, times[j][t], _thousands(yuan) if yuan >= 1000 and t % 2 else yuan])
            rows += [[line] for line in _notes(cx, rng, "assistance")]
            paths.append(_write_csv(out / f"{stem}.csv", rows))
            continue
        v = wide_index
        wide_index += 1
        sh = Sheet("社会救助")
        width = 1 + 2 * len(types)
        sh.title(stem, width)
        amount_head = "金额（万元）" if v % 3 == 0 else "金额"
        if v % 3 != 0:
            sh.add(["单位：人次、万元"], "unit")
        sh.header2(["乡镇"], [(name, ["人次", amount_head]) for name in types])
        sh.widths.update({0: 14, **{c: 11 for c in range(1, width)}})
        for t in range(T):
            row: list[Any] = [_township_label(cx, t, v % 3 == 1)]
            for j in range(len(types)):
                row += [times[j][t], _wan(amounts[j][t])]
            sh.add(row)
        tot: list[Any] = ["全县合计"]
        for j in range(len(types)):
            tt, aa = sum(times[j]), _wan(sum(amounts[j]))
            if v % 3 == 2:
                tot += [str(tt).translate(FULLWIDTH) if j == 0 else _thousands(tt), aa]
            else:
                tot += [tt, aa]
        sh.add(tot, "total")
        sh.add([])
        for line in _notes(cx, rng, "assistance", "注：人次、金额均为年初至本月累计。"):
            sh.add([line], "note")
        paths.append(_save(cx, out / stem, [sh], "xlsx"))
    return paths


def _write_work(cx: Ctx, wk: dict, out: Path) -> list[Path]:
    rng = cx.rng("work-files")
    paths = []
    T = len(cx.towns)
    cols = (("推送预警线索（条）", "leads"), ("核实预警线索（条）", "verified"), ("驻村帮扶干部（人）", "stationed"),
            ("结对帮扶干部（人）", "pairing_cadres"), ("结对帮扶户（户）", "paired_households"))
    for v, p in enumerate(wk["periods"]):
        per = p["period"]
        ytd = _ytd_label(per)
        stem = f"{cx.county}{ytd}监测帮扶工作台账"
        sh = Sheet("工作台账")
        heads = ["乡镇"] + [c for c, _ in cols]
        sh.title(f"{cx.county}{_ytd_label(per, '—' if v % 2 else '-')}防止返贫监测帮扶工作台账", len(heads))
        sh.add(heads, "header")
        sh.widths.update({0: 14, **{c: 16 for c in range(1, len(heads))}})
        for t in range(T):
            sh.add([_township_label(cx, t, v % 2 == 1)] + [wk["values"][key][per][t] for _, key in cols])
            if v % 2 == 0 and t == T // 2 and T > 2:
                sh.add([])
        total: list[Any] = ["全县合计"] + [sum(wk["values"][key][per]) for _, key in cols]
        if v % 2 == 1:
            total[1] = _thousands(total[1])
        sh.add(total, "total")
        sh.add([])
        for line in _notes(cx, rng, "work"):
            sh.add([line], "note")
        sheets = [sh]
        if p.get("industry"):
            ind = Sheet("产业发展")
            heads2 = ["类别", "项目", "单位", "完成量"]
            ind.title(f"{cx.county}{ytd}产业发展和金融支持情况", len(heads2))
            ind.add(heads2, "header")
            ind.widths.update({0: 12, 1: 18, 2: 8, 3: 12})
            for row in p["industry"]:
                val = row["value"]
                cell: Any = val if isinstance(val, int) else (str(val) if re.search(r"[^0-9.]", str(val)) else Decimal(str(val)))
                ind.add([row["category"], row["item"], row["unit"], cell])
            ind.add([])
            for line in _notes(cx, rng, "work", "注：完成量为年初至本月累计；单元格内注明单位的，以单元格为准。"):
                ind.add([line], "note")
            sheets.append(ind)
        paths.append(_save(cx, out / stem, sheets, "xlsx"))
    return paths


def _write_indicators(cx: Ctx, ind: dict, out: Path) -> list[Path]:
    """A messy monitoring sheet: a title and a unit line, a 序号 column, indicators in a merged upper header with
    their units, periods and the year's target below, the 全县 row first, some rates written with %, an area in
    万亩, county-only figures as “—”, a blank row and the notes and signatures under the table."""
    rng = cx.rng("indicators-files")
    T = len(cx.towns)
    sh = Sheet("重点指标")
    subs = [head for _, head in ind["periods"]] + [ind["target_head"]]
    groups = [(f"{it['name']}（{it['unit']}）", subs) for it in ind["items"]]
    width = 2 + len(subs) * len(groups)
    sh.title(f"{cx.county}{ind['title']}", width)
    sh.add(["填报单位：" + cx.departments.get("indicators", ""), None, None, None, "单位：见各指标"], "unit")
    sh.header2(["序号", "乡镇"], groups)
    sh.widths.update({0: 6, 1: 12, **{c: 11 for c in range(2, width)}})

    def cell(it, v, col: int, row: int):
        if v is None:
            return "—"
        if it["unit"] == "%" and (row + col) % 4 == 0:
            return f"{v}%"
        if it["unit"] == "亩" and isinstance(v, int) and row % 4 == 0:
            return f"{Decimal(v) / 10000}万亩"
        return v if isinstance(v, int) else _dec(v)

    county_row: list[Any] = [None, "全县"]
    for it in ind["items"]:
        for code, _ in ind["periods"]:
            v = it["values"].get(code)
            county_row.append("—" if v is None else (int(v) if it["kind"] == "sum" else _dec(v)))
        county_row.append(int(it["target"]) if it["kind"] == "sum" else _dec(it["target"]))
    sh.add(county_row, "total")
    for t in range(T):
        row: list[Any] = [t + 1, _township_label(cx, t, True)]
        for g, it in enumerate(ind["items"]):
            for p, (code, _) in enumerate(ind["periods"]):
                row.append(cell(it, it["towns"][code][t], g * 3 + p, t))
            tt = it["town_targets"][t]
            row.append("—" if tt is None else tt)
        sh.add(row)
        if t == T // 2:
            sh.add([])
    sh.add([])
    for line in _notes(cx, rng, "indicators", "注：1.比率类指标的全县数为县级部门核定数；2.“—”表示该指标不分乡镇统计。"):
        sh.add([line], "note")
    return [_save(cx, out / f"{cx.county}{ind['title']}（2022年—2023年6月）", [sh], "xlsx")]


# ================================================================ writers: platform, projects

def _write_platform(cx: Ctx, pla: dict, out: Path) -> list[Path]:
    rng = cx.rng("platform-files")
    paths = []
    heads = ["序号", "受理编号", "乡镇", "申请人", "申请事项", "受理日期", "办结日期", "办理状态", "联系电话"]
    for v, s in enumerate(pla["snapshots"]):
        per, end = s["period"], _end(s["period"])
        stem = f"{cx.county}政府救助平台受理台账（{_snap_label(per)}）"
        forms = (("cell",), ("slash", "iso"), ("serial",), ("iso", "cell", "compact"))[v % 4]
        sh = Sheet("受理台账")
        sh.title(stem, len(heads))
        sh.add(heads, "header")
        sh.widths.update({0: 6, 1: 18, 2: 12, 3: 10, 4: 16, 5: 12, 6: 12, 7: 10, 8: 14})
        if v % 2 == 0:
            sh.hidden.add(8)
        cs = [c for c in pla["cases"][end.year] if c.received <= end]
        for n, c in enumerate(cs, 1):
            form = forms[n % len(forms)]
            done = c.closed is not None and c.closed <= end
            sh.add([n, c.no, _township_label(cx, c.town, v % 4 == 1 and n % 17 == 0), c.applicant, c.item,
                    _date_text(c.received, form), _date_text(c.closed, form) if done else None,
                    "已办结" if done else "办理中", _phone(rng)])
        sh.add([])
        for line in _notes(cx, rng, "platform", f"注：受理、办结件数按{end.year}年1月1日至表列月末统计。"):
            sh.add([line], "note")
        paths.append(_save(cx, out / stem, [sh], "xlsx"))
    return paths


def _write_projects(cx: Ctx, pro: dict, out: Path) -> list[Path]:
    rng = cx.rng("projects-files")
    paths = []
    heads = ["序号", "项目名称", "乡镇", "行政村", "项目类别", "建设内容", "总投资（万元）", "资金来源", "年度",
             "是否纳入统筹整合", "实施状态", "备注"]
    for k, s in enumerate(pro["snapshots"]):
        per, end = s["period"], _end(s["period"])
        stem = f"{cx.county}巩固拓展脱贫攻坚成果和乡村振兴项目库（{_snap_label(per)}）"
        ps = sorted((p for p in pro["projects"] if p.entered <= k), key=lambda p: (p.town, p.year, p.name))
        sh = Sheet("项目库")
        sh.title(stem, len(heads))
        sh.add(["单位：万元"], "unit")
        sh.add(heads, "header")
        sh.widths.update({0: 6, 1: 36, 2: 12, 3: 12, 4: 12, 5: 36, 6: 14, 7: 14, 8: 8, 9: 10, 10: 10, 11: 12})
        if k % 2 == 1:
            sh.hidden.add(11)
        for n, p in enumerate(ps, 1):
            inv: Any = _wan(p.invest)
            if k % 3 == 2 and n % 11 == 3:
                inv = _thousands(inv)
            sh.add([n, p.name, cx.towns[p.town], p.village, p.category, p.content, inv, p.source, p.year,
                    "是" if p.integrated else "否", p.status(end), "新增" if p.entered == k and k else None])
        sh.add([None, "合计", None, None, None, None, _wan(sum(p.invest for p in ps)), None, None, None, None, None], "total")
        sh.add([])
        for line in _notes(cx, rng, "projects"):
            sh.add([line], "note")
        sheets = [sh]
        if k == 0:
            guide = Sheet("填报说明")
            for line in ("填报说明", "1. 每个项目填写一行，“总投资”以万元为单位，保留两位小数。",
                         "2. “是否纳入统筹整合”填“是”或“否”；“实施状态”填未开工、在建或已完工。",
                         "3. 项目类别按产业发展类、基础设施类、就业类、公益岗位、乡村建设、其他填写。"):
                guide.add([line])
            guide.widths[0] = 70
            sheets.append(guide)
        paths.append(_save(cx, out / stem, sheets, "xlsx"))
    return paths


_WRITERS = (("monitoring", _write_monitoring), ("income", _write_income), ("employment", _write_employment),
            ("assistance", _write_assistance), ("platform", _write_platform), ("projects", _write_projects),
            ("work", _write_work), ("indicators", _write_indicators))
