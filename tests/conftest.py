"""Shared fixtures, each loaded once per session: ``small`` (the hand-made dataset under
tests/fixtures/valid, for exact expectations) and ``bundled`` (the app's own data/, for
expectations computed from it). Tests must not mutate them: copy a frame before changing it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from src.dataset import Dataset, load_dataset

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def small() -> Dataset:
    return load_dataset(FIXTURES / "valid")


@pytest.fixture(scope="session")
def bundled() -> Dataset:
    return load_dataset()
