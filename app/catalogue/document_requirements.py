"""What documents a procedure asks for: one structured requirement per document.

`Procedure.required_documents` holds a list of requirement objects with exactly the keys of
`DocumentRequirement.as_json`. Requirements known from a source live in data/document_requirements.json; a
procedure without such an entry keeps the catalogue's summary names as optional requirements.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from importlib import resources

from tortoise.transactions import in_transaction

from app.catalogue.models import Procedure
from app.vietnamese import fold

ACCEPTED_TYPES = ("application/pdf", "image/jpeg", "image/png", "image/heic")
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
MAX_KEY_LENGTH = 64
REUSABLE_KINDS = (
    "citizen_id_card",
    "passport",
    "birth_certificate",
    "birth_medical_certificate",
    "marriage_certificate",
    "marital_status_certificate",
    "death_notice",
    "land_use_certificate",
    "residence_proof",
)


@dataclass(frozen=True)
class DocumentRequirement:
    """One document a procedure asks for."""

    key: str
    name_vi: str
    name_en: str | None
    mandatory: bool
    accepted_types: tuple[str, ...]
    max_bytes: int
    reusable_kind: str | None

    @classmethod
    def from_json(cls, data: dict | str) -> DocumentRequirement:
        """A requirement from its stored object (a bare string is a summary name not yet converted)."""
        if isinstance(data, str):
            return summary_requirement(data)
        requirement = cls(
            key=data["key"],
            name_vi=data["name_vi"],
            name_en=data.get("name_en"),
            mandatory=bool(data["mandatory"]),
            accepted_types=tuple(data["accepted_types"]),
            max_bytes=int(data["max_bytes"]),
            reusable_kind=data.get("reusable_kind"),
        )
        requirement.validate()
        return requirement

    def validate(self) -> None:
        """Raise ValueError when the requirement cannot be enforced as written."""
        if not re.fullmatch(r"[a-z0-9_]{1,64}", self.key):
            raise ValueError(f"requirement key {self.key!r} is not 1-64 of a-z, 0-9, _")
        if not self.accepted_types or set(self.accepted_types) - set(ACCEPTED_TYPES):
            raise ValueError(f"{self.key}: accepted types must be among {ACCEPTED_TYPES}")
        if not 0 < self.max_bytes <= DEFAULT_MAX_BYTES * 5:
            raise ValueError(f"{self.key}: max_bytes out of range")
        if self.reusable_kind is not None and self.reusable_kind not in REUSABLE_KINDS:
            raise ValueError(f"{self.key}: unknown reusable kind {self.reusable_kind!r}")

    def as_json(self) -> dict:
        return {
            "key": self.key,
            "name_vi": self.name_vi,
            "name_en": self.name_en,
            "mandatory": self.mandatory,
            "accepted_types": list(self.accepted_types),
            "max_bytes": self.max_bytes,
            "reusable_kind": self.reusable_kind,
        }


def summary_key(name_vi: str) -> str:
    """A stable key from a summary name: folded, words joined by "_"."""
    return re.sub(r"[^a-z0-9]+", "_", fold(name_vi).replace("đ", "d")).strip("_")[:MAX_KEY_LENGTH].rstrip("_")


def summary_requirement(name_vi: str) -> DocumentRequirement:
    """A catalogue summary name as a requirement: optional, since whether it is mandatory is not known."""
    return DocumentRequirement(
        key=summary_key(name_vi),
        name_vi=name_vi,
        name_en=None,
        mandatory=False,
        accepted_types=ACCEPTED_TYPES,
        max_bytes=DEFAULT_MAX_BYTES,
        reusable_kind=None,
    )


def requirements_of(procedure: Procedure) -> list[DocumentRequirement]:
    """The procedure's requirements, in the catalogue's order."""
    return [DocumentRequirement.from_json(item) for item in procedure.required_documents]


def structured(items: list) -> list[dict]:
    """Stored requirements as objects: summary strings converted, keys made unique, objects kept."""
    requirements, seen = [], set()
    for item in items:
        requirement = DocumentRequirement.from_json(item)
        key, suffix = requirement.key, 2
        while key in seen:
            key, suffix = f"{requirement.key[: MAX_KEY_LENGTH - 3]}_{suffix}", suffix + 1
        seen.add(key)
        requirements.append({**requirement.as_json(), "key": key})
    return requirements


def known_requirements() -> dict[str, list[dict]]:
    """Sourced requirements by national procedure code, from data/document_requirements.json (validated)."""
    text = resources.files("app.catalogue").joinpath("data", "document_requirements.json").read_text("utf-8")
    procedures = json.loads(text)["procedures"]
    return {code: structured(entry["requirements"]) for code, entry in procedures.items()}


async def apply_document_requirements() -> int:
    """Give every procedure structured requirements: sourced ones where known, else its summary names as
    optional ones. Returns how many procedures got sourced requirements."""
    known = known_requirements()
    async with in_transaction():
        for procedure in await Procedure.all().only("id", "code", "required_documents"):
            requirements = known.get(procedure.code) or structured(procedure.required_documents)
            if requirements != procedure.required_documents:
                await Procedure.filter(id=procedure.id).update(required_documents=requirements)
    return await Procedure.filter(code__in=list(known)).count()
