"""Who is calling: the identity carried by an access token."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from app.accounts.models import StaffRole


class ViewerKind(StrEnum):
    """The two kinds of account."""

    CITIZEN = "citizen"
    STAFF = "staff"


@dataclass(frozen=True)
class Viewer:
    """A signed-in caller: their account, their sign-in (`session`, shared by all its tokens) and, for staff, role
    and centre."""

    kind: ViewerKind
    id: int
    role: StaffRole | None = None
    centre_id: int | None = None
    expires_at: datetime | None = None
    session: str | None = None

    @property
    def is_citizen(self) -> bool:
        return self.kind is ViewerKind.CITIZEN

    @property
    def is_staff(self) -> bool:
        return self.kind is ViewerKind.STAFF

    def works_at(self, centre_id: int) -> bool:
        """Staff of that centre, or a provincial admin."""
        return self.is_staff and (self.role is StaffRole.ADMIN or self.centre_id == centre_id)
