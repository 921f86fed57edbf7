"""Acting for someone at the API: the dossier or appointment a citizen acts on, their own or that of a person they
represent under a grant that covers the action (`app.delegation.services.acting_for`, the one check)."""

from __future__ import annotations

from dataclasses import dataclass

from strawberry import relay

from app.api.context import Info
from app.api.ids import database_id
from app.api.permissions import require_citizen
from app.appointments.models import Appointment
from app.catalogue.models import Procedure
from app.delegation.models import Grant, GrantAction
from app.delegation.services import acting_for
from app.dossiers.codes import normalise_dossier_code
from app.dossiers.models import Dossier
from app.errors import DomainError, ErrorCode

ON_BEHALF_ERRORS = [  # every refusal of `acting_for`, declared by each mutation a delegate may use
    ErrorCode.DELEGATION_NOT_FOUND,
    ErrorCode.DELEGATION_NOT_ACCEPTED,
    ErrorCode.DELEGATION_EXPIRED,
    ErrorCode.DELEGATION_ENDED,
    ErrorCode.DELEGATION_NOT_COVERED,
    ErrorCode.DELEGATION_PROCEDURE_NOT_COVERED,
    ErrorCode.PROCEDURE_NEEDS_PERSON,
    ErrorCode.PROCEDURE_NEEDS_NOTARISED_AUTHORISATION,
]


@dataclass(frozen=True)
class Acting:
    """Who acts (`actor_id`), for whom (`owner_id`), and the grant used (None when acting for oneself)."""

    actor_id: int
    owner_id: int
    grant: Grant | None

    @property
    def acted_by(self) -> int | None:
        """The delegate to record on what is written, None when the owner acts."""
        return self.actor_id if self.grant is not None else None

    async def record(self, info: Info, action: GrantAction, **what) -> None:
        """Log a delegate's action and tell the person represented (nothing when the owner acted)."""
        if self.grant is not None:
            await info.context.services.delegation.record(self.grant, action, info.context.services.clock(), **what)


async def _acting(info: Info, owner_id: int, action: GrantAction, procedure_id: int, field: str) -> Acting:
    viewer = require_citizen(info)
    if owner_id == viewer.id:
        return Acting(viewer.id, owner_id, None)
    procedure = await Procedure.get(id=procedure_id)
    grant = await acting_for(viewer.id, owner_id, action, procedure, info.context.services.clock(), field=field)
    return Acting(viewer.id, owner_id, grant)


async def dossier_acted_on(info: Info, code: str, action: GrantAction) -> tuple[Dossier, Acting]:
    """The dossier named by `code` (an input's `dossierCode`), the caller's own or one they may `action` for.

    DOSSIER_NOT_FOUND when it is neither (a stranger learns nothing); a delegate's refusals are coded on `dossier`.
    """
    viewer = require_citizen(info)
    canonical = normalise_dossier_code(code)
    dossier = await Dossier.get_or_none(code=canonical) if canonical else None
    if dossier is None or not await _may_know(viewer.id, dossier.citizen_id):  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.DOSSIER_NOT_FOUND, "dossier")
    owner_id: int = dossier.citizen_id  # type: ignore[attr-defined]
    return dossier, await _acting(info, owner_id, action, dossier.procedure_id, "dossier")  # type: ignore[attr-defined]


async def appointment_acted_on(info: Info, global_id: relay.GlobalID) -> tuple[Appointment, Acting]:
    """The appointment, the caller's own or one they may BOOK for; APPOINTMENT_NOT_FOUND when it is neither."""
    viewer = require_citizen(info)
    appointment = await Appointment.get_or_none(id=database_id(global_id, "Appointment"))
    if appointment is None or not await _may_know(viewer.id, appointment.citizen_id):  # type: ignore[attr-defined]
        raise DomainError(ErrorCode.APPOINTMENT_NOT_FOUND, "id")
    owner_id: int = appointment.citizen_id  # type: ignore[attr-defined]
    procedure_id: int = appointment.procedure_id  # type: ignore[attr-defined]
    return appointment, await _acting(info, owner_id, GrantAction.BOOK, procedure_id, "id")


async def acting_for_person(
    info: Info, on_behalf_of: relay.GlobalID | None, procedure_code: str, action: GrantAction
) -> Acting:
    """The caller acting for themselves (`on_behalf_of` null) or for the citizen it names, for a procedure."""
    viewer = require_citizen(info)
    if on_behalf_of is None:
        return Acting(viewer.id, viewer.id, None)
    owner_id = database_id(on_behalf_of, "Citizen")
    if owner_id == viewer.id:
        return Acting(viewer.id, owner_id, None)
    procedure = await Procedure.get_or_none(code=procedure_code.strip())
    if procedure is None:
        raise DomainError(ErrorCode.PROCEDURE_NOT_FOUND, "procedure_code")
    clock = info.context.services.clock()
    grant = await acting_for(
        viewer.id, owner_id, action, procedure, clock, field="on_behalf_of", procedure_field="procedure_code"
    )
    return Acting(viewer.id, owner_id, grant)


async def _may_know(viewer_id: int, owner_id: int) -> bool:
    """The owner, or someone the owner ever granted anything: others are told nothing exists."""
    return owner_id == viewer_id or await Grant.exists(grantor_id=owner_id, delegate_id=viewer_id)
