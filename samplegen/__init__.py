"""Deterministic sample department workbooks for a county profile (not part of the loader)."""
from samplegen.generate import DEFAULT_PROFILE, write_samples

__all__ = ["DEFAULT_PROFILE", "write_samples"]
