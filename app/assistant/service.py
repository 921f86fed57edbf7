"""Asking the assistant: a procedure's facts with next steps, a follow-up in context, own affairs, or a decline."""

from __future__ import annotations

from dataclasses import dataclass

from app.assistant.actions import Action, call_actions, help_actions, procedure_actions
from app.assistant.catalogue_index import CatalogueIndex
from app.assistant.conversations import Conversation, ConversationStore
from app.assistant.facts import Fact, facts_of
from app.assistant.index import Match, Retrieval
from app.assistant.intents import Intent, intent_of
from app.assistant.personal import personal_answer
from app.catalogue.models import Procedure, localised_name
from app.clock import Clock
from app.errors import DomainError, ErrorCode

MAX_QUESTION = 500


@dataclass(frozen=True)
class FoundProcedure:
    """A procedure the answer is about, its rank (1 = best) and the words of the question it matched."""

    procedure: Procedure
    rank: int
    matched_terms: tuple[str, ...]
    from_context: bool = False

    def why(self, locale: str) -> str:
        if self.from_context:
            return "From the previous question." if locale == "en" else "Theo câu hỏi trước."
        terms = ", ".join(self.matched_terms)
        return f"Matched: {terms}." if locale == "en" else f"Khớp với: {terms}."


@dataclass(frozen=True)
class Answer:
    """What the assistant says: `declined` when it found nothing it is sure of (and offers human help instead)."""

    conversation_id: str
    text: str
    declined: bool
    procedures: tuple[FoundProcedure, ...] = ()
    facts: tuple[Fact, ...] = ()
    actions: tuple[Action, ...] = ()


def checked_question(question: str) -> str:
    text = question.strip()
    if not text or len(question) > MAX_QUESTION:
        raise DomainError(ErrorCode.INVALID_QUESTION, "question", max_length=MAX_QUESTION)
    return text


def _matched_terms(match: Match) -> tuple[str, ...]:
    return tuple(
        " ".join(unit.said) + (f" → {' '.join(unit.expansion)}" if unit.expansion else "") for unit in match.matched
    )


def _decline_text(retrieval: Retrieval, hotline: str, locale: str) -> str:
    elsewhere = next((unit for unit in retrieval.units if unit.elsewhere), None)
    call_vi = f"gọi đường dây nóng {hotline} hoặc " if hotline else ""
    call_en = f"call the hotline {hotline} or " if hotline else ""
    if locale == "en":
        lead = "Sorry, I am not sure which procedure answers this."
        if elsewhere is not None and elsewhere.elsewhere[1]:
            lead = (
                f"“{' '.join(elsewhere.said)}” is not handled by the service centres but by {elsewhere.elsewhere[1]}."
            )
        return f"{lead} Please {call_en}visit the nearest centre."
    lead = "Xin lỗi, tôi chưa chắc chắn thủ tục nào phù hợp với câu hỏi này."
    if elsewhere is not None and elsewhere.elsewhere[0]:
        lead = f"Việc “{' '.join(elsewhere.said)}” không do trung tâm giải quyết mà do {elsewhere.elsewhere[0]}."
    return f"{lead} Vui lòng {call_vi}đến trung tâm gần nhất."


def _answer_text(found: list[FoundProcedure], facts: list[Fact], locale: str) -> str:
    top = found[0].procedure
    lines = [localised_name(top.name_vi, top.name_en, locale) + f" ({top.code})"]
    lines += [fact.text(locale) for fact in facts]
    others = [localised_name(f.procedure.name_vi, f.procedure.name_en, locale) for f in found[1:]]
    if others:
        lines.append(("You may also mean: " if locale == "en" else "Có thể bạn cũng cần: ") + "; ".join(others) + ".")
    return "\n".join(lines)


class Assistant:
    """Answers from the catalogue and the caller's own records, never from anything else."""

    def __init__(self, index: CatalogueIndex, conversations: ConversationStore, hotline: str, clock: Clock) -> None:
        self.index = index
        self._conversations = conversations
        self._hotline = hotline
        self._clock = clock

    async def close(self) -> None:
        await self._conversations.close()

    async def ask(self, question: str, conversation_id: str | None, citizen_id: int | None, locale: str) -> Answer:
        """Answer `question` for `citizen_id` (None: anonymous) in `locale`, continuing the conversation."""
        text = checked_question(question)
        now = self._clock()
        conversation = await self._conversations.resume(conversation_id, citizen_id, now)
        intent = intent_of(text)
        if intent.personal is not None:
            personal = await personal_answer(intent.personal, citizen_id, now)
            await self._conversations.remember(conversation, citizen_id, now)
            return Answer(conversation.id, personal.text(locale), False, actions=tuple(personal.actions))
        retrieval = (await self.index.current()).search(text)
        found = await self._found(retrieval, conversation, intent)
        if not found:
            await self._conversations.remember(conversation, citizen_id, now)
            actions = tuple(help_actions(self._hotline))
            return Answer(conversation.id, _decline_text(retrieval, self._hotline, locale), True, actions=actions)
        codes = tuple(f.procedure.code for f in found)
        await self._conversations.remember(Conversation(conversation.id, codes), citizen_id, now)
        facts = facts_of(found[0].procedure, intent.facts or None)
        actions = [*procedure_actions(found[0].procedure.code), *call_actions(self._hotline)]
        return Answer(
            conversation.id, _answer_text(found, facts, locale), False, tuple(found), tuple(facts), tuple(actions)
        )

    async def _found(self, retrieval: Retrieval, conversation: Conversation, intent: Intent) -> list[FoundProcedure]:
        """The procedures found for the question; else, for a follow-up, those of the previous answer."""
        if retrieval.matches:
            codes = [match.code for match in retrieval.matches]
            rows = {p.code: p for p in await Procedure.filter(code__in=codes)}
            return [
                FoundProcedure(rows[m.code], rank, _matched_terms(m))
                for rank, m in enumerate(retrieval.matches, start=1)
                if m.code in rows
            ]
        follow_up = intent.facts or not retrieval.units
        if not conversation.procedure_codes or not follow_up or any(u.elsewhere for u in retrieval.units):
            return []
        rows = {p.code: p for p in await Procedure.filter(code__in=list(conversation.procedure_codes))}
        codes = [code for code in conversation.procedure_codes if code in rows]
        return [FoundProcedure(rows[code], rank, (), True) for rank, code in enumerate(codes, start=1)]
