"""乡村振兴指标看板 — read side and shared core (schema, settings, indicators, charts)."""
