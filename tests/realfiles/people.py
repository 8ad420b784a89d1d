"""Households and their members as the national monitoring system holds them (made up, deterministic)."""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from decimal import Decimal

from ._common import (D, HAMLETS, bank_account, id_for, person_name, phone, r2, rand_date)

# 致贫/返贫风险 code table (national system) and the names clerks type instead.
RISK_CODES = {"01": "因病", "03": "因残", "09": "因学", "04": "因缺劳动力", "05": "因意外事故", "06": "因产业失败",
              "07": "因务工就业不稳", "0201": "因自然灾害", "0202": "因自然灾害", "0203": "因自然灾害",
              "0204": "因自然灾害", "0205": "因自然灾害", "0206": "因自然灾害", "0299": "因自然灾害", "99": "其他"}
DISASTER_SUB = {"0201": "洪涝灾害", "0202": "地质灾害", "0203": "旱灾", "0204": "生物灾害", "0205": "气象灾害",
                "0206": "地震灾害", "0299": "其他自然灾害"}
RISK_NAMES = ["因病", "因残", "因学", "缺劳动力", "因意外事故", "因产业项目失败", "务工就业不稳", "因自然灾害",
              "因安全住房", "因安全饮水", "其他"]
CATEGORIES = ("脱贫不稳定户", "边缘易致贫户", "突发严重困难户")
ETHNIC = ["汉族"] * 11 + ["彝族"] * 7 + ["白族", "回族", "苗族", "傈僳族"]
WORK_PLACES = ["县内", "州内县外", "省内州外", "浙江省宁波市", "广东省东莞市", "昆明市", "楚雄市", "江苏省苏州市"]
COLLECTORS = "普建华 杨丽 李正兴 罗春梅 者文明 起云峰 毕秀英 字国华 鲁开明 苏美".split()

# relation: (code, name) pairs as the system writes them
REL = {"head": ("01", "户主"), "spouse": ("10", "配偶"), "son": ("20", "之子"), "daughter": ("30", "之女"),
       "dil": ("30", "之儿媳"), "sil": ("20", "之女婿"), "grandson": ("40", "之孙子"), "granddaughter": ("40", "之孙女"),
       "father": ("50", "之父"), "mother": ("50", "之母"), "brother": ("70", "之兄弟姐妹"), "other": ("99", "其他")}


@dataclass
class Member:
    rel: str
    name: str
    male: bool
    birth: dt.date
    id_no: str
    ethnic: str
    phone: str | None
    education: str
    school: str
    health: str
    skill: str
    work_months: int
    work_place: str | None

    @property
    def rel_code(self) -> str:
        return REL[self.rel][0]

    @property
    def rel_name(self) -> str:
        return REL[self.rel][1]


@dataclass
class Household:
    county: str
    township: str
    village: str
    hamlet: str
    code: str
    members: list[Member]
    htype: str                      # 户类型: 脱贫户 / 一般农户
    category: str                   # 易返贫致贫户(监测对象)类型, '' for a lifted-out household not monitored
    eliminated: bool | None
    identified: dt.date | None
    eliminated_on: dt.date | None
    way: str                        # 风险消除方式
    risks: list[str]                # codes
    per_capita: Decimal
    wage: Decimal
    business: Decimal
    prop: Decimal
    transfer: Decimal
    transfer_parts: list[Decimal]   # 计划生育金, 低保金, 特困供养金, 养老保险金, 生态补偿金
    expense: Decimal
    selfpay: Decimal
    phone: str
    bank: str
    collector: str
    collector_phone: str
    lifted_year: int | None
    first_identified: dt.date | None
    date_style: str = "iso"
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def net(self) -> Decimal:
        return self.per_capita * self.size

    @property
    def head(self) -> Member:
        return self.members[0]


def _member(rng, region, rel, male, birth, snap: dt.date) -> Member:
    age = snap.year - birth.year
    if age < 6:
        edu, school = "学龄前儿童", "学前教育"
    elif age < 12:
        edu, school = "小学", f"小学{age - 5}年级"
    elif age < 15:
        edu, school = "初中", ["七年级", "八年级", "九年级"][age - 12]
    elif age < 18:
        edu, school = "高中", ["普通高中一年级", "中职二年级", "普通高中三年级"][age - 15]
    else:
        edu = rng.choice(["文盲或半文盲", "小学", "小学", "初中", "初中", "高中", "大专"] if age < 60
                         else ["文盲或半文盲", "小学", "小学"])
        school = "非在校生"
    if 18 <= age < 60:
        health = rng.choice(["健康"] * 6 + ["长期慢性病", "患有大病", "残疾"])
        skill = rng.choice(["普通劳动力"] * 4 + ["技能劳动力", "弱劳动力或半劳动力"]) if health == "健康" else \
            rng.choice(["弱劳动力或半劳动力", "丧失劳动力"])
        months = rng.choice([0, 3, 6, 8, 10, 12]) if skill in ("普通劳动力", "技能劳动力") else 0
        place = rng.choice(WORK_PLACES) if months else None
    else:
        health = rng.choice(["健康", "健康", "长期慢性病"])
        skill = "无劳动力" if age < 16 or age >= 65 else "弱劳动力或半劳动力"
        months, place = 0, None
    return Member(rel=rel, name="", male=male, birth=birth, id_no=id_for(rng, region, birth, male),
                  ethnic="", phone=phone(rng) if age >= 18 and rng.random() < 0.6 else None,
                  education=edu, school=school, health=health, skill=skill, work_months=months, work_place=place)


def make_members(rng: random.Random, region: str, size: int, snap: dt.date) -> list[Member]:
    head_male = rng.random() < 0.82
    hb = rand_date(rng, dt.date(1948, 1, 1), dt.date(1992, 12, 31))
    plan = [("head", head_male, hb)]
    surname_head = None
    if size >= 2:
        if size == 2 and rng.random() < 0.3:
            plan.append(("mother", False, rand_date(rng, dt.date(hb.year - 30, 1, 1), dt.date(hb.year - 20, 12, 31))))
        else:
            plan.append(("spouse", not head_male, rand_date(rng, dt.date(hb.year - 4, 1, 1), dt.date(hb.year + 3, 12, 31))))
    kids = []
    for _ in range(min(size - len(plan), 2)):
        kb = rand_date(rng, dt.date(hb.year + 21, 1, 1), dt.date(min(hb.year + 34, 2021), 12, 31))
        male = rng.random() < 0.5
        plan.append(("son" if male else "daughter", male, kb))
        kids.append((male, kb))
    if len(plan) < size and kids:
        km, kb = kids[0]
        if kb.year <= 1998:
            plan.append(("dil" if km else "sil", not km, rand_date(rng, dt.date(kb.year - 2, 1, 1), dt.date(kb.year + 3, 12, 31))))
    while len(plan) < size:
        base = kids[0][1].year if kids else hb.year + 25
        if base <= 1996:
            gm = rng.random() < 0.5
            plan.append(("grandson" if gm else "granddaughter", gm,
                         rand_date(rng, dt.date(min(base + 22, 2020), 1, 1), dt.date(min(base + 30, 2022), 6, 30))))
        else:
            plan.append(("father", True, rand_date(rng, dt.date(hb.year - 32, 1, 1), dt.date(hb.year - 22, 12, 31))))
    members = []
    ethnic = rng.choice(ETHNIC)
    for rel, male, birth in plan:
        if birth > dt.date(2022, 12, 31):
            birth = dt.date(2022, rng.randint(1, 12), rng.randint(1, 28))
        m = _member(rng, region, rel, male, birth, snap)
        if rel == "head":
            m.name = person_name(rng, male)
            surname_head = m.name[0]
        elif rel in ("son", "daughter", "grandson", "granddaughter", "father", "brother"):
            m.name = person_name(rng, male, surname_head)
        else:
            m.name = person_name(rng, male)
        m.ethnic = ethnic if rel != "dil" or rng.random() < 0.7 else rng.choice(ETHNIC)
        members.append(m)
    return members


def _split_income(rng, pc: Decimal, size: int):
    net = pc * size
    wage = r2(net * D(rng.randint(35, 65)) / 100)
    transfer = r2(net * D(rng.randint(10, 25)) / 100)
    prop = r2(net * D(rng.randint(0, 4)) / 100)
    expense = r2(net * D(rng.randint(5, 15)) / 100)
    business = net - wage - transfer - prop + expense
    parts = []
    left = transfer
    for share in (rng.choice([0, 0, 960]), rng.choice([0, 0, rng.randint(10, 40)]),
                  rng.choice([0] * 9 + [rng.randint(5, 20)]), rng.randint(10, 40), rng.randint(0, 15)):
        v = D(share) if share == 960 or share == 0 else r2(transfer * D(share) / 100)
        v = min(v, left)
        parts.append(v)
        left -= v
    return wage, business, prop, transfer, parts, expense


def make_households(rng: random.Random, *, county: str, region: str, villages: dict[str, list[str]], n: int,
                    snap: dt.date, lifted_only: int = 0, new_in_year: int = 8, styles=("iso",),
                    risk_pool=None) -> list[Household]:
    """``n`` monitored households plus ``lifted_only`` lifted-out (脱贫户, not monitored) ones, spread over the
    villages; ``new_in_year`` of the monitored ones identified in the snapshot's calendar year."""
    risk_pool = risk_pool or list(RISK_CODES)
    hhs: list[Household] = []
    towns = list(villages)
    kinds = [True] * n + [False] * lifted_only
    rng.shuffle(kinds)
    new_flags = [True] * new_in_year + [False] * (n - new_in_year)
    rng.shuffle(new_flags)
    seq: dict[tuple, int] = {}
    k_mon = 0
    collectors = {}
    for i, monitored in enumerate(kinds):
        t = towns[i % len(towns)] if i < len(towns) else rng.choice(towns)
        vi = rng.randrange(len(villages[t]))
        v = villages[t][vi]
        key = (t, v)
        seq[key] = seq.get(key, 0) + 1
        code = f"{region}{towns.index(t) + 101:03d}{vi + 1:03d}{seq[key]:04d}"
        size = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6])
        members = make_members(rng, region, size, snap)
        if key not in collectors:
            collectors[key] = (rng.choice(COLLECTORS), phone(rng))
        if monitored:
            is_new = new_flags[k_mon]
            k_mon += 1
            category = rng.choices(CATEGORIES, weights=(4, 4, 2))[0]
            htype = "脱贫户" if category == "脱贫不稳定户" else ("脱贫户" if rng.random() < 0.1 else "一般农户")
            if is_new:
                ident = rand_date(rng, dt.date(snap.year, 1, 1), snap)
            else:
                ident = rand_date(rng, dt.date(2020, 3, 1), dt.date(snap.year - 1, 12, 31))
            elim = rng.random() < (0.12 if is_new else 0.72)
            elim_on = None
            if elim:
                lo = min(ident + dt.timedelta(days=45), snap)
                elim_on = rand_date(rng, lo, snap)
            way = (rng.choice(["帮扶消除"] * 9 + ["自然消除"])) if elim else ""
            k = rng.choice([1, 1, 1, 2, 2, 3, 5])
            risks = rng.sample(risk_pool, k)
            pc = D(rng.randint(1050000 if elim else 560000, 2300000 if elim else 1250000)) / 100
        else:
            category, htype, ident, elim, elim_on, way, risks = "", "脱贫户", None, None, None, "", []
            pc = D(rng.randint(980000, 2600000)) / 100
        wage, business, prop, transfer, parts, expense = _split_income(rng, pc, size)
        lifted = rng.choice([2016, 2017, 2018, 2019, 2020]) if htype == "脱贫户" else None
        first = rand_date(rng, dt.date(2014, 3, 1), dt.date(2015, 12, 31)) if htype == "脱贫户" else None
        hhs.append(Household(
            county=county, township=t, village=v, hamlet=rng.choice(HAMLETS), code=code, members=members,
            htype=htype, category=category, eliminated=elim, identified=ident, eliminated_on=elim_on, way=way,
            risks=risks, per_capita=pc, wage=wage, business=business, prop=prop, transfer=transfer,
            transfer_parts=parts, expense=expense,
            selfpay=D(rng.choice([0, 0, rng.randint(20000, 1800000)])) / 100, phone=phone(rng),
            bank=bank_account(rng), collector=collectors[key][0], collector_phone=collectors[key][1],
            lifted_year=lifted, first_identified=first, date_style=styles[i % len(styles)]))
    return hhs


def monitoring_expected(hhs: list[Household], snap: dt.date) -> dict:
    """The summary's monitoring figures, by hand: monitored = a non-empty monitoring category."""
    mon = [h for h in hhs if h.category]
    people = sum(h.size for h in mon)
    eh = [h for h in mon if h.eliminated]
    ep = sum(h.size for h in eh)
    new = [h for h in mon if h.identified.year == snap.year]
    from ._common import pct
    return {
        "monitoring.period": f"{snap.year}-{snap.month:02d}",
        "monitoring.households": len(mon),
        "monitoring.people": people,
        "monitoring.eliminated_households": len(eh),
        "monitoring.eliminated_people": ep,
        "monitoring.elimination_rate_people": pct(ep, people),
        "monitoring.elimination_rate_households": pct(len(eh), len(mon)),
        "monitoring.new_households": len(new),
        "monitoring.new_people": sum(h.size for h in new),
    }
