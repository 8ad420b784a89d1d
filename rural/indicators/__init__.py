"""Indicator functions: SQLAlchemy Core queries that aggregate in the database and return small results.

Every number on a page, in an export or in the summary comes from one of these. Each takes an
engine and the filters (``as_of`` month ``YYYY-MM``, ``township`` name or None for the county) and
picks, per source kind, the latest active batch period not after ``as_of``.

Grouped by area: :mod:`.monitoring`, :mod:`.work`, :mod:`.income`, :mod:`.employment`, :mod:`.projects`,
:mod:`.assistance`, :mod:`.county` (the county's own indicators, 指标数据) and :mod:`.overview` (across areas);
:mod:`.base` holds the scope and the one filter helper (:func:`scoped`). Everything is reached as
``rural.indicators.<name>`` (the gateway ``rural.access.call`` looks names up here)."""
from rural.indicators.base import (  # noqa: F401
    B, T, MH, INC, EMP, WP, AS, PC, PJ, WR, V, NO_RISK, COUNTY_LEVEL, memo, clear_caches, Scope, counties, county_of, snapshots, latest_as_of, townships, _period, _batches, _township_filter, _resolve, periods_date, scoped,
)
from rural.indicators.monitoring import (  # noqa: F401
    monitoring_overview, monitoring_breakdown, monitoring_trend, household_list,
)
from rural.indicators.work import (  # noqa: F401
    _work_items, WORK_ITEMS, work_summary, work_by_township, industry_items, _hundredths,
)
from rural.indicators.income import (  # noqa: F401
    income_per_capita, income_bands, _growth, income_summary, income_series, income_by_township,
)
from rural.indicators.employment import (  # noqa: F401
    employment_status, status_of, employment_by_township, welfare_posts,
)
from rural.indicators.projects import (  # noqa: F401
    project_shares, _integrated_source, _wan, projects_by_category, project_list, projects_by_township,
)
from rural.indicators.assistance import (  # noqa: F401
    assistance_by_type, assistance_trend, platform_summary, assistance_by_township,
)
from rural.indicators.overview import (  # noqa: F401
    summary, township_table, _alert, alerts, headline_values, headlines, _meta, _label, changes, headline_differences, freshness, _due_period, default_compare,
)
from rural.indicators import county  # noqa: F401,E402
from rural.indicators.county import (  # noqa: F401
    county_values, indicator_areas, indicator_by_township, indicator_series, indicator_table,
)
