"""Shared fixtures: the small valid dataset under tests/fixtures/valid, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from src.dataset import Dataset, load_dataset

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def small() -> Dataset:
    return load_dataset(FIXTURES / "valid")
