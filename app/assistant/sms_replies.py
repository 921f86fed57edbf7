"""Answering a plain text message: "HS <code> <secret>" tracks a dossier, other text asks the assistant.

Replies are plain GSM-7 text without diacritics in at most two segments (160 characters alone, 153 each when split).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from app.assistant.facts import FactKind, facts_of
from app.assistant.service import MAX_QUESTION, Assistant
from app.dossiers.lifecycle import STATUS_LABELS
from app.dossiers.services import DossierService
from app.vietnamese import strip_diacritics
from app.working_days import LOCAL_TZ

ONE_SEGMENT = 160
TWO_SEGMENTS = 2 * 153
_TRACK = re.compile(r"^\s*HS\s+(\S+)\s+(\S+)\s*$", re.IGNORECASE)
_GSM_SAFE = re.compile(r"[^A-Za-z0-9 .,:;!?()'/+\-_%&=<>@#\n]")
HELP = "Soan HS <ma ho so> <ma bi mat> de tra cuu ho so, hoac gui cau hoi ve thu tuc hanh chinh."
NOT_FOUND = "Khong tim thay ho so. Kiem tra ma ho so va ma bi mat tren giay hen."


def sms_text(text: str) -> str:
    """`text` without diacritics or characters outside GSM-7, cut to fit two segments."""
    plain = _GSM_SAFE.sub("", strip_diacritics(text).replace("→", "->").replace("“", "'").replace("”", "'"))
    plain = re.sub(r"[ \t]+", " ", plain).strip()
    return plain if len(plain) <= TWO_SEGMENTS else plain[: TWO_SEGMENTS - 3].rstrip() + "..."


@dataclass(frozen=True)
class SmsAnswerer:
    """Builds the reply to one inbound message."""

    dossiers: DossierService
    assistant: Assistant

    async def reply(self, text: str) -> str:
        if not text.strip() or len(text) > MAX_QUESTION:
            return HELP
        tracking = _TRACK.match(text)
        if tracking:
            return sms_text(await self._track(*tracking.groups()))
        if text.strip().upper().startswith("HS"):
            return HELP
        answer = await self.assistant.ask(text, None, None, "vi")
        if answer.declined or not answer.procedures:
            return sms_text(answer.text)
        procedure = answer.procedures[0].procedure
        facts = facts_of(procedure, (FactKind.FEE, FactKind.PROCESSING_TIME))
        return sms_text(" ".join([f"{procedure.name_vi} ({procedure.code}).", *(f.text_vi for f in facts)]))

    async def _track(self, code: str, secret: str) -> str:
        dossier = await self.dossiers.track(code, secret)
        if dossier is None:
            return NOT_FOUND
        status = STATUS_LABELS[dossier.status][0]
        due = (
            f", hen tra {dossier.due_at.astimezone(LOCAL_TZ):%d/%m/%Y}" if dossier.due_at else ", chua co ngay hen tra"
        )
        return f"Ho so {dossier.code}: {status}{due}."
