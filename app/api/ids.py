"""Turning opaque global IDs back into database ids, refusing anything we did not issue."""

from __future__ import annotations

from strawberry import relay

from app.api.errors import bad_input

MAX_DATABASE_ID = 2**31 - 1


def parse_database_id(node_id: str) -> int | None:
    """The integer id inside a global ID, or None when it is not a plain positive int32."""
    if node_id.isascii() and node_id.isdigit() and 0 < int(node_id) <= MAX_DATABASE_ID:
        return int(node_id)
    return None


def database_id(global_id: relay.GlobalID, type_name: str) -> int:
    """The database id behind a global ID of `type_name`; BAD_USER_INPUT for anything else."""
    pk = parse_database_id(global_id.node_id) if global_id.type_name == type_name else None
    if pk is None:
        raise bad_input(f"`{global_id}` is not a {type_name} ID.")
    return pk


def database_ids(node_ids: list[str]) -> list[int | None]:
    """`parse_database_id` of each, for `resolve_nodes` (unknown ids resolve to null)."""
    return [parse_database_id(node_id) for node_id in node_ids]


def citizen_id(pk: int | None) -> relay.GlobalID | None:
    """The global ID of a citizen, None for None (e.g. `actedBy` when nobody acted for the owner)."""
    return relay.GlobalID("Citizen", str(pk)) if pk is not None else None
