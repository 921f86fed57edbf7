"""notifications/ is below the domains: it imports none of them, and each domain registers what it needs."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from notifications.models import ReminderKind

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = sorted(
    {f"app.{package.name}" for package in (ROOT / "app").iterdir() if (package / "__init__.py").exists()}
    | {"payments", "geo"}
)


@pytest.fixture(autouse=True)
def clean_state() -> None:
    """Reads source files only: replaces the suite's table-emptying fixture."""


def imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            modules |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return modules


def test_notifications_imports_no_domain():
    assert "app.dossiers" in DOMAINS and "app.accounts" in DOMAINS  # the walk finds the domain packages
    offending = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in sorted((ROOT / "notifications").glob("*.py"))
        for module in imported_modules(path)
        if any(module == domain or module.startswith(f"{domain}.") for domain in DOMAINS)
    }
    assert not offending


def test_the_composition_root_registers_every_reminder_kind_and_the_citizens():
    import app.container  # noqa: F401  (registers the domains' reminder kinds)
    from notifications import recipients
    from notifications.subjects import registered_kinds

    assert registered_kinds() == set(ReminderKind)
    assert recipients._lookups
