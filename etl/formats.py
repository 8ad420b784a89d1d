"""``docs/formats.md``, generated from the layouts, rules and vocabularies (``python -m etl formats``)."""
from __future__ import annotations

from etl.layouts import reference
from etl.service import TYPE_TEXT
from rural.reference import vocabs

INTRO = """# 接受的报表格式（Data formats accepted）

> 本文件由 `python -m etl formats --out docs/formats.md` 按 `data/reference/`（`layouts/*.toml`、`rules.toml`、
> `vocab/*.csv`）生成，测试会核对两者一致。要接受一种新写法，改数据文件，再重新生成本文件。

文件：`.xlsx`、`.xls`、`.csv`（UTF-8，带或不带 BOM；GBK / GB18030）。一个工作簿可以有几个工作表，每个工作表按表头各自识别；
隐藏的工作表不读取（在载入报告中列出）；认不出的工作表、工作表里认不出的第二张表格都会列出，不会悄悄跳过。

所有报表通用的规则：

- 表头上方可以有标题行（`南华县2023年1-4月就业工作完成情况表`）、`填报单位（盖章）：…`、`单位：万元、人次`、`数据截至：…` 等说明行；
  县名和统计期从标题、说明行、表头或文件名中读取。
- 表头可以有一到三层（合并单元格的上层标题，如 `实施地点 → 乡镇 / 行政村`，`资金规模 → 合计 / 财政衔接资金 → 中央 / 省级`）；
  表头下方的栏次行（`甲 | 乙 | 1 | 2 | 3`）不是数据。
- **用不到的列不影响载入**：只读取下面列出的字段，其余列一律不读取，在载入报告和上传页面中列出（个数和名称）。
  **个人信息列**（姓名、证件号码、电话、银行账号、住址、健康状况等，见下表）一律不读取、不保存、不显示；证件号码只在没有户编号时
  用来生成密钥户码，随即丢弃。只有缺少必填字段，或两列都是同一个字段，才会拒收（并指出这两个单元格）。
- 表头可以带统计期：`全年目标任务`、`1-4月完成数`、`本年累计`、`截至6月`、`2022年人均纯收入`；几个统计期的列并排
  （`1-4月完成数 | 1-6月完成数`）或有“年度 / 统计期”列时，每个统计期各成一批，各自替代。表头的统计期须与标题一致。
  `上年同期`、`同比` 等对比列不载入。
- 单位可以写在表头（`金额（万元）`）、单位行、`单位`列或单元格里（`1.02亿元`、`1.2万亩`、`6,567条`）；金额按分精确保存。
- 合计行（`合计`、`总计`、`全县`、`小计`……）可以在任何一个标签列（序号、乡镇、救助类别、项目名称等）：与它所对应的明细
  核对（求和；人均数按加权平均；完成率按合计数之比），一致才载入明细、不载入合计行；`其中`行不核对也不载入。
  在县级的表中（项目库、就业、社会救助等），乡镇写 `县直`、`全县` 或空着的行是县本级的数据，计入全县。
- 空行跳过；表格下方的注释行（`注：`、`说明：`）和落款行（`填报单位：… | 填表人：… | 联系电话：…`）不是数据。
- 数字可以是文字、全角（`６５８`）、带千分位（`34,575`）、带百分号（`53.30%`）；日期可以是 `2021-06-15`、`2021/6/15`、
  `2021.6.15`、`2021年6月15日`、`202106`、`20210615` 或 Excel 日期。
- **每一行都有交代**：载入、作为合计 / 小计 / 注释 / 落款行列出、按原因排除（如名单里的脱贫户），或整个文件拒收并说明原因；
  载入报告中各项行数之和等于读入的行数。除序号外各单元格都相同的两行是重复粘贴，会拒收并指出这两行。
- 编号列（户编号、人编号、受理编号）中的科学计数法（`5.32324E+15`，Excel 把长编号当作数字保存的结果）会拒收并说明原因。
- 新的县：第一次载入某县的名单时，它的乡镇和村来自名单中的行（上传页面会请您确认）；此后名单中没有的乡镇视为填错。
- 认不出的表头：在上传页面选择报表类型并指定各列的含义，预览无误后保存；以后同样表头的报表自动载入。
  命令行：`python -m etl load 文件 --kind 类型 --map 列名=字段`，`python -m etl mappings` 列出已保存的映射。
"""


_PERIODS = {"income": "年度、半年或季度", "library": "截至某月或年度（项目库）",
            "any": "按报表所写：年度、半年、季度或月份（截至某月）"}


def _field_row(f) -> str:
    variants = [v for v in f.raw_variants if v != f.name]
    kind = TYPE_TEXT.get(f.type, f.type)
    if f.vocab:
        policy = {"keep": "，未知取值按原文保存", "exclude": "，未知取值的行不载入（载入报告中列出）"}.get(f.unknown, "")
        kind += f"（取值表 `vocab/{f.vocab}.csv`{policy}）"
    if f.unit and f.type in ("money", "area"):
        kind += f"，默认单位{f.unit}"
    if f.repeat:
        kind += "；可重复：" + "、".join(f"`{p}`" for p in f.repeat) + "（第1个为主要）"
    rule, a, b = f.totals_rule()
    if rule == "weighted":
        kind += f"；合计按“{a}”加权平均核对"
    elif rule == "ratio":
        kind += f"；合计按 {a}÷{b} 核对"
    need = "必填" if f.required else "选填"
    return f"| {f.name} | {need} | {kind} | {'、'.join(variants) or '—'} |"


def formats_markdown() -> str:
    ref = reference()
    rules = ref.rules
    out = [INTRO]
    for lay in ref.layouts:
        out.append(f"\n## {lay.label}（`{lay.name}`，数据类型 `{lay.kind}`）\n")
        if lay.description:
            out.append(lay.description + "\n")
        facts = [f"统计期：{_PERIODS.get(lay.periods, '月份（截至某月或年初至今）')}"]
        if lay.keep_totals:
            facts.append("全县（合计）行是报送的全县数（按乡镇求和的指标须等于各乡镇之和）")
        if lay.open_words:
            facts.append(f"各列都不是目录中的指标时，标题、工作表名或文件名中有“{'”“'.join(lay.open_words)}”"
                         "（或载入时指定了这一类型），仍按此类报表检查，并逐列说明哪些不是目录中的指标")
        if lay.county_level:
            facts.append("可以是县级的表（没有乡镇列，或县直 / 全县的行）")
        if lay.group:
            facts.append(f"宽表：`{lay.group.key}`的取值写在上层表头，下面是 {'、'.join(lay.group.measures)}")
        if lay.any_of:
            facts.append("至少要有：" + "；".join("或".join(g) if len(g) <= 4 else f"{g[0]}等任一项" for g in lay.any_of))
        if lay.excludes:
            facts.append("有这些列时按人员明细处理：" + "、".join(lay.excludes))
        out.append("".join(f"- {x}\n" for x in facts))
        out.append("\n| 字段 | 必填 | 类型 | 表头的其他写法 |\n|---|---|---|---|")
        for f in lay.fields:
            if f.type == "seq" or f.name == "县":
                continue
            out.append(_field_row(f))
        out.append("")
    out.append("\n## 所有表格都可有的列\n")
    out.append("- 县：" + "、".join(f for f in next(iter(ref.layouts)).field("县").raw_variants) + "（用于确定县）")
    out.append("- 序号：" + "、".join(next(iter(ref.layouts)).field("序号").raw_variants) + "（可写“合计”）\n")
    out.append("\n## 识别规则（`rules.toml`）\n")
    out.append("| 规则 | 写法 |\n|---|---|")
    for label, words in (("合计行", rules.total_words), ("小计行", rules.subtotal_words), ("注释行开头", rules.note_prefixes),
                         ("落款行开头", rules.footer_labels), ("说明行（标题与表头之间）", rules.meta_labels),
                         ("县本级", rules.county_level_words), ("对比列（不载入）", rules.comparison_words),
                         ("个人信息列（不读取、不保存）", rules.personal_patterns)):
        out.append(f"| {label} | {'、'.join(sorted(words) if isinstance(words, frozenset) else words)} |")
    out.append("\n## 取值表（`vocab/*.csv`）\n")
    for name, v in vocabs().items():
        out.append(f"\n### {name}\n")
        out.append("| 规范名 | 代码 | 其他写法 |\n|---|---|---|")
        for canonical in v.order:
            forms = [f for f, c in v.forms.items() if c == canonical and f != canonical.lower()]
            codes = [k for k, c in v.codes.items() if c == canonical]
            out.append(f"| {canonical} | {'、'.join(codes) or '—'} | {'、'.join(forms) or '—'} |")
    return "\n".join(out) + "\n"
