"""The assistant: `askAssistant` answers from the catalogue and the caller's own records."""

from __future__ import annotations

import strawberry

from app.api.arguments import Input
from app.api.catalogue import Procedure
from app.api.context import Info
from app.api.enums import described_enum
from app.api.errors import UserError, coded_mutation
from app.assistant import service
from app.assistant.actions import ActionKind
from app.assistant.facts import FactKind
from app.errors import ErrorCode

described_enum(
    FactKind,
    "AssistantFactKind",
    "What a fact of a procedure is about.",
    {
        FactKind.FEE: "The fee.",
        FactKind.PROCESSING_TIME: "The statutory processing time.",
        FactKind.REQUIRED_DOCUMENTS: "The documents to bring or upload.",
        FactKind.WHERE: "Where it can be filed.",
        FactKind.RELATIVE_MAY_DO_IT: "Whether a relative may do it for the citizen (unknown until recorded).",
    },
)
described_enum(
    ActionKind,
    "AssistantActionKind",
    "What a next step does; its deep link says where the app goes (see `AssistantAction.deepLink`).",
    {
        ActionKind.VIEW_PROCEDURE: "Open the procedure: `procedure/<code>`.",
        ActionKind.START_DOSSIER: "File it online: `procedure/<code>/submit`.",
        ActionKind.BOOK_APPOINTMENT: "Book an appointment for it: `procedure/<code>/book`.",
        ActionKind.NEAREST_CENTRES: "Nearest centres: `centres/nearest`, or `centres/nearest?procedure=<code>`.",
        ActionKind.TRACK_DOSSIER: "A dossier: `dossier/<code>`; or public tracking by code and secret: `track`.",
        ActionKind.VIEW_APPOINTMENT: "An appointment: `appointment/<id>`.",
        ActionKind.PAY_FEE: "Pay a dossier's fee: `dossier/<code>/pay`.",
        ActionKind.SIGN_IN: "Sign in: `sign-in`.",
        ActionKind.CALL: "Call the province's hotline: `tel:<number>`.",
    },
)


@strawberry.type(description="A procedure an answer is about.")
class AssistantProcedure:
    rank: int = strawberry.field(description="1 for the best match.")
    procedure: Procedure = strawberry.field(description="The procedure.")
    matched_terms: list[str] = strawberry.field(
        description="Words of the question it matched (folded), with the administrative term of an everyday word."
    )
    why: str = strawberry.field(description="Why it was chosen, in the caller's language.")


@strawberry.type(description="A fact the answer states, tied to its procedure; never guessed.")
class AssistantFact:
    kind: FactKind = strawberry.field(description="What it is about.")
    procedure_code: str = strawberry.field(description="The procedure it belongs to.")
    known: bool = strawberry.field(description="False when the catalogue does not record it (the text says so).")
    text: str = strawberry.field(description="The fact in words, in the caller's language.")
    items: list[str] = strawberry.field(description="For required documents, one entry per document.")


@strawberry.type(description="A next step, as a deep link the app already routes.")
class AssistantAction:
    kind: ActionKind = strawberry.field(description="What it does.")
    label: str = strawberry.field(description="Button text, in the caller's language.")
    deep_link: str = strawberry.field(description="Where the app goes (the scheme of push notifications' links).")
    procedure_code: str | None = strawberry.field(description="The procedure it is about, if any.")


@strawberry.type(description="The assistant's answer.")
class AssistantAnswer:
    conversation_id: str = strawberry.field(description="Send it with the next question to ask a follow-up.")
    text: str = strawberry.field(description="The answer, in the caller's language.")
    declined: bool = strawberry.field(
        description="True when no procedure fits with confidence: the text and actions offer the hotline and centre."
    )
    procedures: list[AssistantProcedure] = strawberry.field(description="The procedures it is about, best first.")
    facts: list[AssistantFact] = strawberry.field(description="The facts stated, each tied to its procedure.")
    actions: list[AssistantAction] = strawberry.field(description="Next steps.")

    @classmethod
    def from_answer(cls, answer: service.Answer, locale: str) -> AssistantAnswer:
        return cls(
            conversation_id=answer.conversation_id,
            text=answer.text,
            declined=answer.declined,
            procedures=[
                AssistantProcedure(
                    rank=found.rank,
                    procedure=Procedure.from_model(found.procedure),
                    matched_terms=list(found.matched_terms),
                    why=found.why(locale),
                )
                for found in answer.procedures
            ],
            facts=[
                AssistantFact(
                    kind=fact.kind,
                    procedure_code=fact.procedure_code,
                    known=fact.known,
                    text=fact.text(locale),
                    items=list(fact.items),
                )
                for fact in answer.facts
            ],
            actions=[
                AssistantAction(
                    kind=action.kind,
                    label=action.label(locale),
                    deep_link=action.deep_link,
                    procedure_code=action.procedure_code,
                )
                for action in answer.actions
            ],
        )


@strawberry.input(description="A question to the assistant.")
class AskAssistantInput:
    question: str = strawberry.field(description="As the citizen writes it, 1 to 500 characters, any language.")
    conversation_id: str | None = strawberry.field(
        default=None, description="The previous answer's `conversationId`, for a follow-up; null starts anew."
    )


@strawberry.type(description="Result of `askAssistant`.")
class AskAssistantPayload:
    answer: AssistantAnswer | None = strawberry.field(default=None, description="The answer.")
    errors: list[UserError] = strawberry.field(default_factory=list, description="Business failures.")


@strawberry.type
class AssistantMutation:
    @coded_mutation(
        AskAssistantPayload,
        description="Ask the assistant (anyone; signed-in citizens may also ask about their own dossiers, "
        "appointments and fees). It answers from the catalogue only, says when a fact is unknown, and declines "
        "with the hotline and nearest centres when unsure. A mutation: it keeps the conversation's context.",
        errors=[ErrorCode.INVALID_QUESTION],
    )
    async def ask_assistant(self, info: Info, input: Input[AskAssistantInput]) -> AskAssistantPayload:
        viewer = info.context.viewer
        citizen_id = viewer.id if viewer is not None and viewer.is_citizen else None
        locale = info.context.locale
        answer = await info.context.services.assistant.ask(input.question, input.conversation_id, citizen_id, locale)
        return AskAssistantPayload(answer=AssistantAnswer.from_answer(answer, locale))
