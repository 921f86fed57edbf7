"""Every test starts with a fresh catalogue index (the app's index lives as long as the test session)."""

import pytest

from app.assistant.catalogue_index import invalidate_catalogue_indexes


@pytest.fixture(autouse=True)
def fresh_index() -> None:
    invalidate_catalogue_indexes()
