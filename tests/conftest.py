"""Fixtures more than one test folder needs (each folder's own live in its ``conftest.py``)."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def cache_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A ``$AIMLAPI_CACHE_DIR`` of this test's own, and no ``AIMLAPI_PREFLIGHT`` from outside.

    Why: ``sync_catalog`` writes the per-user catalog cache and preflight trusts a fresh one, so
    a test that syncs must never read or write the user's real cache, nor leave a fresh catalog
    behind for the next test. ``tests/catalog`` uses it for every test (autouse there); the CLI
    and the adapters' preflight tests ask for it.
    """
    path = tmp_path / "cache"
    monkeypatch.setenv("AIMLAPI_CACHE_DIR", str(path))
    monkeypatch.delenv("AIMLAPI_PREFLIGHT", raising=False)
    return path
