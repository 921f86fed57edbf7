"""GraphQL types and queries of the catalogue: centres and procedures."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Annotated

import strawberry
from strawberry import relay
from tortoise.functions import Count

from app.api.context import Info
from app.api.documents import DocumentRequirement
from app.api.enums import described_enum
from app.api.errors import bad_input
from app.api.ids import database_id, database_ids
from app.api.pagination import After, Connection, First, build_connection, page_window, paginate_queryset
from app.catalogue import models
from app.catalogue.document_requirements import requirements_of
from app.catalogue.forms import FormField
from app.catalogue.models import CentreKind, DelegationRule, ProcedureLevel, localised_name
from app.catalogue.search import (
    MAX_SEARCH_WORDS,
    TooManySearchWords,
    published_procedures,
    ranked_procedure_ids,
    search_words,
)
from app.vietnamese import fold

described_enum(
    DelegationRule,
    "ProcedureDelegation",
    "Whether a procedure may be done through a delegate (`fileDossierFor`, `createFeeCheckout`, "
    "`bookAppointment` with `onBehalfOf`, `rateDossier`, tracking).",
    {
        DelegationRule.ALLOWED: "A delegate whose grant covers it may do it.",
        DelegationRule.IN_PERSON_ONLY: "The person must come in person: no delegate (refusal PROCEDURE_NEEDS_PERSON).",
        DelegationRule.NOTARISED_AUTHORISATION_REQUIRED: "Only under a grant recorded by centre staff, who checked "
        "the notarised authorisation (refusal PROCEDURE_NEEDS_NOTARISED_AUTHORISATION).",
    },
)

WEEKDAY_NAMES = ("MONDAY", "TUESDAY", "WEDNESDAY", "THURSDAY", "FRIDAY", "SATURDAY", "SUNDAY")


def _money_text(amount: int, locale: str) -> str:
    return f"{amount:,}".replace(",", ".") + " ₫" if locale == "vi" else f"{amount:,} VND"


@strawberry.type(description="One question of a procedure's online form.")
class FormFieldSpec:
    key: str = strawberry.field(description="Key of the answer in `submitDossier`'s `formFields`.")
    label: str = strawberry.field(description="Label in the caller's language.")
    kind: str = strawberry.field(description="How it is checked: text, citizen_id (12 digits), phone or date (ISO).")
    required: bool = strawberry.field(description="Must be answered.")


@strawberry.type(description="One opening interval of a centre, local time (Asia/Ho_Chi_Minh).")
class OpeningInterval:
    weekday: int = strawberry.field(description="0 = Monday ... 6 = Sunday.")
    opens: str = strawberry.field(description="Opening time, HH:MM.")
    closes: str = strawberry.field(description="Closing time, HH:MM.")


@strawberry.type(description="A public administration service centre.")
class Centre(relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="Official code of the unit it serves (e.g. 06652).")
    name: str = strawberry.field(description="Vietnamese name of the unit, e.g. 'Phường Hà Tu'.")
    kind: CentreKind = strawberry.field(description="Ward, commune, special zone or the provincial centre.")
    former_area: str = strawberry.field(description="The district or city the unit belonged to before 07/2025.")
    address: str = strawberry.field(description="Postal address as published.")
    latitude: float = strawberry.field(description="Approximate latitude (WGS 84).")
    longitude: float = strawberry.field(description="Approximate longitude (WGS 84).")
    is_island: bool = strawberry.field(description="On an island: reached from the mainland by boat only.")
    phone: str | None = strawberry.field(description="Hotline, null when not published.")
    counters: int = strawberry.field(description="Reception counters open in parallel.")
    stored_hours: strawberry.Private[dict[str, list[list[str]]]]

    @strawberry.field(description="Weekly opening intervals; days without intervals are closed.")
    def opening_hours(self) -> list[OpeningInterval]:
        return [
            OpeningInterval(weekday=int(day), opens=opens, closes=closes)
            for day, intervals in sorted(self.stored_hours.items())
            for opens, closes in intervals
        ]

    @classmethod
    def from_model(cls, centre: models.Centre) -> Centre:
        return cls(
            id=centre.id,
            code=centre.code,
            name=centre.name_vi,
            kind=centre.kind,
            former_area=centre.former_area,
            address=centre.address,
            latitude=centre.latitude,
            longitude=centre.longitude,
            is_island=centre.is_island,
            phone=centre.phone or None,
            counters=centre.counters,
            stored_hours=centre.opening_hours,
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> list:
        ids = database_ids(list(node_ids))
        centres = await info.context.loaders.centre_by_id.load_many([pk for pk in ids if pk is not None])
        found = {centre.id: centre for centre in centres if centre}
        return [cls.from_model(found[pk]) if pk in found else None for pk in ids]


@strawberry.type(description="An administrative procedure from the national catalogue.")
class Procedure(relay.Node):
    id: relay.NodeID[int]
    code: str = strawberry.field(description="National procedure code, e.g. 1.001193.")
    name_vi: str = strawberry.field(description="Official Vietnamese name.")
    name_en: str = strawberry.field(description="English name (a translation).")
    sector: str = strawberry.field(description="Sector (lĩnh vực), e.g. 'Hộ tịch'.")
    level: ProcedureLevel = strawberry.field(description="Commune-level or provincial procedure.")
    borderless: bool = strawberry.field(
        description="Borderless (phi địa giới): may be filed at any centre, not only the one of residence."
    )
    fee_vnd: int | None = strawberry.field(
        description="Fee in dong; 0 means free; null means the fee is not known (never read null as free)."
    )
    processing_days: int | None = strawberry.field(
        description="Statutory processing time in working days; 0 means the same day; null means not known."
    )
    delegation: DelegationRule = strawberry.field(description="Whether a delegate may do it for someone.")
    delegation_reason_texts: strawberry.Private[dict[str, str]]
    # the stored row: requirements and form fields are built from it only when a query selects them
    stored: strawberry.Private[models.Procedure]

    @strawberry.field(description="Why delegation is restricted, in the caller's language; null when ALLOWED.")
    def delegation_reason(self, info: Info) -> str | None:
        texts = self.delegation_reason_texts
        return texts.get(info.context.locale, texts.get("vi")) if texts else None

    @strawberry.field(
        description="Names of the documents to bring or upload, in the caller's language.",
        deprecation_reason="Use `documentRequirements`, which says which are mandatory, their types and sizes.",
    )
    def required_documents(self, info: Info) -> list[str]:
        return [requirement.name(info) for requirement in self.document_requirements()]

    @strawberry.field(
        description="The documents to attach to `submitDossier`, in the catalogue's order; a procedure whose "
        "requirements are not known from a source lists its summary names as optional."
    )
    def document_requirements(self) -> list[DocumentRequirement]:
        return [DocumentRequirement.from_requirement(requirement) for requirement in requirements_of(self.stored)]

    @strawberry.field(description="Questions of the online form, answered in `submitDossier`.")
    def form_fields(self, info: Info) -> list[FormFieldSpec]:
        english = info.context.locale == "en"
        return [
            FormFieldSpec(
                key=field.key,
                label=field.label_en if english else field.label_vi,
                kind=field.kind.value,
                required=field.required,
            )
            for field in map(FormField.from_json, self.stored.form_fields)
        ]

    @strawberry.field(description="Name in the caller's language.")
    def name(self, info: Info) -> str:
        return localised_name(self.name_vi, self.name_en, info.context.locale)

    @strawberry.field(description="The fee as the app should show it, in the caller's language.")
    def fee_text(self, info: Info) -> str:
        vi = info.context.locale == "vi"
        if self.fee_vnd is None:
            return "Chưa có thông tin lệ phí" if vi else "Fee not known"
        if self.fee_vnd == 0:
            return "Miễn phí" if vi else "Free"
        return _money_text(self.fee_vnd, info.context.locale)

    @strawberry.field(description="The processing time as the app should show it, in the caller's language.")
    def processing_time_text(self, info: Info) -> str:
        vi = info.context.locale == "vi"
        if self.processing_days is None:
            return "Chưa có thông tin thời hạn" if vi else "Processing time not known"
        if self.processing_days == 0:
            return "Trong ngày" if vi else "Same working day"
        return f"{self.processing_days} ngày làm việc" if vi else f"{self.processing_days} working days"

    @classmethod
    def from_model(cls, procedure: models.Procedure) -> Procedure:
        return cls(
            id=procedure.id,
            code=procedure.code,
            name_vi=procedure.name_vi,
            name_en=procedure.name_en,
            sector=procedure.sector,
            level=procedure.level,
            borderless=procedure.borderless,
            fee_vnd=procedure.fee_vnd,
            processing_days=procedure.processing_days,
            delegation=procedure.delegation,
            delegation_reason_texts=dict(procedure.delegation_reason),
            stored=procedure,
        )

    @classmethod
    async def resolve_nodes(cls, *, info: Info, node_ids: Iterable[str], required: bool = False) -> list:
        ids = database_ids(list(node_ids))
        found = {p.id: p for p in await models.Procedure.filter(id__in=[pk for pk in ids if pk is not None])}
        return [cls.from_model(found[pk]) if pk in found else None for pk in ids]


@strawberry.type(description="A sector of procedures and how many procedures it has.")
class Sector:
    name: str = strawberry.field(description="Sector name, usable as the `sector` filter of `procedures`.")
    procedure_count: int = strawberry.field(description="Procedures in this sector.")


@strawberry.input(description="A map area: the centres whose position lies inside (edges included).")
class BoundingBoxInput:
    south: float = strawberry.field(description="Southern edge, latitude -90 to 90.")
    west: float = strawberry.field(description="Western edge, longitude -180 to 180.")
    north: float = strawberry.field(description="Northern edge, latitude, not below `south`.")
    east: float = strawberry.field(description="Eastern edge, longitude, not below `west`.")

    def filters(self) -> dict[str, float]:
        """Tortoise filters for the box; BAD_USER_INPUT when it is not a box."""
        if not (-90 <= self.south <= self.north <= 90 and -180 <= self.west <= self.east <= 180):
            raise bad_input("`boundingBox` needs -90 <= south <= north <= 90 and -180 <= west <= east <= 180.")
        return {
            "latitude__gte": self.south,
            "latitude__lte": self.north,
            "longitude__gte": self.west,
            "longitude__lte": self.east,
        }


def _search_words(info: Info, search: str | None) -> list[str]:
    """The words of `procedures(search:)`; BAD_USER_INPUT, naming the argument's path, when there are too many."""
    try:
        return search_words(search or "")
    except TooManySearchWords:
        path = f"{info.path.key}.search"
        raise bad_input(f"`{path}` has more than {MAX_SEARCH_WORDS} words.", argument=path) from None


@strawberry.type
class CatalogueQuery:
    @strawberry.field(
        description="Procedures, filtered and paged. With `search`, matches are accent-insensitive "
        "('dang ky khai sinh' finds 'Đăng ký khai sinh') and ranked by relevance; otherwise catalogue order."
    )
    async def procedures(
        self,
        info: Info,
        search: Annotated[
            str | None, strawberry.argument(description="Words to find in the code, names or sector.")
        ] = None,
        sector: Annotated[str | None, strawberry.argument(description="Only this sector (see `sectors`).")] = None,
        borderless: Annotated[
            bool | None, strawberry.argument(description="Only borderless (true) or only residence-bound (false).")
        ] = None,
        level: Annotated[
            ProcedureLevel | None, strawberry.argument(description="Only commune-level or provincial.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Procedure]:
        queryset = published_procedures()
        if sector is not None:
            queryset = queryset.filter(sector=sector)
        if borderless is not None:
            queryset = queryset.filter(borderless=borderless)
        if level is not None:
            queryset = queryset.filter(level=level)
        query_words = _search_words(info, search)
        if not query_words:
            return await paginate_queryset(info, queryset, first, after, Procedure.from_model)
        offset, limit = page_window(info, first, after)
        ranked = await ranked_procedure_ids(queryset, query_words)
        page_ids = ranked[offset : offset + limit]
        rows = {p.id: p for p in await models.Procedure.filter(id__in=page_ids)}
        return build_connection([Procedure.from_model(rows[i]) for i in page_ids], offset, len(ranked))

    @strawberry.field(description="A procedure by its national code, null when unknown.")
    async def procedure(
        self, code: Annotated[str, strawberry.argument(description="National code, e.g. 1.001193.")]
    ) -> Procedure | None:
        found = await models.Procedure.get_or_none(code=code.strip())
        return Procedure.from_model(found) if found else None

    @strawberry.field(
        description="Sectors of the catalogue with their procedure counts, alphabetical (ignoring accents)."
    )
    async def sectors(self) -> list[Sector]:
        rows = (
            await published_procedures().annotate(count=Count("id")).group_by("sector").values_list("sector", "count")
        )
        return [Sector(name=name, procedure_count=count) for name, count in sorted(rows, key=lambda r: fold(r[0]))]

    @strawberry.field(description="Service centres ordered by name, optionally of one kind or in one map area.")
    async def centres(
        self,
        info: Info,
        kind: Annotated[CentreKind | None, strawberry.argument(description="Only centres of this kind.")] = None,
        bounding_box: Annotated[
            BoundingBoxInput | None, strawberry.argument(description="Only centres inside this map area.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Centre]:
        queryset = models.Centre.all().order_by("name_folded", "id")
        if kind is not None:
            queryset = queryset.filter(kind=kind)
        if bounding_box is not None:
            queryset = queryset.filter(**bounding_box.filters())
        return await paginate_queryset(info, queryset, first, after, Centre.from_model)

    @strawberry.field(description="A centre by its ID, null when unknown.")
    async def centre(
        self, info: Info, id: Annotated[relay.GlobalID, strawberry.argument(description="The centre's ID.")]
    ) -> Centre | None:
        found = await info.context.loaders.centre_by_id.load(database_id(id, "Centre"))
        return Centre.from_model(found) if found else None
