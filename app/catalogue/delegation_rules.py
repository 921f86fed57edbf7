"""Whether each procedure may be done through a delegate: the province's list (data/delegation_rules.json), which
the catalogue importer writes onto every procedure it adds or changes. The national portal does not publish it."""

from __future__ import annotations

import functools
import json
from pathlib import Path

from app.catalogue.models import DelegationRule

RULES_FILE = Path(__file__).parent / "data" / "delegation_rules.json"
RULES = {rule.name: rule for rule in DelegationRule}


@functools.cache
def _rules() -> dict[str, dict]:
    entries = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    return {code: entry for code, entry in entries.items() if not code.startswith("_")}


def delegation_values(code: str) -> dict[str, object]:
    """The `delegation` and `delegation_reason` values of the procedure `code` (ALLOWED with no reason if unlisted)."""
    entry = _rules().get(code)
    if entry is None:
        return {"delegation": DelegationRule.ALLOWED, "delegation_reason": {}}
    return {"delegation": RULES[entry["rule"]], "delegation_reason": {"vi": entry["vi"], "en": entry["en"]}}
