"""Turns whatever AI/ML API sent back on failure into one :class:`ErrorInfo`, then an exception.

Why: real bodies come in many shapes — the NestJS envelope with Zod ``meta`` (an issue list or a
``format()`` tree), upstream errors wrapped as ``"400 {json}"`` or ``"400 text"`` inside
``message``, OpenAI-shaped ``{"error": {...}}``, FastAPI ``{"detail": ...}``, HTML gateway
pages, plain text, empty bodies, ``statusCode`` as a string. Every one must become a typed
error with a readable message; none may leak a ``KeyError`` or ``JSONDecodeError``.

Entry points: :func:`parse_error` (an HTTP error response), :func:`stream_event_error` (an
error object inside an SSE ``data:`` line), :func:`exception_from_info`.
"""

from __future__ import annotations

import email.utils
import html
import json
import math
import re
import time
from collections.abc import Iterable, Mapping
from http import HTTPStatus
from typing import Any

from aiml_integrations._core.error_rules import classify, effective_status
from aiml_integrations.errors import AIMLAPIError, ErrorCategory, ErrorInfo, error_class_for

__all__ = [
    "exception_from_info",
    "is_error_event",
    "parse_error",
    "parse_retry_after",
    "redact",
    "stream_event_error",
]

_MAX_MESSAGE = 2000
_MAX_BODY = 64 * 1024
_UPSTREAM_RE = re.compile(r"^\s*([1-5]\d\d)\s+(.*)$", re.DOTALL)
_TAG_RE = re.compile(r"<[^>]+>")
_TITLE_RE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)
_SPACE_RE = re.compile(r"\s+")
_REDACTED = "***"


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret (API key) occurring in ``text``; keys shorter than 8 are ignored."""
    for secret in secrets:
        if secret and len(secret) >= 8 and secret in text:
            text = text.replace(secret, _REDACTED)
    return text


def _lower_headers(headers: Mapping[str, str] | None) -> dict[str, str]:
    if not headers:
        return {}
    try:
        return {str(k).lower(): str(v) for k, v in headers.items()}
    except Exception:  # a hostile mapping must not stop error reporting
        return {}


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Seconds to wait, from ``retry-after-ms`` or ``Retry-After`` (seconds or HTTP date).

    Anything unparsable, negative, NaN or infinite is ignored (``None``); a date in the past
    means 0. ``headers`` must have lower-case names.
    """
    ms = headers.get("retry-after-ms")
    if ms is not None:
        seconds = _finite(ms)
        if seconds is not None and seconds >= 0:
            return seconds / 1000.0
    value = headers.get("retry-after")
    if value is None:
        return None
    seconds = _finite(value)
    if seconds is not None:
        return seconds if seconds >= 0 else None
    try:
        when = email.utils.parsedate_to_datetime(value.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    try:
        return max(0.0, when.timestamp() - time.time())
    except (OverflowError, OSError, ValueError):
        return None


def _finite(value: Any) -> float | None:
    try:
        number = float(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def _decode(body: bytes | str | None) -> str:
    if body is None:
        return ""
    if isinstance(body, bytes):
        body = body[:_MAX_BODY].decode("utf-8", errors="replace")
    return body[:_MAX_BODY]


def _loads(text: str) -> Any:
    stripped = text.strip()
    if not stripped or stripped[0] not in '{["':
        return None
    try:
        return json.loads(stripped)
    except (ValueError, RecursionError):
        return None


def _as_status(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    try:
        status = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return status if 100 <= status <= 599 else None


def _clip(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _path_str(path: Any) -> str:
    """Zod path ``["messages", 0, "role"]`` → ``messages[0].role``."""
    if not isinstance(path, list | tuple):
        return str(path) if path not in (None, "") else ""
    out = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class _Parsed:
    """Mutable scratch state while reading one body."""

    def __init__(self) -> None:
        self.message: str | None = None
        self.request_id: str | None = None
        self.path: str | None = None
        self.details: list[str] = []
        self.model_issue = False
        self.extra_text: list[str] = []  # upstream error types/codes, for classification only
        self.body_status: int | None = None


def _read_zod_issues(issues: list[Any], out: _Parsed) -> None:
    for issue in issues[:50]:
        if not isinstance(issue, dict):
            if issue not in (None, ""):
                out.details.append(str(issue))
            continue
        path = issue.get("path")
        where = _path_str(path)
        text = str(issue.get("message") or issue.get("code") or "invalid")
        out.details.append(f"{where}: {text}" if where else text)
        if isinstance(path, list) and path and path[0] == "model":
            out.model_issue = True
        union = issue.get("unionErrors")
        for nested in union if isinstance(union, list) else ():
            if isinstance(nested, dict) and isinstance(nested.get("issues"), list):
                for sub in nested["issues"]:
                    sub_path = sub.get("path") if isinstance(sub, dict) else None
                    if isinstance(sub_path, list) and sub_path and sub_path[0] == "model":
                        out.model_issue = True


def _read_zod_tree(tree: dict[str, Any], out: _Parsed, prefix: list[Any], depth: int = 0) -> None:
    if depth > 20:
        return
    errors = tree.get("_errors")
    if isinstance(errors, list):
        where = _path_str(prefix)
        for err in errors:
            out.details.append(f"{where}: {err}" if where else str(err))
            if prefix and prefix[0] == "model":
                out.model_issue = True
    for key, value in tree.items():
        if key == "_errors" or not isinstance(value, dict):
            continue
        # "²".isdigit() is True but int("²") fails: only ASCII digits are array indexes
        part: Any = int(key) if isinstance(key, str) and key.isascii() and key.isdigit() else key
        _read_zod_tree(value, out, [*prefix, part], depth + 1)


def _read_detail(detail: Any, out: _Parsed, depth: int) -> None:
    """FastAPI / vLLM ``detail``: a string, or a list of ``{loc, msg}``."""
    if isinstance(detail, str):
        out.message = out.message or detail
    elif isinstance(detail, list):
        for item in detail[:50]:
            if isinstance(item, dict):
                loc = item.get("loc")
                where = _path_str([p for p in loc if p != "body"] if isinstance(loc, list) else loc)
                msg = str(item.get("msg") or item.get("message") or item)
                out.details.append(f"{where}: {msg}" if where else msg)
                if isinstance(loc, list) and "model" in loc[:2]:
                    out.model_issue = True
        out.message = out.message or "Request validation error"
    elif isinstance(detail, dict):
        _read_object(detail, out, depth + 1)


def _read_object(obj: dict[str, Any], out: _Parsed, depth: int = 0) -> None:
    """Reads any of the known JSON error shapes into ``out``."""
    if depth > 5:
        return
    out.request_id = out.request_id or _opt_str(
        obj.get("requestId") or obj.get("request_id") or obj.get("requestID")
    )
    if out.path is None and isinstance(obj.get("path"), str):
        out.path = obj["path"]
    if out.body_status is None:
        out.body_status = _as_status(obj.get("statusCode") or obj.get("status_code"))

    error = obj.get("error")
    if isinstance(error, dict):
        for key in ("type", "code", "status"):
            if isinstance(error.get(key), str | int) and not isinstance(error.get(key), bool):
                out.extra_text.append(str(error[key]))
        if isinstance(error.get("param"), str) and error.get("param") == "model":
            out.model_issue = out.model_issue or error.get("code") == "model_not_found"
        _read_object(error, out, depth + 1)
    elif isinstance(error, str) and error:
        out.extra_text.append(error)

    message = obj.get("message")
    if isinstance(message, list):  # NestJS class-validator: a list of sentences
        out.details.extend(str(m) for m in message[:50])
        message = "Validation failed"
    elif isinstance(message, dict):
        _read_object(message, out, depth + 1)
        message = None
    if isinstance(message, str) and message and out.message is None:
        out.message = message
    if out.message is None and isinstance(error, str) and error:
        out.message = error

    meta = obj.get("meta")
    if isinstance(meta, list):
        _read_zod_issues(meta, out)
    elif isinstance(meta, dict) and "_errors" in meta:
        _read_zod_tree(meta, out, [])
    elif isinstance(meta, dict) and isinstance(meta.get("issues"), list):
        _read_zod_issues(meta["issues"], out)

    if "detail" in obj:
        _read_detail(obj["detail"], out, depth)
    for key in ("type", "code"):
        value = obj.get(key)
        if isinstance(value, str) and depth == 0:
            out.extra_text.append(value)


def _opt_str(value: Any) -> str | None:
    return str(value) if isinstance(value, str | int) and str(value) else None


def _text_of_non_json(text: str) -> str:
    if "<" in text and ">" in text and re.search(r"<(?:html|body|head|title|h1)\b", text, re.I):
        title = _TITLE_RE.search(text)
        if title:
            return _clip(html.unescape(_SPACE_RE.sub(" ", title.group(1))))
        return _clip(html.unescape(_SPACE_RE.sub(" ", _TAG_RE.sub(" ", text))))
    return _clip(_SPACE_RE.sub(" ", text)) if text.strip() else ""


def _unwrap_upstream(message: str, out: _Parsed) -> tuple[int | None, str | None]:
    """``"400 {json}"`` / ``"400 text"`` → (400, the upstream's own message)."""
    upstream_status: int | None = None
    upstream_message: str | None = None
    current = message
    for _ in range(3):  # nested wrappers such as "500 400 {...}"
        match = _UPSTREAM_RE.match(current)
        if not match:
            break
        upstream_status = int(match.group(1))
        rest = match.group(2).strip()
        decoded = _loads(rest)
        if isinstance(decoded, dict):
            inner = _Parsed()
            _read_object(decoded, inner)
            out.extra_text.extend(inner.extra_text)
            out.details.extend(inner.details)
            out.model_issue = out.model_issue or inner.model_issue
            rest = inner.message or rest
        upstream_message = _clip(rest)
        current = rest
    return upstream_status, upstream_message


def parse_error(
    status: int | None,
    body: bytes | str | None,
    headers: Mapping[str, str] | None = None,
    *,
    secrets: Iterable[str] = (),
    request_path: str | None = None,
) -> ErrorInfo:
    """Normalises one failed HTTP response. Never raises."""
    secrets = tuple(secrets)
    try:
        return _parse_error(status, body, headers, secrets, request_path)
    except Exception as exc:  # a bug in this parser: never a stray exception, never "retry"
        from aiml_integrations._core.answer_errors import internal_message, log_internal

        what = f"reading a {status} error response"
        log_internal(what, exc)
        return ErrorInfo(
            category=ErrorCategory.INTERNAL,
            message=internal_message(what, exc, secrets),
            status_code=status,
            path=request_path,
            body=redact(_decode(body), secrets) if isinstance(body, bytes | str) else None,
        )


def _parse_error(
    status: int | None,
    body: bytes | str | None,
    headers: Mapping[str, str] | None,
    secrets: tuple[str, ...],
    request_path: str | None,
) -> ErrorInfo:
    lowered = _lower_headers(headers)
    text = redact(_decode(body), secrets)
    out = _Parsed()
    decoded = _loads(text)
    if isinstance(decoded, dict):
        _read_object(decoded, out)
    elif isinstance(decoded, list):
        _read_zod_issues(decoded, out)
        out.message = "Validation failed" if out.details else None
    elif isinstance(decoded, str):
        out.message = decoded
    if out.message is None and decoded is None:
        out.message = _text_of_non_json(text) or None
    if out.message is None and isinstance(decoded, dict | list):
        out.message = _clip(json.dumps(decoded, ensure_ascii=False)[:500])

    http_status = status if status is not None else out.body_status
    if not out.message:
        try:
            out.message = HTTPStatus(http_status or 500).phrase
        except ValueError:
            out.message = "empty error response"
    out.message = _clip(redact(out.message, secrets))

    upstream_status: int | None = None
    upstream_message: str | None = None
    if decoded is not None:  # only AI/ML API's own JSON ``message`` wraps upstream errors
        upstream_status, upstream_message = _unwrap_upstream(out.message, out)
    if upstream_message is not None:  # decoding an inner "\u00xx" escape can rebuild a key
        upstream_message = redact(upstream_message, secrets)
    request_id = (
        out.request_id or lowered.get("x-inference-id") or lowered.get("x-request-id") or None
    )
    searchable = " \n".join([out.message, upstream_message or "", *out.details, *out.extra_text])
    rule_status = effective_status(http_status or 500, upstream_status)
    rule = classify(rule_status, searchable, model_issue=out.model_issue)
    return ErrorInfo(
        category=rule.category,
        message=out.message,
        status_code=http_status,
        request_id=request_id,
        path=out.path or request_path,
        details=tuple(redact(d, secrets) for d in out.details),
        upstream_status=upstream_status,
        upstream_message=upstream_message,
        retry_after=parse_retry_after(lowered),
        body=text or None,
        headers=lowered,
        retryable=rule.retryable,
        model_issue=out.model_issue,
    )


_EVENT_TYPE_STATUS = (
    ("rate_limit", 429),
    ("authentication", 401),
    ("permission", 403),
    ("not_found", 404),
    ("invalid_request", 400),
    ("overloaded", 529),
    ("timeout", 504),
)


def is_error_event(event: Any) -> bool:
    """Whether an SSE JSON payload is an error rather than a chunk."""
    if not isinstance(event, dict):
        return False
    if event.get("error"):
        return True
    return "statusCode" in event and "message" in event and "choices" not in event


def stream_event_error(
    event: dict[str, Any],
    headers: Mapping[str, str] | None = None,
    *,
    secrets: Iterable[str] = (),
    request_path: str | None = None,
) -> ErrorInfo:
    """Normalises an error that arrived inside an SSE stream (the HTTP status was 2xx)."""
    status: int | None = _as_status(event.get("statusCode"))
    error = event.get("error")
    if status is None and isinstance(error, dict):
        status = _as_status(error.get("status")) or _as_status(error.get("code"))
        if status is None:
            kind = f"{error.get('type', '')} {error.get('code', '')}".lower()
            status = next((s for key, s in _EVENT_TYPE_STATUS if key in kind), None)
    try:
        raw = json.dumps(event, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        raw = str(event)
    return parse_error(status or 500, raw, headers, secrets=secrets, request_path=request_path)


def exception_from_info(info: ErrorInfo) -> AIMLAPIError:
    """The core exception for ``info`` (the adapters use their own class tables instead)."""
    return error_class_for(info.category)(info)
