"""Employment and public-welfare-post files."""
from __future__ import annotations

import random
from decimal import Decimal
from pathlib import Path

from ._common import NANHUA_TOWNSHIPS, Fixture, Sheet, q2, rate, split_int, split_money, wan, write_xlsx


def _status(completion: float, progress: float) -> str:
    gap = completion - progress
    return "ahead" if gap >= 0 else ("far_behind" if gap < -10 else "behind")


def _pct(done: int, target: int) -> str:
    return f"{q2(Decimal(done) * 100 / target)}%"


def build_employment_township_abbrev(d: Path) -> Fixture:
    """By township, indicators abbreviated (新增就业 / 失业再就业 / 困难就业) over 目标|完成|完成率, a 栏次 row,
    the 全县 row at the top, a 县直 row at the bottom."""
    rng = random.Random(21)
    inds = [("新增就业", "城镇新增就业", 3300, 1980), ("失业再就业", "下岗失业人员再就业", 1400, 650),
            ("困难就业", "就业困难人员再就业", 1100, 420)]
    units = NANHUA_TOWNSHIPS + ["县直"]
    cols = {}
    for short, _, t, dn in inds:
        ts = split_int(t, len(units), rng)
        ds = [min(x, y) for x, y in zip(split_int(dn, len(units), rng), ts)]
        ds[-1] += dn - sum(ds)
        cols[short] = (ts, ds)
    top = ["序号", "乡镇"]
    sub = [None, None]
    lanci = ["甲", "乙"]
    for j, (short, *_r) in enumerate(inds):
        top += [short, None, None]
        sub += ["目标", "完成", "完成率"]
        b = 3 * j + 1
        lanci += [str(b), str(b + 1), f"{b + 2}={b + 1}/{b}"]
    rows = [["南华县2023年1-6月各乡镇就业工作目标任务完成情况表"], ["单位：人、%"], top, sub, lanci]
    total = [None, "全县"]
    for short, _, t, dn in inds:
        total += [t, dn, _pct(dn, t)]
    rows.append(total)
    for i, u in enumerate(units):
        r = [i + 1, u]
        for short, *_r in inds:
            ts, ds = cols[short]
            r += [ts[i], ds[i], _pct(ds[i], ts[i])]
        rows.append(r)
    rows.append(["填报单位：南华县人力资源和社会保障局", None, None, None, "填表人：", None, None, "审核人："])
    merges = [(0, 0, 0, 10), (2, 0, 3, 0), (2, 1, 3, 1), (2, 2, 2, 4), (2, 5, 2, 7), (2, 8, 2, 10)]
    f = write_xlsx(d / "南华县2023年1-6月就业目标任务完成情况（分乡镇）.xlsx", {"分乡镇": Sheet(rows, merges=merges)})
    exp = {"employment.period": "2023-06", "employment.time_progress_pct": 50.0}
    for short, name, t, dn in inds:
        c = rate(dn, t)
        exp.update({f"employment[{name}].target": t, f"employment[{name}].done": dn,
                    f"employment[{name}].completion_pct": c, f"employment[{name}].status": _status(c, 50.0)})
    lc = {}
    for short, name, *_r in inds:
        ts, ds = cols[short]
        lc[f"employment[{name}].target"] = ts[0]
        lc[f"employment[{name}].done"] = ds[0]
    exp["by_township"] = {"龙川镇": lc}
    return Fixture([f], exp, (
        "township rows × abbreviated indicators (`新增就业`, `失业再就业`, `困难就业`) each over 目标|完成|完成率, a 栏次 "
        "row `甲|乙|1|2|3=2/1…`, 全县 row first, 县直 row last (county-level, counted in 全县). Expected 2023-06, time "
        "progress 50.00: 城镇新增就业 3300/1980 60.00% ahead; 下岗失业人员再就业 1400/650 46.43% behind; "
        f"就业困难人员再就业 1100/420 38.18% far_behind; 龙川镇 {lc}."))


def build_employment_county_numbered(d: Path) -> Fixture:
    """County-level indicator rows numbered in the label (`一、…`, `（一）…`), 计量单位, 时间进度 and 备注 columns."""
    rows = [["南华县2023年1-4月就业工作主要指标完成情况"],
            ["指标名称", "计量单位", "年度目标任务", "1-4月累计完成", "完成率", "时间进度", "备注"],
            ["一、城镇新增就业人数", "人", 3300, 1759, "53.30%", "33.33%", None],
            ["二、城镇失业人员再就业人数", "人", 1400, 343, "24.50%", "33.33%", "受企业用工需求下降影响"],
            ["三、就业困难人员实现就业人数", "人", 1100, 183, "16.64%", "33.33%", None],
            ["四、农村劳动力转移就业人数", "人", 12000, 10236, "85.30%", "33.33%", None],
            ["（一）脱贫劳动力务工就业", "人", 26000, 25875, "99.52%", "33.33%", "含省外务工"],
            ["（二）其中：省外转移就业", "人", 9000, 8402, "93.36%", "33.33%", None],
            [],
            ["备注：完成率=累计完成/年度目标任务；时间进度按4/12计算。"]]
    f = write_xlsx(d / "就业工作主要指标完成情况.xlsx", {"Sheet1": Sheet(rows, merges=[(0, 0, 0, 6)])})
    exp = {"employment.period": "2023-04", "employment.time_progress_pct": 33.33}
    for name, t, dn, st in (("城镇新增就业", 3300, 1759, "ahead"), ("下岗失业人员再就业", 1400, 343, "behind"),
                            ("就业困难人员再就业", 1100, 183, "far_behind"), ("农村劳动力转移就业", 12000, 10236, "ahead"),
                            ("脱贫劳动力务工就业", 26000, 25875, "ahead")):
        exp.update({f"employment[{name}].target": t, f"employment[{name}].done": dn,
                    f"employment[{name}].completion_pct": rate(dn, t), f"employment[{name}].status": st})
    return Fixture([f], exp, (
        "no 序号 column; labels carry their numbering (`一、城镇新增就业人数`, `（一）脱贫劳动力务工就业`, "
        "`（二）其中：省外转移就业` — a 其中 row, not loaded); 计量单位, 时间进度 and 备注 columns; the period in the "
        "title and in `1-4月累计完成`. Expected the article's 3300/1759 53.30% ahead, 1400/343 24.50% behind, "
        "1100/183 16.64% far_behind, plus 农村劳动力转移就业 12000/10236 85.30% and 脱贫劳动力务工就业 26000/25875 99.52%."))


def build_employment_period_groups(d: Path) -> Fixture:
    """One sheet, two periods: merged `1-2月` and `1-4月` headers each over 完成数 | 完成率; 全年目标任务 shared."""
    data = [("城镇新增就业人数", "城镇新增就业", 3300, 620, 1759), ("城镇失业人员再就业人数", "下岗失业人员再就业", 1400, 150, 343),
            ("就业困难人员实现就业人数", "就业困难人员再就业", 1100, 60, 183)]
    rows = [["南华县2023年就业目标任务完成情况"],
            ["序号", "指标", "全年目标任务", "1-2月", None, "1-4月", None],
            [None, None, None, "完成数", "完成率", "完成数", "完成率"]]
    for i, (label, _, t, d2, d4) in enumerate(data):
        rows.append([i + 1, label, t, d2, _pct(d2, t), d4, _pct(d4, t)])
    merges = [(0, 0, 0, 6), (1, 0, 2, 0), (1, 1, 2, 1), (1, 2, 2, 2), (1, 3, 1, 4), (1, 5, 1, 6)]
    f = write_xlsx(d / "南华县2023年就业目标任务完成情况.xlsx", {"就业": Sheet(rows, merges=merges)})
    exp = {"employment.period": "2023-04", "employment.time_progress_pct": 33.33}
    feb = {"employment.period": "2023-02", "employment.time_progress_pct": 16.67}
    for _, name, t, d2, d4 in data:
        c4, c2 = rate(d4, t), rate(d2, t)
        exp.update({f"employment[{name}].target": t, f"employment[{name}].done": d4,
                    f"employment[{name}].completion_pct": c4, f"employment[{name}].status": _status(c4, 33.33)})
        feb.update({f"employment[{name}].target": t, f"employment[{name}].done": d2,
                    f"employment[{name}].completion_pct": c2, f"employment[{name}].status": _status(c2, 16.67)})
    exp["also_as_of"] = {"2023-02": feb}
    return Fixture([f], exp, (
        "county-level, official indicator names; the periods are in merged upper headers (`1-2月`, `1-4月`) over "
        "完成数 | 完成率, not prefixed to the column name; the title says only 2023年. Expected two batches: 2023-04 = "
        "the article (3300/1759, 1400/343, 1100/183); 2023-02 = 620 18.79% ahead, 150 10.71% behind, 60 5.45% "
        "far_behind against 16.67%."))


def build_welfare_posts_stray_columns(d: Path) -> Fixture:
    """Welfare posts by township: blank columns, a hidden 上年同期 column, frozen 序号, `—` for none, trailing
    spaces in numbers, the period only in a 统计时间 line, and 合计 in the 序号 column."""
    rng = random.Random(24)
    units = ["龙川镇", "沙桥镇", "五街镇", "红土坡镇", "马街镇", "兔街镇", "雨露白族乡", "一街乡", "罗武庄乡", "五顶山乡", "县直"]
    active = [u for u in units if u not in ("一街乡", "五顶山乡")]
    posts = dict(zip(active, split_int(397, len(active), rng)))
    sub = dict(zip(active, split_money(Decimal("2035000.00"), len(active), rng)))
    ins = dict(zip(active, split_money(Decimal("1299500.00"), len(active), rng)))
    rows = [["南华县城镇公益性岗位使用及补贴发放情况表"], ["统计时间：2023年1-4月"],
            ["序号", "乡镇", None, "城镇公益性岗位（个）", "岗位补贴（元）", "上年同期岗位数", "社会保险补贴（元）", None, "备注"]]
    for i, u in enumerate(units):
        if u in posts:
            rows.append([i + 1, u, None, f"{posts[u]} ", f"{sub[u]:,.2f} ", rng.randrange(20, 60), f"{ins[u]:,.2f}  ", None,
                         "含县直单位" if u == "县直" else None])
        else:
            rows.append([i + 1, u, None, "—", "—", "—", "—", None, "本期未开发岗位"])
    rows.append(["合计", None, None, "397", "2,035,000.00", None, "1,299,500.00", None, None])
    f = write_xlsx(d / "城镇公益性岗位补贴发放表（1-4月）.xlsx", {"公益性岗位": Sheet(
        rows, hidden_cols=[5], freeze=(3, 1), widths={2: 2, 7: 2})})
    exp = {"employment.welfare_posts.period": "2023-04", "employment.welfare_posts.posts": 397,
           "employment.welfare_posts.post_subsidy_wan": 203.5, "employment.welfare_posts.insurance_subsidy_wan": 129.95,
           "by_township": {"龙川镇": {"employment.welfare_posts.posts": posts["龙川镇"],
                                      "employment.welfare_posts.post_subsidy_wan": wan(sub["龙川镇"])}}}
    return Fixture([f], exp, (
        "header with two empty unnamed columns (narrow), a hidden `上年同期岗位数` column, panes frozen at the 序号 "
        "column, `—` for two townships with no posts, numbers as text with trailing spaces and thousands separators, "
        "the period only in the line `统计时间：2023年1-4月`, `合计` in the 序号 column. Expected 2023-04: 397 posts, "
        f"203.5 / 129.95 万元; 龙川镇 {posts['龙川镇']} posts, {wan(sub['龙川镇'])} 万元."))
