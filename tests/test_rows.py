"""``records`` gives exactly what ``DataFrame.to_dict("records")`` gives, only faster."""

from __future__ import annotations

import pandas as pd

from src.rows import records


def test_records_match_to_dict_on_every_table(small, bundled):
    for data in (small, bundled):
        for frame in (data.events, data.places, data.sources, data.events.iloc[0:0]):
            expected = frame.to_dict("records")
            got = records(frame)
            assert got == expected
            for mine, theirs in zip(got, expected, strict=True):
                assert {k: type(v) for k, v in mine.items()} == {
                    k: type(v) for k, v in theirs.items()
                }


def test_a_missing_nullable_number_is_none_as_in_to_dict():
    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "s": ["a", "b"]})
    assert records(frame) == [{"n": 1, "s": "a"}, {"n": None, "s": "b"}]
    assert records(frame)[1]["n"] is None
