"""The input every way of filing a dossier shares: the procedure, its form's answers and the stored documents for
its requirements (online, by a delegate, at the counter, from a draft), so that they cannot drift apart."""

from __future__ import annotations

import strawberry
from strawberry import relay
from strawberry.scalars import JSON

from app.api.documents import DocumentAttachmentInput

ATTACHMENT_FIELDS = {"attachments": "attachments"}  # keep the requirement key after it as the data spells it


@strawberry.input(description="What a dossier is filed with: the procedure, the form's answers and stored documents.")
class DossierApplicationInput:
    procedure_code: str = strawberry.field(description="National code of the procedure.")
    form_fields: JSON = strawberry.field(description="Answers keyed by `Procedure.formFields[].key`.")
    attachments: list[DocumentAttachmentInput] = strawberry.field(
        default_factory=list,
        description="Stored documents for `Procedure.documentRequirements` (every mandatory one, at most 30).",
    )


@strawberry.input(description="A dossier application with the centre to file at.")
class DossierFilingInput(DossierApplicationInput):
    centre_id: relay.GlobalID = strawberry.field(description="Centre to file at (see `Procedure.borderless`).")
