"""Migration operations the generated ones get wrong.

Tortoise's SQLite schema editor performs any AlterField by rebuilding the table, and the rebuilt table lacks the
original's unique constraints and indexes (verified on the pinned version: after an AlterField of `reminder.kind`
the (kind, subject) uniqueness was gone). A change of a field's description alone, such as a new member of the enum
a CharEnumField lists in it, needs no DDL at all: use `AlterFieldDescription` for it instead of `AlterField`.
"""

from __future__ import annotations

from tortoise.migrations import operations as ops


class AlterFieldDescription(ops.AlterField):
    """An AlterField that changes the migration state only: the column (type, length, nullability) is unchanged."""

    async def database_forward(self, *args: object, **kwargs: object) -> None:
        return None

    async def database_backward(self, *args: object, **kwargs: object) -> None:
        return None
