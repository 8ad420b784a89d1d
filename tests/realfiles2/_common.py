"""Shared pieces of the second acceptance set: the Fixture record, workbook writers that can do what
real clerks' files do (merged cells, real date cells, formulas with cached values, hidden columns,
bold group rows, frozen panes, .xls merges), a generator of realistic personal values that records
every one it hands out (the runner checks that none reaches the database or the loader's output),
and the arithmetic used to work out the expected figures (exact decimals, half-up rounding).

Nothing here reads the loader; the expected figures are computed from the rows these builders write.
"""
from __future__ import annotations

import csv
import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

# --------------------------------------------------------------------------------------- fixture
META_KEYS = {"refused", "refused_files", "message_contains", "warns", "summary_args", "by_township", "also_as_of"}


@dataclass
class Fixture:
    files: list[Path]
    expected: dict
    notes: str
    personal: set[str] = field(default_factory=set)


# --------------------------------------------------------------------------------------- numbers
def q2(x) -> Decimal:
    """Round half up to two decimals (四舍五入), exactly."""
    return Decimal(x).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def rate(num, den) -> float | None:
    if not den:
        return None
    return float(q2(Decimal(num) * 100 / Decimal(den)))


def wan(yuan) -> float:
    """元 → 万元 as the summary prints it (two decimals)."""
    return float(q2(Decimal(yuan) / 10000))


def money(x: Decimal, unit: str = "", sep: bool = True) -> str:
    s = f"{Decimal(x):,.2f}" if sep else f"{Decimal(x):.2f}"
    return s + unit


def split_int(total: int, parts: int, rng: random.Random, spread: float = 0.5) -> list[int]:
    """Split an integer total into `parts` positive-ish integers that add up exactly."""
    weights = [1 + rng.random() * spread * 2 for _ in range(parts)]
    s = sum(weights)
    out = [int(total * w / s) for w in weights]
    out[0] += total - sum(out)
    return out


def split_money(total: Decimal, parts: int, rng: random.Random) -> list[Decimal]:
    fen = int(Decimal(total) * 100)
    return [Decimal(v) / 100 for v in split_int(fen, parts, rng)]


# --------------------------------------------------------------------------------------- people
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁沈普起者鲁字杞"
GIVEN = "国华建明秀英兰芳玉珍志强文军永福德顺金凤春梅海燕红丽家兴学成光荣正发贵忠万有桂芬翠琼艳萍云祥开富卫东亚"
_W = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(body17: str) -> str:
    """A resident ID number with a valid ISO 7064 MOD 11-2 check digit."""
    assert len(body17) == 17 and body17.isdigit()
    return body17 + "10X98765432"[sum(int(c) * w for c, w in zip(body17, _W)) % 11]


class People:
    """Deterministic names, ID numbers and phone numbers; every value handed out is recorded."""

    def __init__(self, seed: int, area_code: str = "532324"):
        self.rng = random.Random(seed)
        self.area = area_code
        self.personal: set[str] = set()
        self._names: set[str] = set()
        self._seq = 0

    def name(self, surname: str | None = None) -> str:
        while True:
            n = (surname or self.rng.choice(SURNAMES)) + "".join(self.rng.choice(GIVEN) for _ in range(2))
            if n not in self._names:
                self._names.add(n)
                self.personal.add(n)
                return n

    def id(self, birth_year: int, male: bool | None = None, want_x: bool = False) -> str:
        while True:
            self._seq += 1
            d = dt.date(birth_year, 1, 1) + dt.timedelta(days=self.rng.randrange(365))
            seq = self.rng.randrange(1, 999)
            if male is not None and (seq % 2 == 1) != male:
                seq = seq + 1 if seq < 998 else seq - 1
            v = id_number(f"{self.area}{d:%Y%m%d}{seq:03d}")
            if want_x and not v.endswith("X"):
                continue
            if v not in self.personal:
                self.personal.add(v)
                return v

    def phone(self) -> str:
        p = self.rng.choice(["138", "139", "150", "151", "157", "158", "182", "187", "189", "199"]) + \
            "".join(str(self.rng.randrange(10)) for _ in range(8))
        self.personal.add(p)
        return p


# --------------------------------------------------------------------------------------- places
NANHUA = {
    "龙川镇": ["大村", "岔河村", "新华村"],
    "沙桥镇": ["沙桥村", "天申堂村", "五里坡村"],
    "五街镇": ["五街村", "咪黑们村"],
    "红土坡镇": ["红土坡村", "马鞍山村"],
    "马街镇": ["马街村", "拉务村"],
    "兔街镇": ["兔街村", "干海资村"],
    "雨露白族乡": ["雨露村", "大中村"],
    "一街乡": ["一街村", "大水井村"],
    "罗武庄乡": ["罗武庄村", "三街村"],
    "五顶山乡": ["五顶山村", "小古村"],
}
NANHUA_TOWNSHIPS = list(NANHUA)

QIUBEI = {
    "锦屏镇": ["锦屏社区", "大寨村", "白土村"],
    "曰者镇": ["曰者村", "龙正村"],
    "双龙营镇": ["双龙营村", "普者黑村"],
    "八道哨彝族乡": ["八道哨村", "老寨村"],
    "天星乡": ["天星村", "小天星村"],
    "树皮彝族乡": ["树皮村", "法家村"],
}


# --------------------------------------------------------------------------------------- cells
@dataclass
class D:
    """A real Excel date cell (a date-formatted number, not text)."""
    value: dt.date
    fmt: str = "yyyy-mm-dd"


@dataclass
class F:
    """A formula with its cached result, as Excel saves it."""
    formula: str
    value: object


@dataclass
class S:
    """A cell forced to text (e.g. a number stored as text), optionally styled."""
    value: str


@dataclass
class Sheet:
    rows: list[list]
    merges: list[tuple] = field(default_factory=list)      # (r1, c1, r2, c2), value from rows[r1][c1]
    hidden_cols: list[int] = field(default_factory=list)
    bold_rows: list[int] = field(default_factory=list)
    freeze: tuple | None = None
    hidden: bool = False
    widths: dict = field(default_factory=dict)


def write_xlsx(path: Path, sheets: dict[str, Sheet]) -> Path:
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False, "strings_to_formulas": False,
                                         "strings_to_urls": False})
    fmts: dict = {}

    def fmt(bold=False, num=None, text=False):
        key = (bold, num, text)
        if key not in fmts:
            props = {}
            if bold:
                props["bold"] = True
            if num:
                props["num_format"] = num
            if text:
                props["num_format"] = "@"
            fmts[key] = wb.add_format(props) if props else None
        return fmts[key]

    for name, sh in sheets.items():
        ws = wb.add_worksheet(name)
        covered = set()
        for r1, c1, r2, c2 in sh.merges:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    if (r, c) != (r1, c1):
                        covered.add((r, c))

        def put(r, c, v, merge=None):
            bold = r in sh.bold_rows
            if merge:
                r1, c1, r2, c2 = merge
                if isinstance(v, D):
                    ws.merge_range(r1, c1, r2, c2, "", fmt(bold, v.fmt))
                    ws.write_datetime(r1, c1, dt.datetime.combine(v.value, dt.time()), fmt(bold, v.fmt))
                else:
                    ws.merge_range(r1, c1, r2, c2, "" if v is None else (v.value if isinstance(v, S) else v),
                                   fmt(bold))
                return
            if v is None:
                return
            if isinstance(v, D):
                ws.write_datetime(r, c, dt.datetime.combine(v.value, dt.time()), fmt(bold, v.fmt))
            elif isinstance(v, F):
                ws.write_formula(r, c, v.formula, fmt(bold), v.value)
            elif isinstance(v, S):
                ws.write_string(r, c, v.value, fmt(bold, text=True))
            elif isinstance(v, str):
                ws.write_string(r, c, v, fmt(bold))
            else:
                ws.write_number(r, c, v, fmt(bold))

        merge_at = {(m[0], m[1]): m for m in sh.merges}
        for r, row in enumerate(sh.rows):
            for c, v in enumerate(row):
                if (r, c) in covered:
                    continue
                put(r, c, v, merge_at.get((r, c)))
        for (r, c), m in merge_at.items():  # merges whose top-left lies outside the written rows
            if r >= len(sh.rows) or c >= len(sh.rows[r]):
                put(r, c, None, m)
        for c in sh.hidden_cols:
            ws.set_column(c, c, None, None, {"hidden": True})
        for c, w in sh.widths.items():
            ws.set_column(c, c, w)
        if sh.freeze:
            ws.freeze_panes(*sh.freeze)
        if sh.hidden:
            ws.hide()
    wb.close()
    return path


def write_xls(path: Path, sheets: dict[str, Sheet]) -> Path:
    import xlwt

    wb = xlwt.Workbook(encoding="utf-8")
    date_styles: dict = {}
    bold = xlwt.easyxf("font: bold on")
    for name, sh in sheets.items():
        ws = wb.add_sheet(name)
        covered = set()
        for r1, c1, r2, c2 in sh.merges:
            for r in range(r1, r2 + 1):
                for c in range(c1, c2 + 1):
                    covered.add((r, c))
        for r1, c1, r2, c2 in sh.merges:
            v = sh.rows[r1][c1] if r1 < len(sh.rows) and c1 < len(sh.rows[r1]) else None
            ws.write_merge(r1, r2, c1, c2, "" if v is None else (v.value if isinstance(v, S) else v))
        for r, row in enumerate(sh.rows):
            for c, v in enumerate(row):
                if (r, c) in covered or v is None:
                    continue
                if isinstance(v, D):
                    st = date_styles.setdefault(v.fmt, xlwt.easyxf(num_format_str=v.fmt))
                    ws.write(r, c, v.value, st)
                elif isinstance(v, S):
                    ws.write(r, c, v.value)
                elif r in sh.bold_rows:
                    ws.write(r, c, v, bold)
                else:
                    ws.write(r, c, v)
        for c in sh.hidden_cols:
            ws.col(c).hidden = True
    wb.save(str(path))
    return path


def write_csv(path: Path, rows: list[list], encoding: str = "utf-8", crlf: bool = True) -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh, lineterminator="\r\n" if crlf else "\n").writerows(
            [["" if v is None else v for v in row] for row in rows])
    return path


def col_letter(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


# --------------------------------------------------------------------------------------- monitoring
def monitoring_expect(households: list[dict], year: int) -> dict:
    """Expected monitoring.* from household dicts: category (None = not monitored), people,
    eliminated (bool), ident (date)."""
    m = [h for h in households if h.get("category")]
    hh, pp = len(m), sum(h["people"] for h in m)
    eh = sum(1 for h in m if h["eliminated"])
    ep = sum(h["people"] for h in m if h["eliminated"])
    nh = sum(1 for h in m if h["ident"].year == year)
    np_ = sum(h["people"] for h in m if h["ident"].year == year)
    return {
        "monitoring.households": hh, "monitoring.people": pp,
        "monitoring.eliminated_households": eh, "monitoring.eliminated_people": ep,
        "monitoring.elimination_rate_people": rate(ep, pp),
        "monitoring.elimination_rate_households": rate(eh, hh),
        "monitoring.new_households": nh, "monitoring.new_people": np_,
    }


def rand_date(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randrange((end - start).days + 1))


RISKS = ["因病", "因残", "因学", "因灾", "因意外事故", "因务工就业不稳", "因产业项目失败", "缺劳力", "住房安全", "其他"]
RISK_CODES = {"因病": "01", "因灾": "0203", "因残": "03", "缺劳力": "04", "因意外事故": "05", "因产业项目失败": "06",
              "因务工就业不稳": "07", "因学": "09", "其他": "99"}
CATEGORIES = ["脱贫不稳定户", "边缘易致贫户", "突发严重困难户"]
CATEGORY_CODES = {"脱贫不稳定户": "1", "边缘易致贫户": "2", "突发严重困难户": "3"}


# --------------------------------------------------------------------------------------- households
REL = [("01", "户主"), ("10", "配偶"), ("20", "子"), ("30", "女"), ("50", "父母"), ("40", "孙辈")]
REL_WORDS = {"01": "户主", "10": "配偶", "20": "之子", "30": "之女", "50": "之母", "40": "之孙女"}


def make_households(people: People, places: dict, n_monitored: int, n_lifted: int, snapshot: dt.date,
                    area: str = "532324", first: dt.date = dt.date(2021, 3, 1), min_age_days: int = 100) -> list[dict]:
    """Households with members. Monitored households get a category, 1–3 risks, an identification
    date between `first` and `snapshot`, and (for some) an elimination date; lifted-out households
    (脱贫户, not monitored) get no category. Everything is deterministic from `people.rng`."""
    rng = people.rng
    out = []
    towns = list(places)
    for i in range(n_monitored + n_lifted):
        tw = towns[i % len(towns)]
        vi = places[tw][(i // len(towns)) % len(places[tw])]
        monitored = i < n_monitored
        size = rng.choice([1, 2, 3, 3, 4, 4, 4, 5, 5, 6])
        head_surname = rng.choice(SURNAMES)
        members = []
        head_year = rng.randrange(1950, 1990)
        for k in range(size):
            code, word = REL[min(k, len(REL) - 1)]
            by = {"01": head_year, "10": head_year + rng.randrange(-3, 4), "20": head_year + 25, "30": head_year + 27,
                  "50": head_year - 25, "40": min(head_year + 48, 2020)}[code]
            nm = people.name(head_surname if code in ("01", "20", "30", "40") else None)
            members.append({"name": nm, "id": people.id(by, want_x=(i % 7 == 3 and k == 0)), "rel": code,
                            "rel_word": REL_WORDS[code], "sex": "男" if code in ("01", "20") else "女",
                            "birth_year": by, "phone": people.phone()})
        h = {"township": tw, "village": vi, "hid": f"{area}{towns.index(tw) + 101:03d}{i + 1:05d}",
             "people": size, "members": members, "category": None, "risks": [], "ident": None,
             "eliminated": False, "elim": None, "phone": members[0]["phone"]}
        h["per_capita"] = q2(Decimal(rng.randrange(650000, 2400000)) / 100)
        if monitored:
            h["category"] = CATEGORIES[i % 3 if i % 5 else 1]
            h["risks"] = rng.sample(RISKS, rng.choice([1, 1, 2, 3]))
            h["ident"] = rand_date(rng, first, snapshot)
            if (snapshot - h["ident"]).days > min_age_days + 30 and rng.random() < 0.6:
                h["eliminated"] = True
                h["elim"] = min(snapshot, h["ident"] + dt.timedelta(days=rng.randrange(min_age_days, 420)))
        out.append(h)
    return out
