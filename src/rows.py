"""A table row as the code that formats it sees it: column name -> cell.

Loops over ``DataFrame.itertuples``/``iterrows`` are slow and lose the column names; every
module that walks claims or places one by one takes them as ``records(frame)`` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, cast

import pandas as pd

#: One row as column name -> cell (a ``records`` dict, or any mapping with those keys).
Row = Mapping[str, Any]


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts keyed by column name, cells as ``to_dict("records")``
    gives them (a missing nullable integer is None), built column by column: three to four
    times faster than ``to_dict`` over Arrow-backed strings at 10^5 rows."""
    # pandas-stubs types column labels as Hashable; the schema's columns are all str.
    names = cast(list[str], list(frame.columns))
    columns = [_cells(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return [dict(zip(names, row, strict=True)) for row in zip(*columns, strict=True)]


def _cells(column: pd.Series[Any]) -> list[Any]:
    values = column.tolist()
    if isinstance(column.dtype, pd.api.extensions.ExtensionDtype) and column.hasnans:
        return [None if v is pd.NA else v for v in values]
    return values
