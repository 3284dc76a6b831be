"""The pieces of :mod:`aiml_integrations.transport`, one job per module.

- ``_wire``: what every request shares — the success object, billing, timeouts, encoding,
  httpx failures as typed errors;
- ``_pools``: who owns which httpx client — the sync pool, one sharded async pool per event
  loop, and closing them (also from another loop, or after their loop is gone);
- ``_stream``: SSE streams and the rules for when a stream is complete.

The public names live in :mod:`aiml_integrations.transport`.
"""
