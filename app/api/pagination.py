"""Relay-style connections with opaque cursors and a hard maximum page size."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence
from typing import Annotated, Generic, TypeVar

import strawberry
from tortoise.models import Model
from tortoise.queryset import QuerySet

from app.api.context import Info
from app.api.errors import bad_input

T = TypeVar("T")
M = TypeVar("M", bound=Model)
_CURSOR_PREFIX = "offset:"
DEFAULT_PAGE_SIZE = 20


First = Annotated[
    int | None,
    strawberry.argument(description=f"Page size, 1 to the maximum (100 by default); {DEFAULT_PAGE_SIZE} if omitted."),
]
After = Annotated[str | None, strawberry.argument(description="Return the items after this cursor (`endCursor`).")]


@strawberry.type(description="Where a page sits in the whole list.")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item of the page.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item; pass it as `after`.")


@strawberry.type(description="An item of a list and its cursor.")
class Edge(Generic[T]):
    node: T = strawberry.field(description="The item.")
    cursor: str = strawberry.field(description="Opaque position of this item.")


@strawberry.type(description="A page of a list.")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page, in order.")
    page_info: PageInfo = strawberry.field(description="Paging state.")
    total_count: int = strawberry.field(description="Number of items in the whole list.")


def encode_cursor(offset: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{offset}".encode()).decode()


def decode_cursor(cursor: str) -> int:
    """The offset an `after` cursor points at; BAD_USER_INPUT when it was not made by us."""
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if text.startswith(_CURSOR_PREFIX) and (offset := int(text.removeprefix(_CURSOR_PREFIX))) >= 0:
            return offset
    except ValueError:
        pass
    raise bad_input("`after` is not a valid cursor.")


def page_window(info: Info, first: int | None, after: str | None) -> tuple[int, int]:
    """(offset, limit) for `first` items after the `after` cursor, within the maximum page size."""
    maximum = info.context.services.settings.max_page_size
    limit = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= limit <= maximum:
        raise bad_input(f"`first` must be between 1 and {maximum}.")
    offset = 0 if after is None else decode_cursor(after) + 1
    return offset, limit


def build_connection(items: Sequence[T], offset: int, total: int) -> Connection[T]:
    """A connection for `items` found at `offset` in a list of `total`."""
    edges = [Edge(node=item, cursor=encode_cursor(offset + i)) for i, item in enumerate(items)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=offset + len(items) < total,
            has_previous_page=offset > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=total,
    )


async def paginate_queryset(
    info: Info, queryset: QuerySet[M], first: int | None, after: str | None, to_node: Callable[[M], T]
) -> Connection[T]:
    """One page of an ordered queryset: a COUNT and a LIMIT/OFFSET query."""
    offset, limit = page_window(info, first, after)
    total = await queryset.count()
    rows = await queryset.offset(offset).limit(limit) if offset < total else []
    return build_connection([to_node(row) for row in rows], offset, total)
