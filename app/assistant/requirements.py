"""The one place the assistant reads a procedure's required documents (plain names or structured entries)."""

from __future__ import annotations

from app.catalogue.models import Procedure


def requirement_names(procedure: Procedure, locale: str) -> list[str]:
    """The names of the documents `procedure` requires, in `locale` when the catalogue has it.

    Accepts both forms of `required_documents`: a list of names, or a list of objects with `name_vi`/`name_en`.
    """
    names = []
    for entry in procedure.required_documents or []:
        if isinstance(entry, dict):
            name = (entry.get("name_en") if locale == "en" else "") or entry.get("name_vi") or ""
        else:
            name = str(entry)
        if name.strip():
            names.append(name.strip())
    return names
