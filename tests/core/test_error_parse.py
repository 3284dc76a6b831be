"""The error contract as a table: every documented AI/ML API error and body shape, and the
major upstreams' context-overflow / content-policy wordings, through ``parse_error`` and
``exception_from_info``.

Sources: AI/ML API's documented 4xx page and 5xx table, captured error envelopes, the
categories of the error contract (``docs/architecture.md``), and the upstream wordings cited in
each row id. Rows marked ``INF`` use a wording nobody has captured yet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import pytest

from aiml_integrations import errors
from aiml_integrations._core.error_parse import exception_from_info, parse_error
from aiml_integrations.errors import ErrorCategory as C

from ._support import envelope

CLASS = {
    C.INVALID_REQUEST: errors.InvalidRequestError,
    C.UNKNOWN_MODEL: errors.UnknownModelError,
    C.CONTEXT_OVERFLOW: errors.ContextOverflowError,
    C.CONTENT_POLICY: errors.ContentPolicyError,
    C.AUTHENTICATION: errors.AuthenticationError,
    C.OUT_OF_CREDITS: errors.OutOfCreditsError,
    C.PERMISSION_DENIED: errors.PermissionDeniedError,
    C.NOT_FOUND: errors.NotFoundError,
    C.RATE_LIMITED: errors.RateLimitError,
    C.SERVER_ERROR: errors.ServerError,
    C.BAD_GATEWAY: errors.BadGatewayError,
    C.UNAVAILABLE: errors.ServiceUnavailableError,
    C.TIMEOUT: errors.RequestTimeoutError,
    C.CONNECTION: errors.APIConnectionError,
}
RETRYABLE = {
    C.RATE_LIMITED,
    C.SERVER_ERROR,
    C.BAD_GATEWAY,
    C.UNAVAILABLE,
    C.TIMEOUT,
    C.CONNECTION,
}
_UNSET: Any = object()


@dataclass
class Row:
    id: str
    status: int | None
    body: Any
    category: C
    headers: dict[str, str] = field(default_factory=dict)
    message: str | None = None
    request_id: Any = _UNSET
    path: Any = _UNSET
    details: tuple[str, ...] = ()
    upstream_status: int | None = None
    upstream_message: str | None = None
    retry_after: float | None = None
    retryable: bool | None = None
    status_code: Any = _UNSET


def _raw(body: Any) -> bytes | str | None:
    if body is None or isinstance(body, bytes | str):
        return body
    return json.dumps(body)


def check(row: Row) -> errors.AIMLAPIError:
    info = parse_error(row.status, _raw(row.body), row.headers)
    assert info.category is row.category, (info.category, info.message, info.upstream_message)
    exc = exception_from_info(info)
    assert type(exc) is CLASS[row.category]
    assert isinstance(exc, errors.AIMLAPIError)

    is_envelope = isinstance(row.body, dict) and "requestId" in row.body
    want_status = row.status if row.status_code is _UNSET else row.status_code
    assert exc.status_code == want_status
    want_rid = row.request_id
    if want_rid is _UNSET:
        want_rid = row.body["requestId"] if is_envelope else None
    assert exc.request_id == want_rid
    want_path = row.path
    if want_path is _UNSET:
        want_path = row.body["path"] if is_envelope else None
    assert exc.path == want_path
    assert exc.details == row.details
    assert exc.upstream_status == row.upstream_status
    assert exc.upstream_message == row.upstream_message
    assert exc.retry_after == row.retry_after
    if row.message is not None:
        assert exc.message == row.message
    want_retry = row.retryable if row.retryable is not None else row.category in RETRYABLE
    assert exc.is_retryable is want_retry

    text = str(exc)
    said = exc.upstream_message if exc.upstream_message is not None else exc.message
    assert said in text
    for detail in exc.details[:5]:
        assert detail in text
    if exc.request_id:
        assert exc.request_id in text
    assert repr(exc).startswith(type(exc).__name__ + "(")
    raw = _raw(row.body)
    if isinstance(raw, bytes):
        raw = raw.decode("utf-8")
    assert exc.body == (raw or None)
    return exc


# -- the seed page: "Errors with status code 4xx" -------------------------------------------

ZOD_MESSAGES_ISSUE = {
    "code": "invalid_type",
    "expected": "string",
    "received": "number",
    "path": ["messages", 0, "content"],
    "message": "Expected string, received number",
}
KLING_OPTIONS = [
    "kling-video/v1/standard/image-to-video",
    "kling-video/v1/pro/image-to-video",
    "kling-video/v1.6/standard/image-to-video",
    "kling-video/v1.6/pro/image-to-video",
]
KLING_MSG = (
    "Invalid enum value. Expected "
    + " | ".join(f"'{o}'" for o in KLING_OPTIONS)
    + ", received 'an orange mushroom sitting on top of a tree stump in the woods'"
)
UNSUPPORTED_ROLE = (
    "Unsupported value: 'messages[0].role' does not support 'system' with this model."
)
LEGACY_CREDITS = (
    "You have exhausted the available [plan.rule:api_token] resource limit. Update your payment "
    "method to continue using the service. For more information please visit "
    "https://aimlapi.com/app/billing"
)
CURRENT_CREDITS = (
    "You've run out of credits. Please top up your balance or update your payment method to "
    "continue: https://aimlapi.com/app/billing/"
)
INVALID_KEY = (
    "This request requires a valid API key. You can create a new API key on the Billing page: "
    "https://aimlapi.com/app/keys"
)
FREE_TIER = (
    "Free-tier limit: You've reached your free limit for the hour. Get AI/ML Subscription to use "
    "API, visit https://aimlapi.com/app/billing/ !"
)

SEED_4XX = [
    Row(
        "seed-400-body-validation",
        400,
        envelope(400, "Body validation error!", meta=[ZOD_MESSAGES_ISSUE]),
        C.INVALID_REQUEST,
        message="Body validation error!",
        details=("messages[0].content: Expected string, received number",),
    ),
    Row(
        "seed-400-query-validation",
        400,
        envelope(
            400,
            "Query validation error!",
            path="/v2/video/generations",
            meta=[
                {
                    "code": "invalid_type",
                    "expected": "string",
                    "received": "undefined",
                    "path": ["generation_id"],
                    "message": "Required",
                }
            ],
        ),
        C.INVALID_REQUEST,
        details=("generation_id: Required",),
    ),
    Row(
        "seed-400-unsupported-value-role",
        400,
        envelope(400, UNSUPPORTED_ROLE),
        C.INVALID_REQUEST,
        message=UNSUPPORTED_ROLE,
    ),
    Row(
        "seed-403-plan-rule-api-token-legacy",
        403,
        envelope(403, LEGACY_CREDITS),
        C.OUT_OF_CREDITS,
        message=LEGACY_CREDITS,
    ),
    Row(
        "seed-example1-prompt-in-model-field",
        400,
        envelope(
            400,
            "Body validation error!",
            path="/v2/generate/video/kling/generation",
            meta=[
                {
                    "code": "invalid_enum_value",
                    "options": KLING_OPTIONS,
                    "received": "an orange mushroom sitting on top of a tree stump in the woods",
                    "path": ["model"],
                    "message": KLING_MSG,
                }
            ],
        ),
        C.UNKNOWN_MODEL,
        details=(f"model: {KLING_MSG}",),
    ),
    # the status-class rows of the page's overview
    Row("seed-class-400", 400, envelope(400, "Bad Request"), C.INVALID_REQUEST),
    Row("seed-class-401", 401, envelope(401, INVALID_KEY), C.AUTHENTICATION, message=INVALID_KEY),
    Row("seed-class-403", 403, envelope(403, "Forbidden resource"), C.PERMISSION_DENIED),
    Row("seed-class-404", 404, envelope(404, "Cannot POST /v1/completions"), C.NOT_FOUND),
    Row("seed-class-429", 429, envelope(429, "Too Many Requests"), C.RATE_LIMITED),
]

# -- every body variant of the contract ------------------------------------------------------

ROLE_ENUM = "Invalid enum value. Expected 'user' | 'assistant', received 'system'"
ZOD_TREE = {  # gptme#372, verbatim shape
    "_errors": [],
    "messages": {"0": {"_errors": [], "role": {"_errors": [ROLE_ENUM]}}, "_errors": []},
}
ANTHROPIC_BATCH = (
    '400 {"type":"error","error":{"type":"invalid_request_error","message":"Batch '
    "msgbatch_01 cannot be canceled because it has already finished processing."
    '"},"request_id":"req_011CU"}'
)
NGINX_502 = (
    "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad "
    "Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n"
)
CLOUDFLARE_524 = (
    "<!DOCTYPE html><html><head><title>api.aimlapi.com | 524: A timeout occurred</title></head>"
    "<body><h1>A timeout occurred</h1></body></html>"
)

BODY_VARIANTS = [
    Row(
        "zod-issue-list-vercel-ai-4450",
        400,
        envelope(
            400,
            "Body validation error!",
            path="/messages",
            meta=[
                {
                    "code": "invalid_type",
                    "expected": "string",
                    "received": "array",
                    "path": ["system"],
                    "message": "Expected string, received array",
                }
            ],
        ),
        C.INVALID_REQUEST,
        details=("system: Expected string, received array",),
    ),
    Row(
        "zod-format-tree-gptme-372",
        400,
        envelope(400, "Invalid input", meta=ZOD_TREE),
        C.INVALID_REQUEST,
        message="Invalid input",
        details=(f"messages[0].role: {ROLE_ENUM}",),
    ),
    Row(
        "zod-issue-on-model-unknown-model",
        400,
        envelope(
            400,
            "Body validation error!",
            meta=[
                {
                    "code": "invalid_enum_value",
                    "options": ["openai/gpt-4o", "gpt-4o"],
                    "received": "gpt-40",
                    "path": ["model"],
                    "message": "Invalid enum value. Expected 'openai/gpt-4o' | 'gpt-4o', "
                    "received 'gpt-40'",
                }
            ],
        ),
        C.UNKNOWN_MODEL,
        details=(
            "model: Invalid enum value. Expected 'openai/gpt-4o' | 'gpt-4o', received 'gpt-40'",
        ),
    ),
    Row(
        "zod-union-error-nested-model-issue",
        400,
        envelope(
            400,
            "Body validation error!",
            meta=[
                {
                    "code": "invalid_union",
                    "path": [],
                    "message": "Invalid input",
                    "unionErrors": [
                        {"issues": [{"code": "invalid_literal", "path": ["model"], "message": "x"}]}
                    ],
                }
            ],
        ),
        C.UNKNOWN_MODEL,
        details=("Invalid input",),
    ),
    Row(
        "zod-format-tree-on-model",
        400,
        envelope(400, "Invalid input", meta={"_errors": [], "model": {"_errors": ["Required"]}}),
        C.UNKNOWN_MODEL,
        details=("model: Required",),
    ),
    Row(
        "404-model-is-deprecated",
        404,
        envelope(404, "Model is deprecated"),
        C.UNKNOWN_MODEL,
    ),
    Row(
        "404-named-model-is-deprecated-INF",
        404,
        envelope(404, "Model gpt-4-vision-preview is deprecated"),
        C.UNKNOWN_MODEL,
    ),
    Row(
        "upstream-400-unable-to-access-model-under-500-api-docs-3",
        500,
        envelope(500, "400 Unable to access model gpt-4o-mini. ", path="/chat/completions"),
        C.UNKNOWN_MODEL,
        message="400 Unable to access model gpt-4o-mini.",
        upstream_status=400,
        upstream_message="Unable to access model gpt-4o-mini.",
    ),
    Row(
        "upstream-json-in-string-under-400-batch-cancel",
        400,
        envelope(400, ANTHROPIC_BATCH, path="/v1/batches/cancel/msgbatch_01"),
        C.INVALID_REQUEST,
        upstream_status=400,
        upstream_message="Batch msgbatch_01 cannot be canceled because it has already finished "
        "processing.",
    ),
    Row(
        "upstream-json-in-string-under-500",
        500,
        envelope(500, ANTHROPIC_BATCH),
        C.INVALID_REQUEST,
        upstream_status=400,
        upstream_message="Batch msgbatch_01 cannot be canceled because it has already finished "
        "processing.",
    ),
    Row(
        "upstream-nested-wrappers-500-429",
        500,
        envelope(500, '500 429 {"error":{"message":"Rate limit exceeded","type":"rate_limit"}}'),
        C.RATE_LIMITED,
        upstream_status=429,
        upstream_message="Rate limit exceeded",
    ),
    Row(
        "openai-shaped-model-not-found",
        404,
        {
            "error": {
                "message": "The model `gpt-5-turbo` does not exist or you do not have access "
                "to it.",
                "type": "invalid_request_error",
                "param": None,
                "code": "model_not_found",
            }
        },
        C.UNKNOWN_MODEL,
        message="The model `gpt-5-turbo` does not exist or you do not have access to it.",
    ),
    Row(
        "openai-shaped-invalid-request",
        400,
        {
            "error": {
                "message": "Invalid value for 'temperature': must be <= 2.",
                "type": "invalid_request_error",
                "param": "temperature",
                "code": "invalid_value",
            }
        },
        C.INVALID_REQUEST,
        message="Invalid value for 'temperature': must be <= 2.",
    ),
    Row(
        "fastapi-detail-string",
        400,
        {"detail": "Invalid request body"},
        C.INVALID_REQUEST,
        message="Invalid request body",
    ),
    Row(
        "fastapi-detail-list-422",
        422,
        {
            "detail": [
                {
                    "loc": ["body", "messages", 0, "role"],
                    "msg": "Input should be 'user' or 'assistant'",
                    "type": "literal_error",
                }
            ]
        },
        C.INVALID_REQUEST,
        details=("messages[0].role: Input should be 'user' or 'assistant'",),
    ),
    Row(
        "fastapi-detail-list-on-model-422",
        422,
        {"detail": [{"loc": ["body", "model"], "msg": "Field required", "type": "missing"}]},
        C.UNKNOWN_MODEL,
        details=("model: Field required",),
    ),
    Row(
        "html-gateway-page-nginx-502",
        502,
        NGINX_502,
        C.BAD_GATEWAY,
        message="502 Bad Gateway",
    ),
    Row(
        "html-cloudflare-524",
        524,
        CLOUDFLARE_524,
        C.TIMEOUT,
        message="api.aimlapi.com | 524: A timeout occurred",
    ),
    Row(
        "plain-text-500",
        500,
        "Internal Server Error",
        C.SERVER_ERROR,
        message="Internal Server Error",
    ),
    Row("empty-body-503", 503, b"", C.UNAVAILABLE, message="Service Unavailable"),
    Row("none-body-429", 429, None, C.RATE_LIMITED, message="Too Many Requests"),
    Row(
        "empty-body-request-id-from-header",
        500,
        b"",
        C.SERVER_ERROR,
        headers={"X-Inference-Id": "V1StGXR8_Z5jdHi6B-myT"},
        request_id="V1StGXR8_Z5jdHi6B-myT",
    ),
    Row(
        "body-request-id-wins-over-header",
        500,
        envelope(500, "Internal server error", requestId="body-rid"),
        C.SERVER_ERROR,
        headers={"x-inference-id": "header-rid"},
        request_id="body-rid",
    ),
    Row(
        "status-code-as-string-no-http-status",
        None,
        envelope("429", "Too Many Requests"),
        C.RATE_LIMITED,
        status_code=429,
    ),
    Row(
        "status-code-as-string-403-credits",
        403,
        envelope("403", CURRENT_CREDITS),
        C.OUT_OF_CREDITS,
    ),
    Row(
        "nestjs-class-validator-message-list",
        400,
        {
            "statusCode": 400,
            "message": ["temperature must not be greater than 2", "messages should not be empty"],
            "error": "Bad Request",
        },
        C.INVALID_REQUEST,
        message="Validation failed",
        details=("temperature must not be greater than 2", "messages should not be empty"),
    ),
    Row(
        "json-string-body",
        400,
        '"Bad things happened"',
        C.INVALID_REQUEST,
        message="Bad things happened",
    ),
    Row(
        "truncated-json-body",
        500,
        '{"requestId": "abc", "statusCode": 500, "message": "Internal serv',
        C.SERVER_ERROR,
    ),
]

# -- every status row of the contract table ------------------------------------------------

STATUS_ROWS = [
    Row("400-validation", 400, envelope(400, "Invalid input"), C.INVALID_REQUEST),
    Row("402-payment-required", 402, envelope(402, "Payment Required"), C.OUT_OF_CREDITS),
    Row("403-credits-current", 403, envelope(403, CURRENT_CREDITS), C.OUT_OF_CREDITS),
    Row("403-credits-legacy-plan-rule", 403, envelope(403, LEGACY_CREDITS), C.OUT_OF_CREDITS),
    Row(
        "403-key-spend-limit-INF",
        403,
        envelope(403, "This API key has reached its spend limit. Raise it on the Keys page."),
        C.OUT_OF_CREDITS,
    ),
    Row(
        "403-other-management-key",
        403,
        envelope(403, "A management key cannot be used for this route"),
        C.PERMISSION_DENIED,
    ),
    Row("404-unknown-route", 404, envelope(404, "Cannot GET /v1/nope"), C.NOT_FOUND),
    Row("408-request-timeout", 408, envelope(408, "Request Timeout"), C.TIMEOUT),
    Row(
        "413-payload-too-large", 413, envelope(413, "request entity too large"), C.CONTEXT_OVERFLOW
    ),
    Row("422-unprocessable", 422, envelope(422, "Unprocessable Entity"), C.INVALID_REQUEST),
    Row("409-other-4xx", 409, envelope(409, "Conflict"), C.INVALID_REQUEST),
    Row(
        "429-too-many-requests-retry-after",
        429,
        envelope(429, "Too Many Requests"),
        C.RATE_LIMITED,
        headers={"Retry-After": "7"},
        retry_after=7.0,
    ),
    Row(
        "429-retry-after-ms-wins",
        429,
        envelope(429, "Too Many Requests"),
        C.RATE_LIMITED,
        headers={"retry-after-ms": "1500", "retry-after": "30"},
        retry_after=1.5,
    ),
    Row(
        "429-retry-after-garbage-ignored",
        429,
        envelope(429, "Too Many Requests"),
        C.RATE_LIMITED,
        headers={"Retry-After": "soon", "retry-after-ms": "-5"},
        retry_after=None,
    ),
    Row(
        "429-free-tier-hourly-not-retryable",
        429,
        envelope(429, FREE_TIER),
        C.RATE_LIMITED,
        retryable=False,
    ),
    Row(
        "429-openai-insufficient-quota-not-retryable",
        429,
        {
            "error": {
                "message": "You exceeded your current quota, please check your plan and billing "
                "details.",
                "type": "insufficient_quota",
                "param": None,
                "code": "insufficient_quota",
            }
        },
        C.RATE_LIMITED,
        retryable=False,
    ),
    Row("500-generic", 500, envelope(500, "Internal server error"), C.SERVER_ERROR),
    Row(
        "500-partner-failed",
        500,
        envelope(500, "Something wrong with the server. Please, try again later."),
        C.SERVER_ERROR,
    ),
    Row("500-coupon-code", 500, envelope(500, "Coupon code not found"), C.SERVER_ERROR),
    Row(
        "500-maintenance-unavailable",
        500,
        envelope(500, "The model is under maintenance, please contact us at help@aimlapi.com."),
        C.UNAVAILABLE,
    ),
    Row("502-bad-gateway", 502, envelope(502, "Bad Gateway"), C.BAD_GATEWAY),
    Row("503-unavailable", 503, envelope(503, "Service unavailable"), C.UNAVAILABLE),
    Row("504-generation-timeout", 504, envelope(504, "Generation timeout"), C.TIMEOUT),
    Row("501-other-5xx", 501, envelope(501, "Not Implemented"), C.SERVER_ERROR),
    Row("505-other-5xx", 505, b"HTTP Version Not Supported", C.SERVER_ERROR),
    Row("529-anthropic-overloaded", 529, envelope(529, "Overloaded"), C.UNAVAILABLE),
    Row(
        "500-upstream-anthropic-overloaded",
        500,
        envelope(
            500,
            '529 {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}',
        ),
        C.UNAVAILABLE,
        upstream_status=529,
        upstream_message="Overloaded",
    ),
    Row(
        "500-upstream-429-rate-limit",
        500,
        envelope(
            500,
            '429 {"type":"error","error":{"type":"rate_limit_error","message":"Number of request '
            'tokens has exceeded your per-minute rate limit"}}',
        ),
        C.RATE_LIMITED,
        upstream_status=429,
        upstream_message="Number of request tokens has exceeded your per-minute rate limit",
    ),
]

# -- negative rows: must NOT match a more specific category --------------------------------

OPENAI_TPM = (
    "Request too large for gpt-4o in organization org-abc123 on tokens per min (TPM): Limit "
    "30000, Requested 80715. The input or output tokens must be reduced in order to run "
    "successfully. Visit https://platform.openai.com/account/rate-limits to learn more."
)

NEGATIVE_ROWS = [
    Row(
        "neg-429-openai-tpm-request-too-large-stays-rate-limited",
        429,
        {
            "error": {
                "message": OPENAI_TPM,
                "type": "tokens",
                "param": None,
                "code": "rate_limit_exceeded",
            }
        },
        C.RATE_LIMITED,
        retryable=True,
    ),
    Row(
        "neg-429-openai-tpm-wrapped-under-500",
        500,
        envelope(500, "429 " + OPENAI_TPM),
        C.RATE_LIMITED,
        upstream_status=429,
        upstream_message=OPENAI_TPM,
    ),
    Row(
        "neg-429-openai-rpm-retryable",
        429,
        envelope(
            429,
            "Rate limit reached for gpt-4o-mini in organization org-abc123 on requests per min "
            "(RPM): Limit 500, Used 500, Requested 1. Please try again in 120ms.",
        ),
        C.RATE_LIMITED,
        retryable=True,
    ),
    Row(
        "neg-body-validation-on-messages-not-unknown-model",
        400,
        envelope(
            400,
            "Body validation error!",
            meta=[
                {
                    "code": "invalid_enum_value",
                    "options": ["user", "assistant"],
                    "received": "system",
                    "path": ["messages", 0, "role"],
                    "message": ROLE_ENUM,
                }
            ],
        ),
        C.INVALID_REQUEST,
        details=(f"messages[0].role: {ROLE_ENUM}",),
    ),
    Row(
        "neg-unsupported-value-wrapped-under-500-not-unknown-model",
        500,
        envelope(500, "400 " + UNSUPPORTED_ROLE),
        C.INVALID_REQUEST,
        upstream_status=400,
        upstream_message=UNSUPPORTED_ROLE,
    ),
    Row(
        "neg-401-mentions-credits-stays-authentication",
        401,
        envelope(401, "Invalid API key. You have run out of credits on the old key?"),
        C.AUTHENTICATION,
    ),
    Row(
        "neg-401-mentions-unknown-model-stays-authentication",
        401,
        envelope(401, "Unknown model or invalid key"),
        C.AUTHENTICATION,
    ),
    Row(
        "neg-upstream-401-under-500-is-server-fault",
        500,
        envelope(500, "401 Incorrect API key provided: sk-proj-****abcd."),
        C.SERVER_ERROR,
        upstream_status=401,
        upstream_message="Incorrect API key provided: sk-proj-****abcd.",
    ),
    Row(
        "neg-404-unknown-route-not-unknown-model",
        404,
        envelope(404, "Cannot POST /v1/completions", path="/v1/completions"),
        C.NOT_FOUND,
    ),
    Row(
        "neg-openai-max-tokens-param-not-overflow",
        400,
        {
            "error": {
                "message": "max_tokens is too large: 100000. This model supports at most 16384 "
                "completion tokens, whereas you provided 100000.",
                "type": "invalid_request_error",
                "param": "max_tokens",
                "code": "invalid_value",
            }
        },
        C.INVALID_REQUEST,
    ),
    Row(
        "neg-403-generic-forbidden-not-credits",
        403,
        envelope(403, "You are not allowed to read the usage of key prefix abc"),
        C.PERMISSION_DENIED,
    ),
    Row(
        "neg-500-coupon-not-found-not-unknown-model",
        500,
        envelope(500, "Coupon code not found"),
        C.SERVER_ERROR,
    ),
    Row(
        "neg-text-200-body-is-a-fault",
        200,
        envelope(200, "OK"),
        C.SERVER_ERROR,
    ),
]

# -- upstream context-overflow and content-policy wordings --------------------------------

OVERFLOW = {
    "openai-chat": "This model's maximum context length is 128000 tokens. However, your messages "
    "resulted in 130512 tokens. Please reduce the length of the messages.",
    "openai-responses": "Your input exceeds the context window of this model. Please adjust your "
    "input and try again.",
    "openai-gpt5-configured-limit": "Input tokens exceed the configured limit of 272000 tokens. "
    "Your messages resulted in 300000 tokens. Please reduce the length of the messages.",
    "anthropic-prompt-too-long": "prompt is too long: 208310 tokens > 200000 maximum",
    "anthropic-exceed-context-limit": "input length and `max_tokens` exceed context limit: "
    "198000 + 8192 > 200000, decrease input length or `max_tokens` and try again",
    "gemini-input-token-count": "The input token count (1200293) exceeds the maximum number of "
    "tokens allowed (1048576).",
    "vertex-only-supports-up-to": "Unable to submit request because the input token count is "
    "1250000 but model only supports up to 1048576. Reduce the input token count and try again.",
    "mistral": "Prompt contains 40000 tokens and 0 draft tokens, too large for model with 32768 "
    "maximum context length",
    "deepseek": "This model's maximum context length is 65536 tokens. However, you requested "
    "70000 tokens (70000 in the messages, 0 in the completion). Please reduce the length of the "
    "messages or completion.",
    "cohere": "too many tokens: total number of tokens in the prompt cannot exceed 4081 - "
    "received 4500. Try using a shorter prompt, or enabling prompt truncating.",
    "cohere-v2": "too many tokens: size limit exceeded by 1234 tokens. Try using shorter or fewer "
    "inputs, or setting truncate=END.",
    "xai": "This model's maximum prompt length is 131072 but the request contains 140000 tokens.",
    "bedrock-input-too-long": "Input is too long for requested model.",
    "bedrock-total-text-bytes": "too many total text bytes",
    "vllm": "'max_tokens' or 'max_completion_tokens' is too large: 1000. This model's maximum "
    "context length is 4096 tokens and your request has 3500 input tokens (1000 > 4096 - 3500).",
    "tgi-inputs-plus-max-new-tokens": "Input validation error: `inputs` tokens + "
    "`max_new_tokens` must be <= 4096. Given: 4000 `inputs` tokens and 200 `max_new_tokens`",
    "tgi-inputs-less-than": "Input validation error: `inputs` must have less than 4096 tokens. "
    "Given: 5000",
    "llama-cpp": "the request exceeds the available context size, try increasing it",
    "fireworks": "The prompt is too long: 40000, model maximum context length: 32768",
    "moonshot-kimi": "Invalid request: Your request exceeded model token limit: 8192",
}
POLICY = {
    "openai-safety-system": "Your request was rejected as a result of our safety system. Your "
    "prompt may contain text that is not allowed by our safety system.",
    "openai-usage-policy": "Invalid prompt: your prompt was flagged as potentially violating our "
    "usage policy. Please try again with a different prompt.",
    "azure-content-management": "The response was filtered due to the prompt triggering Azure "
    "OpenAI's content management policy. Please modify your prompt and retry.",
    "anthropic-output-filter": "Output blocked by content filtering policy",
    "gemini-prohibited-content": "The response was blocked: PROHIBITED_CONTENT",
    "google-responsible-ai": "Image generation failed with the following error: The prompt could "
    "not be submitted. This prompt contains sensitive words that violate Google's Responsible AI "
    "practices. Try rephrasing the prompt. If you think this was an error, send feedback.",
    "deepseek-content-exists-risk": "Content Exists Risk",
    "xai-usage-guidelines": "Content violates usage guidelines. Team: t-1, API key ID: k-1, "
    "Model: grok-4-0709, Failed check: SAFETY_CHECK_TYPE_BIO",
    "bedrock-content-filters": "This request has been blocked by our content filters. Please "
    "adjust your text prompt to submit a new request.",
}


def _inner_json(provider: str, message: str, overflow: bool) -> str:
    """The upstream's own error body, as its SDK would put it after ``"400 "``."""
    if provider.startswith(("anthropic", "bedrock")):
        body: dict[str, Any] = {
            "type": "error",
            "error": {"type": "invalid_request_error", "message": message},
        }
    elif provider.startswith(("gemini", "vertex", "google")):
        body = {"error": {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}}
    else:
        code = "context_length_exceeded" if overflow else "content_policy_violation"
        if provider.startswith(("deepseek", "xai", "mistral", "cohere", "moonshot")):
            code = "invalid_request_error"
        body = {
            "error": {
                "message": message,
                "type": "invalid_request_error",
                "param": None,
                "code": code,
            }
        }
    return json.dumps(body)


def _wording_rows(table: dict[str, str], category: C, overflow: bool) -> list[Row]:
    rows = []
    for provider, message in table.items():
        for outer in (400, 500):
            rows.append(
                Row(
                    f"{category.value}-{provider}-bare-{outer}",
                    outer,
                    envelope(outer, message),
                    category,
                    message=message,
                )
            )
            rows.append(
                Row(
                    f"{category.value}-{provider}-400text-{outer}",
                    outer,
                    envelope(outer, "400 " + message),
                    category,
                    upstream_status=400,
                    upstream_message=message,
                )
            )
            rows.append(
                Row(
                    f"{category.value}-{provider}-400json-{outer}",
                    outer,
                    envelope(outer, "400 " + _inner_json(provider, message, overflow)),
                    category,
                    upstream_status=400,
                    upstream_message=message,
                )
            )
    return rows


OVERFLOW_ROWS = _wording_rows(OVERFLOW, C.CONTEXT_OVERFLOW, True)
POLICY_ROWS = _wording_rows(POLICY, C.CONTENT_POLICY, False)

EXTRA_UPSTREAM_ROWS = [
    Row(
        "overflow-openai-as-429-openai-shaped-librechat-agents-330",
        429,
        {
            "error": {
                "message": OVERFLOW["openai-chat"],
                "type": "invalid_request_error",
                "param": "messages",
                "code": "context_length_exceeded",
            }
        },
        C.CONTEXT_OVERFLOW,
        headers={"retry-after": "2"},
        retry_after=2.0,
    ),
    Row(
        "overflow-openai-as-429-wrapped-under-500",
        500,
        envelope(500, "429 " + _inner_json("openai", OVERFLOW["openai-chat"], True)),
        C.CONTEXT_OVERFLOW,
        upstream_status=429,
        upstream_message=OVERFLOW["openai-chat"],
    ),
    Row(
        "overflow-openai-code-only",
        400,
        {
            "error": {
                "message": "Too long.",
                "type": "invalid_request_error",
                "param": "messages",
                "code": "context_length_exceeded",
            }
        },
        C.CONTEXT_OVERFLOW,
    ),
    Row(
        "policy-xai-under-403-openai-shaped-inspect-ai-2267",
        403,
        {
            "code": "The caller does not have permission to execute the specified operation",
            "error": POLICY["xai-usage-guidelines"],
        },
        C.CONTENT_POLICY,
        message=POLICY["xai-usage-guidelines"],
    ),
    Row(
        "policy-deepseek-openai-shaped",
        400,
        {
            "error": {
                "message": "Content Exists Risk",
                "type": "invalid_request_error",
                "param": None,
                "code": "invalid_request_error",
            }
        },
        C.CONTENT_POLICY,
    ),
    Row(
        "policy-deepseek-fastapi-detail",
        400,
        {"detail": "Content Exists Risk"},
        C.CONTENT_POLICY,
    ),
    Row(
        "policy-openai-code-only",
        400,
        {
            "error": {
                "message": "Your request was rejected.",
                "type": "invalid_request_error",
                "param": None,
                "code": "content_policy_violation",
            }
        },
        C.CONTENT_POLICY,
    ),
]

ALL_ROWS = (
    SEED_4XX
    + BODY_VARIANTS
    + STATUS_ROWS
    + NEGATIVE_ROWS
    + OVERFLOW_ROWS
    + POLICY_ROWS
    + EXTRA_UPSTREAM_ROWS
)


@pytest.mark.parametrize("row", ALL_ROWS, ids=[r.id for r in ALL_ROWS])
def test_error_table(row: Row) -> None:
    check(row)


def test_row_ids_are_unique() -> None:
    ids = [r.id for r in ALL_ROWS]
    assert len(ids) == len(set(ids))


def test_every_category_but_connection_is_reachable_from_a_response() -> None:
    """CONNECTION needs no response; INTERNAL is this package failing (``_answer_errors``)."""
    seen = {r.category for r in ALL_ROWS}
    assert seen == set(C) - {C.CONNECTION, C.INTERNAL}


def test_http_date_retry_after_is_non_negative_seconds() -> None:
    info = parse_error(429, b"", {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    assert info.retry_after == 0.0
    info = parse_error(429, b"", {"Retry-After": "Fri, 01 Jan 2100 00:00:00 GMT"})
    assert info.retry_after is not None and info.retry_after > 3600


def test_secret_redacted_from_message_details_and_body() -> None:
    key = "sk-aiml-secret-key-0123456789"
    body = envelope(
        401,
        f"Invalid key {key}",
        meta=[{"path": ["api_key"], "message": f"bad value {key}"}],
    )
    info = parse_error(401, json.dumps(body), {}, secrets=[key])
    exc = exception_from_info(info)
    for text in (str(exc), repr(exc), exc.message, exc.body or "", *exc.details):
        assert key not in text
    assert "***" in exc.message


def test_secret_redacted_from_unwrapped_upstream_json_escapes() -> None:
    key = "sk-aiml-secret-key-0123456789"
    # the inner JSON (itself a string in the outer JSON) spells the key's "s" as \u0073
    escaped = "\\\\u0073" + key[1:]
    body = '{"statusCode": 500, "message": "400 {\\"message\\": \\"bad key ' + escaped + '\\"}"}'
    info = parse_error(500, body, {}, secrets=[key])
    assert info.upstream_status == 400
    assert info.upstream_message is not None and "bad key" in info.upstream_message
    assert key not in str(exception_from_info(info))


def test_details_are_summarised_after_five() -> None:
    meta = [{"path": ["messages", i, "role"], "message": "bad"} for i in range(8)]
    exc = exception_from_info(
        parse_error(400, json.dumps(envelope(400, "Invalid input", meta=meta)))
    )
    assert len(exc.details) == 8
    assert "+3 more" in str(exc)
    assert "messages[4].role: bad" in str(exc)
    assert "messages[5].role: bad" not in str(exc)


def test_request_path_fallback_used_when_body_has_none() -> None:
    info = parse_error(500, b"oops", {}, request_path="/v1/embeddings")
    assert info.path == "/v1/embeddings"
    info = parse_error(500, json.dumps(envelope(500, "x")), {}, request_path="/v1/embeddings")
    assert info.path == "/v1/chat/completions"
