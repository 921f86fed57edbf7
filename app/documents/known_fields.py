"""Known fields: form answers a stored document vouches for, so that later forms can be prefilled from it.

Only documents whose content the system itself knows carry them. A result a centre issues vouches for the answers
of the dossier it was issued for (staff processed the dossier on them); an uploaded scan is never read, so it
carries none, and neither does a copy lent by a delegate (it vouches for the delegate's answers, not the owner's).
"""

from __future__ import annotations

ONE_DOSSIER_ONLY = frozenset({"note"})  # free text about one dossier, never carried over to another form


def vouched_answers(form_data: dict) -> dict[str, str]:
    """The answers of a dossier that its issued result vouches for: non-blank text, free text left out."""
    return {
        key: value
        for key, value in form_data.items()
        if key not in ONE_DOSSIER_ONLY and isinstance(value, str) and value.strip()
    }
