"""Generate a JSON value that satisfies a JSON schema, borrowing values from the prompt.

Why: the fake model must produce tool-call arguments and structured output that a client can
validate, without knowing what any test expects. It is deterministic: the same schema and prompt
always give the same value. Values are taken from the prompt when it names them
(``city: Paris``, ``count=3``), then from quoted strings and bare numbers in order of
appearance, then from ``default`` / ``examples``, then from what the field is for (a free-text
field such as ``query``/``answer``/``text`` gets the prompt itself; a name-like field such as
``city``/``location``/``name`` gets the prompt's first proper noun), and finally from a
schema-valid placeholder.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

__all__ = ["generate"]

_MAX_DEPTH = 8
_FORMAT_PLACEHOLDERS = {
    "date": "2025-01-01",
    "date-time": "2025-01-01T00:00:00Z",
    "time": "00:00:00",
    "email": "user@example.com",
    "uri": "https://example.com",
    "url": "https://example.com",
    "uuid": "00000000-0000-4000-8000-000000000000",
    "ipv4": "127.0.0.1",
}


class _Prompt:
    """The prompt, with queues of quoted strings and numbers handed out in order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lower = text.lower()
        self._quoted = [a or b for a, b in re.findall(r'"([^"\n]+)"|\'([^\'\n]+)\'', text)]
        self._numbers = re.findall(r"(?<![\w.])-?\d+(?:\.\d+)?(?![\w.])", text)

    def named(self, name: str | None) -> str | None:
        """The value after ``name:``, ``name =`` or ``name is`` in the prompt."""
        if not name:
            return None
        spellings = {name, name.replace("_", " ")}
        for spelling in spellings:
            pattern = (
                rf"\b{re.escape(spelling)}\b\s*(?::|=|\bis\b)\s*"
                r"(?:\"([^\"]*)\"|'([^']*)'|([^\s,;]+))"
            )
            match = re.search(pattern, self.text, flags=re.IGNORECASE)
            if match:
                value = next(g for g in match.groups() if g is not None)
                return value.rstrip(".?!)")
        return None

    def next_quoted(self) -> str | None:
        return self._quoted.pop(0) if self._quoted else None

    def next_number(self) -> str | None:
        return self._numbers.pop(0) if self._numbers else None

    def proper_noun(self) -> str | None:
        """The first capitalised word that does not start a sentence (``... in Paris``)."""
        for match in re.finditer(r"[A-Za-z][\w'-]*", self.text):
            before = self.text[: match.start()].rstrip()
            word = match.group(0)
            if before and before[-1] not in ".!?:\n\"'`" and word[0].isupper() and "_" not in word:
                return word
        return None

    def mentions(self, word: str) -> bool:
        return re.search(rf"\b{re.escape(word.lower())}\b", self.lower) is not None


def generate(schema: Mapping[str, Any], prompt: str = "") -> Any:
    """A value valid for ``schema`` (types, enums, const, required, nesting, bounds, refs)."""
    return _Generator(schema, _Prompt(prompt)).value(schema, None, 0)


class _Generator:
    def __init__(self, root: Mapping[str, Any], prompt: _Prompt) -> None:
        self.root = root
        self.prompt = prompt

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#"):
            return schema
        node: Any = self.root
        for part in ref.lstrip("#").strip("/").split("/"):
            if not part:
                continue
            node = (
                node.get(part.replace("~1", "/").replace("~0", "~"))
                if isinstance(node, Mapping)
                else None
            )
        if not isinstance(node, Mapping):
            return {}
        merged = dict(node)
        merged.update({k: v for k, v in schema.items() if k != "$ref"})
        return self.resolve(merged) if "$ref" in merged else merged

    def value(self, schema: Mapping[str, Any], name: str | None, depth: int) -> Any:
        schema = self.resolve(schema)
        if "const" in schema:
            return schema["const"]
        for combinator in ("anyOf", "oneOf"):
            options = schema.get(combinator)
            if isinstance(options, list) and options:
                chosen = next(
                    (o for o in options if self.resolve(o).get("type") != "null"), options[0]
                )
                return self.value(chosen, name, depth)
        if isinstance(schema.get("allOf"), list):
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                part = self.resolve(part)
                for key, val in part.items():
                    if key in ("properties",) and key in merged:
                        merged[key] = {**merged[key], **val}
                    elif key == "required" and key in merged:
                        merged[key] = [*merged[key], *val]
                    else:
                        merged[key] = val
            rest = {k: v for k, v in schema.items() if k != "allOf"}
            return self.value({**merged, **rest}, name, depth)
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self.enum_value(schema["enum"], name)
        kind = self.type_of(schema)
        if depth >= _MAX_DEPTH:
            return _minimal(kind)
        if kind == "object":
            return self.object_value(schema, depth)
        if kind == "array":
            return self.array_value(schema, name, depth)
        if kind in ("integer", "number"):
            return self.number_value(schema, name, integer=kind == "integer")
        if kind == "boolean":
            found = self.prompt.named(name)
            if found is not None:
                return found.lower() in ("true", "yes", "1", "on")
            return bool(schema.get("default", False))
        if kind == "null":
            return None
        return self.string_value(schema, name)

    @staticmethod
    def type_of(schema: Mapping[str, Any]) -> str:
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), "null")
        if isinstance(kind, str):
            return kind
        if "properties" in schema:
            return "object"
        if "items" in schema:
            return "array"
        return "string"

    def enum_value(self, options: list[Any], name: str | None) -> Any:
        found = self.prompt.named(name)
        for option in options:
            if found is not None and str(option).lower() == found.lower():
                return option
        for option in options:
            if isinstance(option, str) and self.prompt.mentions(option):
                return option
        return options[0]

    def object_value(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        properties = schema.get("properties")
        if not isinstance(properties, Mapping):
            return {}
        required = schema.get("required")
        names = list(properties)
        if isinstance(required, list):
            wanted = [n for n in names if n in required or self.prompt.named(n) is not None]
        else:
            wanted = names
        return {n: self.value(properties[n], n, depth + 1) for n in wanted}

    def array_value(self, schema: Mapping[str, Any], name: str | None, depth: int) -> list[Any]:
        items = schema.get("items")
        low = int(schema.get("minItems", 1 if schema.get("maxItems", 1) != 0 else 0))
        count = max(low, 1) if schema.get("maxItems", 1) != 0 else 0
        if isinstance(schema.get("prefixItems"), list):
            return [self.value(s, name, depth + 1) for s in schema["prefixItems"]]
        item_schema: Mapping[str, Any] = items if isinstance(items, Mapping) else {}
        values = [self.value(item_schema, name, depth + 1) for _ in range(count)]
        if schema.get("uniqueItems") and len(values) > 1:
            values = _dedupe_strings(values)
        return values

    def number_value(self, schema: Mapping[str, Any], name: str | None, *, integer: bool) -> Any:
        text = self.prompt.named(name)
        if text is None or not _is_number(text):
            text = self.prompt.next_number()
        value: float
        if text is not None and _is_number(text):
            value = float(text)
        elif isinstance(schema.get("default"), int | float):
            value = float(schema["default"])
        else:
            value = 1.0
        minimum = schema.get("minimum", schema.get("exclusiveMinimum"))
        maximum = schema.get("maximum", schema.get("exclusiveMaximum"))
        step = 1 if integer else 0.5
        if isinstance(schema.get("exclusiveMinimum"), int | float):
            minimum = schema["exclusiveMinimum"] + step
        if isinstance(schema.get("exclusiveMaximum"), int | float):
            maximum = schema["exclusiveMaximum"] - step
        if isinstance(minimum, int | float) and value < minimum:
            value = float(minimum)
        if isinstance(maximum, int | float) and value > maximum:
            value = float(maximum)
        if integer:
            return round(value)
        return int(value) if value.is_integer() else value

    def string_value(self, schema: Mapping[str, Any], name: str | None) -> str:
        found = self.prompt.named(name) or self.prompt.next_quoted()
        fmt = schema.get("format")
        if found is None or (isinstance(fmt, str) and fmt in _FORMAT_PLACEHOLDERS):
            if isinstance(fmt, str) and fmt in _FORMAT_PLACEHOLDERS:
                found = _FORMAT_PLACEHOLDERS[fmt]
            elif isinstance(schema.get("default"), str):
                found = schema["default"]
            elif isinstance(schema.get("examples"), list) and schema["examples"]:
                found = str(schema["examples"][0])
            else:
                found = self.intended_string(schema, name) or "example"
        min_len = schema.get("minLength")
        max_len = schema.get("maxLength")
        if isinstance(min_len, int) and len(found) < min_len:
            found = found + "x" * (min_len - len(found))
        if isinstance(max_len, int) and len(found) > max_len:
            found = found[:max_len]
        return found

    def intended_string(self, schema: Mapping[str, Any], name: str | None) -> str | None:
        """A value that fits what the field is for, read from its name and description."""
        words = set(re.findall(r"[a-z]+", f"{name or ''} {schema.get('description', '')}".lower()))
        if words & _FREE_TEXT_WORDS and self.prompt.text.strip():
            return self.prompt.text.strip()
        if words & _NAME_LIKE_WORDS:
            return self.prompt.proper_noun()
        return None


_FREE_TEXT_WORDS = frozenset(
    {
        "answer",
        "query",
        "question",
        "text",
        "prompt",
        "input",
        "message",
        "content",
        "result",
        "summary",
        "response",
        "output",
        "request",
        "task",
        "topic",
        "search",
        "q",
    }
)
_NAME_LIKE_WORDS = frozenset(
    {
        "city",
        "location",
        "place",
        "country",
        "name",
        "person",
        "company",
        "town",
        "region",
        "destination",
        "origin",
        "user",
        "username",
    }
)


def _is_number(text: str) -> bool:
    return re.fullmatch(r"-?\d+(?:\.\d+)?", text) is not None


def _minimal(kind: str) -> Any:
    return {"object": {}, "array": [], "integer": 0, "number": 0, "boolean": False}.get(
        kind, None if kind == "null" else ""
    )


def _dedupe_strings(values: list[Any]) -> list[Any]:
    seen: set[str] = set()
    out: list[Any] = []
    for i, value in enumerate(values):
        if isinstance(value, str):
            while value in seen:
                value = f"{value}{i}"
            seen.add(value)
        out.append(value)
    return out
