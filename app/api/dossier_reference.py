"""One input name for a dossier's code: `dossierCode`, with the older `code` still accepted (deprecated)."""

from __future__ import annotations

import strawberry

from app.api.errors import bad_input

DOSSIER_FIELD = {"dossier": "dossierCode"}  # the domain's `dossier` field is the client's `dossierCode`


@strawberry.input(description="Names a dossier by its code (the first fields of every input that acts on one).")
class NamesDossier:
    dossier_code: str | None = strawberry.field(
        default=None, description="The dossier's code, with or without dashes. Required (null only with `code`)."
    )
    code: str | None = strawberry.field(
        default=None,
        description="The dossier's code, as app builds before `dossierCode` send it.",
        deprecation_reason="Use `dossierCode`, the name every input uses for a dossier's code.",
    )

    def named_code(self) -> str:
        """The code the client sent under either name; BAD_USER_INPUT when none, or two different ones."""
        given = {value for value in (self.dossier_code, self.code) if value is not None}
        if len(given) != 1:
            raise bad_input("Give the dossier's code in `dossierCode`.", argument="input.dossierCode")
        return given.pop()

    def client_field_renames(self) -> dict[str, str]:
        """A failure about the dossier names the field the client used: `code` from older builds."""
        return {"dossier": "code" if self.dossier_code is None else "dossierCode"}
