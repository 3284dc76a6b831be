"""The capability vocabulary is defined once (``catalog.Capability``) and every reader keeps to it.

``mypy`` checks the spelling of each translation table's keys; these tests check what a type
cannot: the generated snapshot uses only the vocabulary's words, each word reaches LiteLLM's
model map, and a legacy ``features`` listing written by the mock reads back to the same flags.
"""

from __future__ import annotations

from typing import get_args

import pytest

from aiml_integrations.catalog import (
    CAPABILITY_NAMES,
    Capability,
    ModelInfo,
    catalog_from_models_response,
    default_catalog,
)


def _chat(**capabilities: bool) -> ModelInfo:
    return ModelInfo(
        id="vendor/vocabulary-probe", kind="chat", context_length=8192, capabilities=capabilities
    )


def test_the_tuple_is_the_literal_in_order() -> None:
    assert get_args(Capability) == CAPABILITY_NAMES
    assert len(set(CAPABILITY_NAMES)) == len(CAPABILITY_NAMES) == 7


def test_the_snapshot_speaks_only_the_vocabulary() -> None:
    used = {name for model in default_catalog() for name in model.capabilities}
    assert used <= set(CAPABILITY_NAMES), used - set(CAPABILITY_NAMES)
    assert used == set(CAPABILITY_NAMES)  # every word is stated for some model


@pytest.mark.parametrize("capability", CAPABILITY_NAMES)
def test_every_capability_reaches_litellms_model_map(capability: Capability) -> None:
    from aiml_integrations.litellm import model_cost_entry

    yes = model_cost_entry(_chat(**{capability: True}))
    no = model_cost_entry(_chat(**{capability: False}))
    unknown = model_cost_entry(_chat())
    assert yes is not None and no is not None and unknown is not None
    told = {k for k in yes if k.startswith("supports_")}
    assert told, f"{capability} is not translated into any supports_* flag"
    assert all(yes[k] is True and no[k] is False for k in told)
    assert not told & set(unknown)  # unknown stays unknown, never False


def test_legacy_features_written_by_the_mock_read_back_the_same() -> None:
    from aiml_integrations.testing._models import model_item

    legacy_words = set(CAPABILITY_NAMES) - {"parallel_tool_calls"}  # not in the old listing
    for value in (True, False):
        model = _chat(**dict.fromkeys(legacy_words, value))
        item = model_item(model, sections=set(), legacy=True)
        read = catalog_from_models_response({"data": [item]}).get(model.id)
        assert read is not None
        assert {name: read.supports(name) for name in legacy_words} == dict.fromkeys(
            legacy_words, value
        )
