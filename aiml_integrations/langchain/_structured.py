"""Tool binding and structured output for :class:`ChatAIMLAPI`.

Why separate: these build runnables once (at ``bind_tools`` / ``with_structured_output``
time), never on the per-call path, and they are where LangChain's conventions live
(``tool_choice`` spellings, ``ls_structured_output_format``, refusals as
``ModelRefusalError``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any, Literal

from langchain_core.exceptions import ModelRefusalError
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.output_parsers import JsonOutputParser, PydanticOutputParser
from langchain_core.output_parsers.openai_tools import (
    JsonOutputKeyToolsParser,
    PydanticToolsParser,
)
from langchain_core.runnables import Runnable, RunnableLambda, RunnableMap, RunnablePassthrough
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_function, convert_to_openai_tool
from langchain_core.utils.pydantic import is_basemodel_subclass

__all__ = [
    "StructuredMethod",
    "format_tool_choice",
    "format_tools",
    "response_format_for",
    "structured_parser",
    "with_raw",
]

StructuredMethod = Literal["function_calling", "json_mode", "json_schema"]
ToolLike = dict[str, Any] | type | Callable[..., Any] | BaseTool


def format_tools(tools: Sequence[ToolLike], strict: bool | None = None) -> list[dict[str, Any]]:
    """Tools in chat-completions form (``{"type": "function", "function": {...}}``)."""
    return [convert_to_openai_tool(tool, strict=strict) for tool in tools]


def format_tool_choice(
    tool_choice: dict[str, Any] | str | bool | None, tools: list[dict[str, Any]]
) -> dict[str, Any] | str | None:
    """LangChain's spellings → the wire value.

    ``"any"`` / ``"required"`` / ``True`` force some tool (``True`` with a single tool forces
    that one), ``"auto"`` / ``"none"`` pass through, any other string names a tool.
    """
    if tool_choice is None or tool_choice is False:
        return None
    if isinstance(tool_choice, dict):
        return tool_choice
    if tool_choice is True:
        if len(tools) == 1:
            return {"type": "function", "function": {"name": tools[0]["function"]["name"]}}
        return "required"
    if tool_choice in ("any", "required"):
        return "required"
    if tool_choice in ("auto", "none"):
        return tool_choice
    names = {t.get("function", {}).get("name") for t in tools}
    if tool_choice not in names:
        raise ValueError(
            f"tool_choice={tool_choice!r} names no bound tool (bound: {sorted(map(str, names))})"
        )
    return {"type": "function", "function": {"name": tool_choice}}


def response_format_for(schema: dict[str, Any] | type, strict: bool | None) -> dict[str, Any]:
    """``response_format`` for ``method="json_schema"``."""
    if isinstance(schema, dict) and schema.get("type") == "json_schema" and "json_schema" in schema:
        return schema
    if isinstance(schema, dict) and "name" in schema and "schema" in schema:
        json_schema = dict(schema)
    else:
        function = convert_to_openai_function(schema, strict=strict)
        json_schema = {"name": function["name"], "schema": function["parameters"]}
        if function.get("description"):
            json_schema["description"] = function["description"]
    if strict is not None:
        json_schema["strict"] = strict
    return {"type": "json_schema", "json_schema": json_schema}


def _refusal_guard(message: BaseMessage) -> BaseMessage:
    """Raise ``ModelRefusalError`` when the model refused instead of answering."""
    if isinstance(message, AIMessage):
        refusal = message.additional_kwargs.get("refusal")
        if refusal:
            raise ModelRefusalError(
                f"Model refused to produce the requested output: {refusal}", raw_message=message
            )
    return message


def structured_parser(
    schema: dict[str, Any] | type, method: StructuredMethod
) -> Runnable[Any, Any]:
    """The parser that turns the model's answer into the schema's type."""
    is_pydantic = isinstance(schema, type) and is_basemodel_subclass(schema)
    parser: Runnable[Any, Any]
    if method == "function_calling":
        if is_pydantic:
            parser = PydanticToolsParser(tools=[schema], first_tool_only=True)  # type: ignore[list-item]
        else:
            name = convert_to_openai_tool(schema)["function"]["name"]
            parser = JsonOutputKeyToolsParser(key_name=name, first_tool_only=True)
    elif is_pydantic:
        parser = PydanticOutputParser(pydantic_object=schema)  # type: ignore[arg-type]
    else:
        parser = JsonOutputParser()
    return RunnableLambda(_refusal_guard) | parser


def with_raw(llm: Runnable[Any, Any], parser: Runnable[Any, Any]) -> Runnable[Any, Any]:
    """``{"raw", "parsed", "parsing_error"}`` output, as ``include_raw=True`` promises."""
    parser_assign = RunnablePassthrough.assign(
        parsed=itemgetter("raw") | parser, parsing_error=lambda _: None
    )
    parser_none = RunnablePassthrough.assign(parsed=lambda _: None)
    parser_with_fallback = parser_assign.with_fallbacks(
        [parser_none], exception_key="parsing_error"
    )
    return RunnableMap(raw=llm) | parser_with_fallback
