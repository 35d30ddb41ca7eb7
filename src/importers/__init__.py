"""Importing conflict datasets (ACLED, UCDP GED, this project's own exports) as claims.

Pure (no Streamlit): ``kcm import`` and the Data page both call :func:`detect`,
:func:`plan_import` and :func:`apply_import`. ``docs/import.md`` documents every field.
"""

from src.importers.plan import (
    CREDITS,
    Detection,
    ImportError,
    ImportPlan,
    ImportReport,
    apply_import,
    detect,
    parse_bbox,
    plan_import,
)

__all__ = [
    "CREDITS",
    "Detection",
    "ImportError",
    "ImportPlan",
    "ImportReport",
    "apply_import",
    "detect",
    "parse_bbox",
    "plan_import",
]
