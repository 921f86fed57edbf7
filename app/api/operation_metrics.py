"""Counts every operation, its time and its top-level error codes into app/metrics.py."""

from __future__ import annotations

import time
from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from app import metrics

OTHER = "other"  # any name outside the manifest: clients choose names, labels must stay few


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        began = time.perf_counter()
        yield
        context = self.execution_context
        try:
            kind = context.operation_type.value
        except RuntimeError:  # no document (a parse error): nothing ran
            kind = "invalid"
        names = {document.name for document in context.schema.trusted_documents.by_id.values()}  # type: ignore[attr-defined]
        name = context.operation_name if context.operation_name in names else OTHER
        metrics.GRAPHQL_OPERATIONS.labels(name, kind).inc()
        if kind != "subscription":
            metrics.GRAPHQL_SECONDS.labels(name).observe(time.perf_counter() - began)
        for error in context.pre_execution_errors or getattr(context.result, "errors", None) or ():
            metrics.GRAPHQL_ERRORS.labels("api", str((error.extensions or {}).get("code", "UNCODED"))).inc()
