"""An offline AI/ML API: a real HTTP server on 127.0.0.1 with scripted failures.

Why: the adapters' promise is about *failures* (which framework exception, retried or not,
fallback or not). Those are only testable against a server that fails exactly like AI/ML API
does, on demand, without a network or a paid key::

    from aiml_integrations.testing import MockAIMLAPI, Fault, presets

    with MockAIMLAPI() as mock:
        mock.inject(presets.RATE_LIMITED, times=2, model="openai/gpt-4o")
        ...  # point a client at mock.base_url with mock.api_key
        assert [r.status for r in mock.requests] == [429, 429, 200]

Standard library only. See ``presets`` for every documented error, ``Fault`` for custom ones,
and the ``aimlapi_mock`` pytest fixture (``aiml_integrations.testing.pytest_plugin``).
"""

from __future__ import annotations

from aiml_integrations.testing import presets
from aiml_integrations.testing._faults import Fault
from aiml_integrations.testing._server import MockAIMLAPI
from aiml_integrations.testing._types import RecordedRequest

__all__ = ["Fault", "MockAIMLAPI", "RecordedRequest", "presets"]
