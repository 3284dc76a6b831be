"""Facts about AI/ML API's HTTP surface that several layers need, stated once.

Why its own module: the adapters, the catalog's preflight, the mock server and the demo all
need the chat path, the default base URL, the words that switch a feature off and the rule for a
client request id. Copies drift; this module is standard library only, so even the stdlib-only
layers (catalog, testing) import it at no cost.
"""

from __future__ import annotations

import re

__all__ = ["CHAT_PATH", "CLIENT_REQUEST_ID", "DEFAULT_BASE_URL", "OFF_WORDS"]

#: The base URL the adapters call when none is configured (OpenAI-style, with ``/v1``).
DEFAULT_BASE_URL = "https://api.aimlapi.com/v1"

#: Chat completions, relative to the host.
CHAT_PATH = "/v1/chat/completions"

#: Values of an on/off environment variable or parameter that mean "off" (case-insensitive).
OFF_WORDS = frozenset({"0", "false", "no", "off"})

#: What AI/ML API echoes back as ``X-Client-Request-Id``: 1-128 characters of ``[A-Za-z0-9._:-]``
#: (use ``fullmatch``).
CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
