"""Where the examples send requests: the real AI/ML API when a key is set, else the mock.

Why: the examples must run on a fresh machine with no key (they are tested), and unchanged
against the real service when ``AIMLAPI_API_KEY`` is set.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from typing import Any, NamedTuple


class Backend(NamedTuple):
    base_url: str
    api_key: str
    offline: bool
    mock: Any = None
    """The running ``MockAIMLAPI`` when offline (to script faults), else ``None``."""


@contextlib.contextmanager
def backend() -> Iterator[Backend]:
    key = os.environ.get("AIMLAPI_API_KEY") or os.environ.get("AIML_API_KEY")
    if key:
        yield Backend(os.environ.get("AIMLAPI_BASE_URL", "https://api.aimlapi.com/v1"), key, False)
        return
    from aiml_integrations.testing import MockAIMLAPI

    with MockAIMLAPI() as mock:
        print(f"(no AIMLAPI_API_KEY: using the offline mock at {mock.base_url})")
        yield Backend(mock.base_url, mock.api_key, True, mock)
