"""The core layer: everything both adapters share, and nothing framework-specific.

Configuration (``config``), the pooled httpx transport with its SSE streams (``transport``,
``sse``), the error parser and the one classification table (``error_parse``,
``error_rules``), errors about 2xx answers (``answer_errors``), the embedding vector codec and
the image schemas. Nothing here imports LiteLLM or LangChain; the public names are re-exported
by :mod:`aiml_integrations` (and the exception tree lives in :mod:`aiml_integrations.errors`).
See ``docs/architecture.md``.
"""
