"""A table row as the code that formats it sees it: column name -> cell.

Loops over ``DataFrame.itertuples``/``iterrows`` are slow and lose the column names; every
module that walks claims or places one by one takes them as ``records(frame)`` instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd

T = TypeVar("T")

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


def per_distinct(
    frame: pd.DataFrame, columns: list[str], make: Callable[[dict[str, Any]], T]
) -> list[T]:
    """``[make(row) for row in records(frame[columns])]``, calling ``make`` once per distinct
    combination of those cells: formatting a label for each of 10^6 claims one by one took
    seconds, while they hold a few thousand distinct dates, figures or source lists."""
    if frame.empty:
        return []
    codes = frame.groupby(columns, sort=False, dropna=False, observed=True).ngroup().to_numpy()
    _, first = np.unique(codes, return_index=True)  # first row of each code, codes ascending
    made = [make(row) for row in records(frame[columns].iloc[first])]
    return [made[c] for c in codes.tolist()]
