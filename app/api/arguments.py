"""Argument annotations shared by many fields."""

from typing import Annotated, TypeVar

import strawberry

T = TypeVar("T")

Input = Annotated[T, strawberry.argument(description="The mutation's input; see its type for each field.")]
