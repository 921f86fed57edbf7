"""The process's index follows the catalogue: a change made anywhere is seen within the check interval."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from app.assistant.catalogue_index import CHECK_SECONDS, CatalogueIndex, invalidate_catalogue_indexes
from app.catalogue.models import Procedure

NOW = datetime(2026, 3, 2, 3, 0, tzinfo=UTC)


class StepClock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


async def add_swiftlet_procedure() -> None:
    await Procedure.create(
        code="1.999999", name_vi="Cấp phép khai thác tổ yến", sector="Nông nghiệp", level="provincial", search_text=""
    )


async def test_a_change_by_another_process_is_seen_after_the_check_interval(app, catalogue):
    clock = StepClock()
    index = CatalogueIndex(clock)
    assert (await index.current()).search("tổ yến").matches == ()
    await add_swiftlet_procedure()  # as an import in another process would: nobody tells this index
    assert (await index.current()).search("tổ yến").matches == ()
    clock.now += timedelta(seconds=CHECK_SECONDS)
    assert [m.code for m in (await index.current()).search("tổ yến").matches] == ["1.999999"]


async def test_the_importer_can_make_every_index_look_at_once(app, catalogue):
    index = CatalogueIndex(StepClock())
    await index.current()
    await add_swiftlet_procedure()
    invalidate_catalogue_indexes()
    assert [m.code for m in (await index.current()).search("tổ yến").matches] == ["1.999999"]


async def test_an_unchanged_catalogue_keeps_its_index(app, catalogue):
    clock = StepClock()
    index = CatalogueIndex(clock)
    first = await index.current()
    clock.now += timedelta(seconds=CHECK_SECONDS)
    assert await index.current() is first
