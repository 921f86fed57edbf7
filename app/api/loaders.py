"""DataLoaders, created fresh for every operation so no data leaks between callers."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from app.catalogue.models import Centre

M = TypeVar("M", bound=Model)


class ModelByIdLoader(DataLoader[int, M | None], Generic[M]):
    """Batches `Model.get(id=...)` calls of one operation into one `IN` query."""

    def __init__(self, model: type[M]) -> None:
        super().__init__(load_fn=self._load)
        self._model = model

    async def _load(self, ids: Iterable[int]) -> list[M | None]:
        keys = list(ids)
        found = {row.pk: row for row in await self._model.filter(pk__in=keys)}
        return [found.get(key) for key in keys]


@dataclass
class Loaders:
    """The loaders of one operation."""

    centre_by_id: ModelByIdLoader[Centre] = field(default_factory=lambda: ModelByIdLoader(Centre))
