"""One module per source kind: what no layout declaration can say (folding a person-level roster to
households, every risk of a household, completion rates against targets, items and their units …).

Each module has ``build(frame, ctx) -> DataFrame`` of fact rows from a long frame with the layout's
canonical field names plus ``_row`` (the source row) and ``_fp`` (the row's fingerprint).
"""
from __future__ import annotations

from collections.abc import Mapping

from etl.sources import assistance, employment, income, indicator_data, monitoring, projects, work

MODULES = {m.NAME: m for m in (monitoring, income, employment, assistance, projects, work, indicator_data)}


def module_for(layout):
    return MODULES[layout.module]


class _KindLabels(Mapping):
    """Kind code → Chinese label, read from ``rules.toml`` when asked (the reference folder may change)."""

    def _labels(self) -> dict[str, str]:
        from etl.layouts import reference

        return reference().rules.kind_labels

    def __getitem__(self, key):
        return self._labels()[key]

    def __iter__(self):
        return iter(self._labels())

    def __len__(self):
        return len(self._labels())


KIND_LABEL = _KindLabels()
