"""Request-body checks that fail the way AI/ML API's Zod schemas do.

Why: clients must classify "Body validation error!" (and tell an unknown model apart from other
invalid input by the issue's ``path``), so the mock validates for real and reports every issue
in one response, as Zod does, instead of canning a single error.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiml_integrations.catalog import Catalog, ModelInfo
from aiml_integrations.testing._errors import (
    BODY_VALIDATION,
    ApiError,
    zod_enum,
    zod_invalid_type,
    zod_required,
    zod_too_big,
    zod_too_small,
)
from aiml_integrations.testing._types import Call

__all__ = ["Issues", "check_model", "check_number", "require_object"]

Issues = list[dict[str, Any]]
_ENUM_OPTIONS_SHOWN = 16


def require_object(call: Call) -> dict[str, Any]:
    """The JSON body as an object, or a 400 saying what it was instead."""
    if call.json_error:
        raise ApiError(400, BODY_VALIDATION, meta=[zod_invalid_type([], "object", "x")])
    if not isinstance(call.json, dict):
        received = call.json if call.raw else None
        issue = zod_invalid_type([], "object", received)
        if not call.raw:
            issue = zod_required([], "object")
        raise ApiError(400, BODY_VALIDATION, meta=[issue])
    return call.json


def check_model(
    body: Mapping[str, Any], catalog: Catalog, kind: str | tuple[str, ...], issues: Issues
) -> ModelInfo | None:
    """Resolve ``body["model"]`` among models of ``kind``, adding a Zod issue if it fails.

    Ids and aliases are accepted; a known model of another kind fails like an unknown one
    (each route's schema only enumerates its own models); a deprecated id is a 404. ``kind``
    may list synonyms (``("text-to-speech", "tts")``).
    """
    kinds = (kind,) if isinstance(kind, str) else kind
    if "model" not in body:
        issues.append(zod_required(["model"]))
        return None
    value = body["model"]
    if not isinstance(value, str):
        issues.append(zod_invalid_type(["model"], "string", value))
        return None
    info = catalog.get(value)
    if info is not None and info.deprecated:
        # What AI/ML API answers for an id it no longer serves.
        raise ApiError(404, "Model is deprecated")
    if info is None or info.kind not in kinds:
        options = [m.id for k in kinds for m in catalog.of_kind(k)][:_ENUM_OPTIONS_SHOWN]
        issues.append(zod_enum(["model"], options, value))
        return None
    return info


def check_number(
    body: Mapping[str, Any],
    name: str,
    issues: Issues,
    *,
    integer: bool = False,
    minimum: float | None = None,
    maximum: float | None = None,
) -> None:
    """Type and bounds of an optional numeric field (``null`` is accepted as absent)."""
    if name not in body or body[name] is None:
        return
    value = body[name]
    if isinstance(value, bool) or not isinstance(value, int | float):
        issues.append(zod_invalid_type([name], "number", value))
        return
    if integer and not float(value).is_integer():
        issues.append(
            {
                "code": "invalid_type",
                "expected": "integer",
                "received": "float",
                "path": [name],
                "message": "Expected integer, received float",
            }
        )
        return
    if minimum is not None and value < minimum:
        issues.append(zod_too_small([name], _num(minimum), "number"))
    if maximum is not None and value > maximum:
        issues.append(zod_too_big([name], _num(maximum)))


def _num(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def raise_if(issues: Issues) -> None:
    if issues:
        raise ApiError(400, BODY_VALIDATION, meta=issues)
