"""Argument annotations and normalisations shared by many fields."""

from datetime import datetime
from typing import Annotated, TypeVar

import strawberry

from app.working_days import LOCAL_TZ

T = TypeVar("T")

Input = Annotated[T, strawberry.argument(description="The mutation's input; see its type for each field.")]


def local_if_naive(moment: datetime) -> datetime:
    """A DateTime sent without a UTC offset is read as Vietnamese local time."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL_TZ)
