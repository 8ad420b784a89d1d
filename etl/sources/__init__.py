"""One module per source kind. Each declares its layouts (``SPECS``) and builds fact rows (``build``)."""
from __future__ import annotations

from etl.sources import assistance, employment, income, monitoring, projects, work

KIND_LABEL = {"monitoring": "监测对象", "income": "收入", "employment": "就业", "welfare_posts": "公益性岗位",
              "assistance": "社会救助", "platform": "救助平台", "projects": "项目库", "work": "工作台账",
              "industry": "产业发展"}
MODULES = {m.NAME: m for m in (monitoring, income, employment, assistance, projects, work)}
SPECS = [s for m in MODULES.values() for s in m.SPECS]
SPEC_BY_KIND = {}
for _s in SPECS:
    SPEC_BY_KIND.setdefault(_s.kind, _s)


def specs_for(kind: str | None):
    """Layouts to try: all, those of one module (``employment``), or of one sheet kind (``welfare_posts``)."""
    if not kind:
        return SPECS
    if kind in MODULES:
        return list(MODULES[kind].SPECS)
    chosen = [s for s in SPECS if s.kind == kind]
    if not chosen:
        names = sorted(set(MODULES) | {s.kind for s in SPECS})
        raise KeyError(f"未知的数据类型“{kind}”（可用：{'、'.join(names)}）")
    return chosen


def module_of(spec):
    return MODULES[spec.module]
