"""Who may see a dossier: its owner, a delegate of the owner with TRACK, and staff of the centre that received or
processes it."""

from __future__ import annotations

from app.access_log.models import AccessKind
from app.accounts.identity import Viewer
from app.api.access_logging import log_staff_access
from app.api.context import Info
from app.api.errors import forbidden
from app.api.permissions import require_citizen
from app.dossiers.codes import normalise_dossier_code
from app.dossiers.models import Dossier
from app.errors import DomainError, ErrorCode


async def visible_dossier(info: Info, code: str | None = None, dossier_id: int | None = None) -> Dossier | None:
    """The dossier by code or id when the caller may see it, else None (unknown and hidden look the same).

    A delegate's read is logged for the owner (`myDelegatedActions`, `myDataAccessLog`).
    """
    viewer = info.context.viewer
    if viewer is None:
        return None
    if code is not None:
        canonical = normalise_dossier_code(code)
        dossier = await Dossier.get_or_none(code=canonical) if canonical else None
    else:
        dossier = await Dossier.get_or_none(id=dossier_id)
    if dossier is None:
        return None
    if dossier_rights(viewer, dossier):
        return dossier
    delegation = info.context.services.delegation
    tracked = viewer.is_citizen and await delegation.readable_dossier(viewer.id, dossier)
    return dossier if tracked else None


def dossier_rights(viewer: Viewer, dossier: Dossier) -> str | None:
    """How `viewer` may see `dossier` ("owner", "handling staff", "receiving staff"), None when not at all."""
    if viewer.is_citizen:
        return "owner" if dossier.citizen_id == viewer.id else None  # type: ignore[attr-defined]
    if viewer.works_at(dossier.handling_centre_id):  # type: ignore[attr-defined]
        return "handling staff"
    return "receiving staff" if viewer.works_at(dossier.received_centre_id) else None  # type: ignore[attr-defined]


async def dossier_to_change(info: Info, code: str, intake: bool = False) -> Dossier:
    """Like `visible_dossier`, for mutations: DOSSIER_NOT_FOUND when it is not there for the caller.

    Staff of the receiving centre only do intake; every other change belongs to the handling centre.
    """
    dossier = await visible_dossier(info, code=code)
    if dossier is None:
        raise DomainError(ErrorCode.DOSSIER_NOT_FOUND, "dossier")
    viewer = info.context.viewer
    if viewer.is_staff and not intake and not viewer.works_at(dossier.handling_centre_id):  # type: ignore[attr-defined]
        raise forbidden()
    await log_staff_access(info, AccessKind.CHANGED_DOSSIER, [dossier])
    return dossier


async def own_dossier(info: Info, code: str) -> Dossier:
    """The signed-in citizen's own dossier named by `code` (an input's `dossierCode`); DOSSIER_NOT_FOUND otherwise."""
    viewer = require_citizen(info)
    canonical = normalise_dossier_code(code)
    dossier = await Dossier.get_or_none(code=canonical, citizen_id=viewer.id) if canonical else None
    if dossier is None:
        raise DomainError(ErrorCode.DOSSIER_NOT_FOUND, "dossier")
    return dossier
