"""Who may call what: every resolver that touches non-public data starts with one of these."""

from __future__ import annotations

from app.accounts.identity import Viewer
from app.accounts.models import StaffRole
from app.api.context import Info
from app.api.errors import forbidden, unauthenticated


def require_viewer(info: Info) -> Viewer:
    """Any signed-in caller."""
    viewer = info.context.viewer
    if viewer is None:
        raise unauthenticated()
    return viewer


def require_citizen(info: Info) -> Viewer:
    """A signed-in citizen (staff are refused)."""
    viewer = require_viewer(info)
    if not viewer.is_citizen:
        raise forbidden()
    return viewer


def require_staff(info: Info, *roles: StaffRole) -> Viewer:
    """A signed-in staff member, of one of `roles` when given."""
    viewer = require_viewer(info)
    if not viewer.is_staff or (roles and viewer.role not in roles):
        raise forbidden()
    return viewer


def require_staff_of(info: Info, centre_id: int, *roles: StaffRole) -> Viewer:
    """Staff of that centre (or a provincial admin)."""
    viewer = require_staff(info, *roles)
    if not viewer.works_at(centre_id):
        raise forbidden()
    return viewer
