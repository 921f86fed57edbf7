"""DataLoaders, created fresh for every operation so no data leaks between callers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from strawberry.dataloader import DataLoader
from tortoise.models import Model

from app.appointments.availability import next_free_slots
from app.catalogue.models import Centre, Procedure
from app.clock import Clock, system_clock
from app.dossiers.models import Apology, Dossier, DossierEvent, SupplementRequest
from app.results.models import SignedResult
from payments.models import Payment

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


class ChildrenByParentLoader(DataLoader[int, list[M]], Generic[M]):
    """Batches "all rows of `model` whose `parent_field` is X, oldest first" into one `IN` query."""

    def __init__(self, model: type[M], parent_field: str) -> None:
        super().__init__(load_fn=self._load)
        self._model = model
        self._parent_field = parent_field

    async def _load(self, parent_ids: Iterable[int]) -> list[list[M]]:
        keys = list(parent_ids)
        grouped: dict[int, list[M]] = defaultdict(list)
        rows = await self._model.filter(**{f"{self._parent_field}__in": keys}).order_by("id")
        for row in rows:
            grouped[getattr(row, self._parent_field)].append(row)
        return [grouped[key] for key in keys]


class DossierByIdLoader(DataLoader[int, Dossier | None]):
    """Batches dossier reads, each dossier with its procedure and centres in the same query.

    The procedure and centres read are handed to `procedures` and `centres`, so resolving them costs no query.
    """

    def __init__(self, procedures: ModelByIdLoader[Procedure], centres: ModelByIdLoader[Centre]) -> None:
        super().__init__(load_fn=self._load)
        self._procedures = procedures
        self._centres = centres

    async def _load(self, ids: Iterable[int]) -> list[Dossier | None]:
        keys = list(ids)
        rows = await Dossier.filter(pk__in=keys).select_related("procedure", "received_centre", "handling_centre")
        for row in rows:
            self._procedures.prime(row.procedure_id, row.procedure)  # type: ignore[attr-defined]
            for centre in (row.received_centre, row.handling_centre):
                self._centres.prime(centre.id, centre)
        found = {row.pk: row for row in rows}
        return [found.get(key) for key in keys]


@dataclass
class Loaders:
    """The loaders of one operation, reading "now" from `clock`."""

    clock: Clock = system_clock
    centre_by_id: ModelByIdLoader[Centre] = field(default_factory=lambda: ModelByIdLoader(Centre))
    procedure_by_id: ModelByIdLoader[Procedure] = field(default_factory=lambda: ModelByIdLoader(Procedure))
    events_by_dossier: ChildrenByParentLoader[DossierEvent] = field(
        default_factory=lambda: ChildrenByParentLoader(DossierEvent, "dossier_id")
    )
    supplements_by_dossier: ChildrenByParentLoader[SupplementRequest] = field(
        default_factory=lambda: ChildrenByParentLoader(SupplementRequest, "dossier_id")
    )
    apologies_by_dossier: ChildrenByParentLoader[Apology] = field(
        default_factory=lambda: ChildrenByParentLoader(Apology, "dossier_id")
    )
    payments_by_dossier: ChildrenByParentLoader[Payment] = field(
        default_factory=lambda: ChildrenByParentLoader(Payment, "dossier_id")
    )
    results_by_dossier: ChildrenByParentLoader[SignedResult] = field(
        default_factory=lambda: ChildrenByParentLoader(SignedResult, "dossier_id")
    )
    dossier_by_id: DossierByIdLoader = field(init=False)
    # keyed by loaded centres (hours and counters read), so callers holding them cost no centre query
    next_free_slot_by_centre: DataLoader[Centre, datetime | None] = field(init=False)

    def __post_init__(self) -> None:
        self.dossier_by_id = DossierByIdLoader(self.procedure_by_id, self.centre_by_id)
        self.next_free_slot_by_centre = DataLoader(load_fn=self._next_free_slots, cache_key_fn=lambda centre: centre.id)

    async def _next_free_slots(self, centres: Iterable[Centre]) -> list[datetime | None]:
        keys = list(centres)
        found = await next_free_slots(keys, self.clock())
        return [found[centre.id] for centre in keys]


@dataclass
class _LoadersSlot:
    """Where an operation keeps its loaders, made when first used (a subscription's resolvers may never need any).

    One slot per operation, shared by the tasks its resolvers run in, so they all batch into the same loaders.
    """

    loaders: Loaders | None = None


_operation_loaders: ContextVar[_LoadersSlot | None] = ContextVar("operation_loaders", default=None)


def current_loaders(clock: Clock) -> Loaders:
    """The loaders of the running operation (each websocket operation runs in its own task)."""
    slot = _operation_loaders.get()
    if slot is None:
        slot = _LoadersSlot()
        _operation_loaders.set(slot)
    if slot.loaders is None:
        slot.loaders = Loaders(clock)
    return slot.loaders


def use_loaders(loaders: Loaders) -> None:
    """Make `loaders` the current operation's, e.g. those an event shares with its subscribers (see event_scope)."""
    _operation_loaders.set(_LoadersSlot(loaders))


@contextmanager
def fresh_loaders() -> Iterator[None]:
    """New loaders for the enclosed work (an operation), made when it first needs them."""
    token = _operation_loaders.set(_LoadersSlot())
    try:
        yield
    finally:
        _operation_loaders.reset(token)
