"""The one table that turns a parsed AI/ML API failure into an :class:`ErrorCategory`.

Why a table: the alternative — substring checks scattered through adapters — drifts apart
per adapter and ends up mapping "out of credits" to a retryable generic error. Here every
decision is one row, evaluated top to bottom, first match wins; adapters never look at messages.

A row matches when the status fits (``None`` = any error status) and, if the row has
patterns, one of them is found in the failure's searchable text (message, unwrapped upstream
message, validation details, upstream error type/code). Upstream wordings for context
overflow and content policy cover OpenAI, Anthropic, Google Gemini/Vertex, Mistral, DeepSeek,
Cohere, xAI, Bedrock and vLLM/TGI/llama.cpp-style servers, bare or wrapped in AI/ML API's
``"400 {json}"`` envelope, under any outer status.

This module imports only the standard library.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from aiml_integrations.errors import ErrorCategory

__all__ = ["RULES", "Rule", "classify"]

_I = re.IGNORECASE


def _any(*patterns: str) -> tuple[re.Pattern[str], ...]:
    return tuple(re.compile(p, _I) for p in patterns)


CONTEXT_OVERFLOW_PATTERNS = _any(
    r"maximum context length",  # OpenAI, DeepSeek, vLLM, Groq, OpenRouter
    r"context[_ ]length[_ ]exceeded",  # OpenAI error code
    r"context[_ ]?window[_ ]?exceeded",  # LiteLLM-style relays
    r"exceeds? (?:the )?(?:model'?s? )?context (?:window|limit|length|size)",
    r"exceed(?:s|ed)? context limit",  # Anthropic: "input length and max_tokens exceed ..."
    r"prompt is too long",  # Anthropic, Fireworks
    r"input is too long",  # Bedrock / Anthropic
    r"too many total text bytes",  # Bedrock
    r"too large for model with \d+ maximum context length",  # Mistral
    r"exceeds? (?:the )?maximum number of tokens allowed",  # Gemini / Vertex
    r"input token count .{0,60}exceeds",  # Gemini
    r"input token count is \d+ but (?:the )?model only supports up to",  # Vertex AI
    r"too many (?:input )?tokens",  # Cohere, Bedrock
    r"`?inputs`? tokens \+ `?max_new_tokens`? must be",  # TGI / Together
    r"`?inputs`? must have less than \d+ tokens",  # TGI
    r"exceeds the available context size",  # llama.cpp
    r"maximum prompt length is",  # xAI
    r"input tokens exceed the configured limit",  # OpenAI Responses
    r"requested token count exceeds",
    r"reduce the length of the messages",
    r"exceeded model token limit",  # Moonshot / Kimi
    r"string too long\. expected a string with maximum length",
)

CONTENT_POLICY_PATTERNS = _any(
    r"safety system",  # OpenAI / Azure "rejected as a result of our safety system"
    r"content[_ ]?policy",  # content_policy_violation, "content policy"
    r"violat\w* (?:our |the )?usage polic",
    r"content[_ ]?(?:management|filter(?:ing)?)[_ ]?polic",  # Azure, Anthropic output filter
    r"responsibleaipolicyviolation",
    r"prohibited[_ ]content",  # Gemini block reason
    r"blocked (?:due to|because of|by) (?:the )?safety",
    r"\bsafety (?:filter|settings|reasons)\b",
    r"moderation[_ ]blocked|failed moderation|flagged by (?:the )?moderation",
    r"\bnsfw (?:content )?(?:detected|concepts? detected)",
    r"responsible ai (?:practices|polic)",  # Google Imagen / Veo, AWS
    r"content exists risk",  # DeepSeek
    r"violates? (?:our )?usage guidelines",  # xAI (sent as a 403)
    r"blocked by (?:our|the) content filters?",  # Bedrock Titan / Stability
)

OUT_OF_CREDITS_PATTERNS = _any(
    r"run out of credits|out of credits",
    r"exhausted the available .{0,80}resource limit",
    r"insufficient (?:credits|balance|funds)",
    r"top up your balance",
    r"spend(?:ing)? limit",
    r"budget (?:has been )?(?:exceeded|limit)",
)

QUOTA_PATTERNS = _any(  # a 429 that waiting a few seconds will not cure
    r"free[- ]tier limit",
    r"limit for the (?:hour|day|month)",
    r"(?:hourly|daily|monthly) (?:limit|quota)",
    r"exceeded your current quota",
    r"insufficient_quota",
)

UNKNOWN_MODEL_PATTERNS = _any(
    r"unable to access model",
    r"model[`'\" ]{0,2}[\w./:-]*[`'\"]? "
    r"(?:does not exist|not found|is not available|is not supported)",
    r"model is deprecated|deprecated model|model .{0,60}has been deprecated",
    r"\b(?:unknown|invalid|unsupported) model\b",
    r"no such model",
    r"model_not_found",
)

DEPRECATED_PATTERNS = _any(r"\bdeprecated\b")  # a 404 saying so is about the model

UNAVAILABLE_PATTERNS = _any(
    r"under maintenance",
    r"\boverloaded\b",
    r"service unavailable",
)


@dataclass(frozen=True)
class Rule:
    """One row: when ``statuses`` (``None`` = any) and ``patterns`` (empty = no text test) hold.

    ``model_issue`` rows match only failures whose validation issues point at ``model``.
    ``retryable`` overrides the category's default on the raised instance.
    """

    category: ErrorCategory
    statuses: frozenset[int] | None
    patterns: tuple[re.Pattern[str], ...] = ()
    model_issue: bool = False
    retryable: bool | None = None
    why: str = ""

    def matches(self, status: int, text: str, model_issue: bool) -> bool:
        if self.statuses is not None and status not in self.statuses:
            return False
        if self.model_issue and not model_issue:
            return False
        return not self.patterns or any(p.search(text) for p in self.patterns)


def _span(lo: int, hi: int) -> frozenset[int]:
    return frozenset(range(lo, hi + 1))


C = ErrorCategory
RULES: Sequence[Rule] = (
    Rule(C.AUTHENTICATION, frozenset({401}), why="bad, missing or disabled key"),
    Rule(C.OUT_OF_CREDITS, frozenset({402}), why="payment required"),
    Rule(C.OUT_OF_CREDITS, frozenset({403}), OUT_OF_CREDITS_PATTERNS, why="403 billing wording"),
    Rule(C.CONTEXT_OVERFLOW, None, CONTEXT_OVERFLOW_PATTERNS, why="upstream overflow wording"),
    Rule(C.CONTEXT_OVERFLOW, frozenset({413}), why="payload too large"),
    Rule(C.CONTENT_POLICY, None, CONTENT_POLICY_PATTERNS, why="upstream safety refusal"),
    Rule(C.UNKNOWN_MODEL, _span(400, 422), model_issue=True, why="validation issue on `model`"),
    Rule(C.UNKNOWN_MODEL, _span(400, 599), UNKNOWN_MODEL_PATTERNS, why="model wording"),
    Rule(C.UNKNOWN_MODEL, frozenset({404}), DEPRECATED_PATTERNS, why="404 deprecated model"),
    Rule(C.PERMISSION_DENIED, frozenset({403}), why="authenticated but not allowed"),
    Rule(C.NOT_FOUND, frozenset({404}), why="no such route or resource"),
    Rule(C.RATE_LIMITED, frozenset({429}), QUOTA_PATTERNS, retryable=False, why="quota"),
    Rule(C.RATE_LIMITED, frozenset({429}), why="slow down"),
    Rule(C.TIMEOUT, frozenset({408, 504, 524}), why="request or generation timeout"),
    Rule(C.UNAVAILABLE, frozenset({503, 529}), why="unavailable or overloaded"),
    Rule(C.UNAVAILABLE, _span(500, 599), UNAVAILABLE_PATTERNS, why="maintenance wording"),
    Rule(C.BAD_GATEWAY, frozenset({502}), why="bad gateway"),
    Rule(C.SERVER_ERROR, _span(500, 599), why="server fault"),
    Rule(C.INVALID_REQUEST, _span(400, 499), why="other client error"),
)

_FALLBACK = Rule(C.SERVER_ERROR, None, why="unexpected non-error status treated as a fault")

# A 4xx that AI/ML API re-raised under an outer 5xx is classified by the upstream status when
# retrying cannot help (400/404/413/422) or the meaning is clear (429). Upstream 401/403 stay
# server faults: they concern AI/ML API's own provider credentials, not the caller's key.
_UPSTREAM_STATUS_WINS = frozenset({400, 404, 413, 422, 429})


def effective_status(status: int, upstream_status: int | None) -> int:
    """The status the rules look at (see ``_UPSTREAM_STATUS_WINS``)."""
    if status >= 500 and upstream_status in _UPSTREAM_STATUS_WINS:
        return upstream_status
    return status


def classify(status: int, text: str, *, model_issue: bool = False) -> Rule:
    """The first rule that matches; never raises."""
    for rule in RULES:
        if rule.matches(status, text, model_issue):
            return rule
    return _FALLBACK
