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
    """The frame's rows as dicts keyed by column name."""
    # pandas-stubs types column labels as Hashable; the schema's columns are all str.
    return cast(list[dict[str, Any]], frame.to_dict("records"))
