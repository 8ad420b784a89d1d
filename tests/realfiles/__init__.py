"""Realistic department files, each with the figures a correct loader must produce.

``ALL`` maps a fixture name to its builder ``build_<name>(dir: Path) -> Fixture``.  See README.md for the
conventions (one ``etl load`` call per file, in order; meta keys in ``META_KEYS``).
The builders never import the project's code: every expected value is worked out from the rows written.
"""
from __future__ import annotations

from . import assistance, employment, income, monitoring, projects, work
from ._common import META_KEYS, Fixture, figures

_MODULES = (monitoring, income, employment, assistance, projects, work)

ALL = {name[len("build_"):]: getattr(mod, name)
       for mod in _MODULES for name in dir(mod)
       if name.startswith("build_") and callable(getattr(mod, name))}

# the order the README lists them in (also the order selfcheck prints)
ORDER = [
    "national_person_export", "mixed_roster", "list31_lifted", "list31_edge_xls", "rollback_two_exports",
    "income_year_column", "income_side_by_side", "income_prefixed_csv", "income_components",
    "income_halfyear_gbk", "income_sheet_per_year",
    "employment_indicators", "employment_ytd_column", "employment_two_periods", "employment_township_3level",
    "employment_two_tables_one_sheet",
    "assistance_county", "assistance_townships_with_posts", "assistance_villages_subtotals", "platform_ledger",
    "hidden_stale_sheet",
    "project_library", "project_library_duplicate_row", "integrated_plan",
    "work_ledger_units_in_cells", "work_ledger_unit_column_xls", "work_ledger_unit_contradiction",
    "mangled_ids_csv", "second_county_roster", "second_county_bad_township",
]
assert sorted(ORDER) == sorted(ALL), set(ORDER) ^ set(ALL)
ALL = {k: ALL[k] for k in ORDER}


def build(name: str, directory):
    """Build one fixture into ``directory`` (created if needed) and record its name."""
    from pathlib import Path

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    fx = ALL[name](d)
    fx.name = name
    return fx


__all__ = ["ALL", "META_KEYS", "Fixture", "build", "figures"]
