"""Breaking schema changes against the previous release that are not listed as intended."""

from __future__ import annotations

from pathlib import Path

from graphql import build_schema, find_breaking_changes

from app.settings import PROJECT_ROOT

RELEASE_SCHEMA = PROJECT_ROOT / "contract" / "release-schema.graphql"
INTENDED = PROJECT_ROOT / "contract" / "intended-breaking-changes.txt"


def intended_changes(path: Path = INTENDED) -> set[str]:
    """The listed changes: one per line, `#` comments and blank lines ignored."""
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def unlisted_breaking_changes(release_sdl: str, current_sdl: str, intended: set[str]) -> list[str]:
    """graphql-core's descriptions of the breaking changes from `release_sdl` to `current_sdl` not in `intended`."""
    changes = find_breaking_changes(build_schema(release_sdl), build_schema(current_sdl))
    return [f"{change.type.name}: {change.description}" for change in changes if change.description not in intended]
