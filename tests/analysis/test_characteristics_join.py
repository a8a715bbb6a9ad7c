"""Joining model characteristics through the explicit name mapping, with reasons for drops."""

import pandas as pd

from clemgrid.analysis.characteristics import (
    NO_MAPPING,
    NO_PARAMS,
    NOT_IN_CHARACTERISTICS,
    join_characteristics,
    read_characteristics,
)

VENDOR_APIS = {"openai", "anthropic", "google", "mistralai"}


def test_every_published_config_is_joined_or_explained(scores, joined_dropped):
    joined, dropped = joined_dropped
    assert len(joined) + len(dropped) == len(scores) == 55
    assert set(dropped["reason"]) == {NO_PARAMS}
    assert sorted(dropped["model"]) == [
        "claude-3-haiku-20240307",
        "claude-3-sonnet-20240229",
        "gemini-1.0-pro",
        "gemini-1.5-flash-latest",
        "mistral-large-2402",
        "mistral-medium-2312",
    ]
    assert joined["params_b"].notna().all()


def test_mapping_uses_every_characteristics_entry_once(mapping_csv, characteristics_csv):
    mapping = pd.read_csv(mapping_csv)
    entries = read_characteristics(characteristics_csv)["characteristics_name"]
    assert sorted(mapping["characteristics_name"]) == sorted(entries)
    assert mapping["model"].is_unique and mapping["family"].notna().all()


def test_same_weights_share_their_facts(joined):
    llama = joined[joined["model"] == "Meta-Llama-3-70B-Instruct"]
    assert len(llama) == 6  # hf, groq, together, anyscale, GGUF Q8_0, Q4_K_M
    assert set(llama["params_b"]) == {70.0} and set(llama["tokens_t"]) == {15.0}


def test_types_and_open_weights(joined):
    row = joined.set_index("model").loc["tulu-2-dpo-70b"]
    assert row["base_model"] == "llama-2-70b-hf"
    assert row["release_date"] == pd.Timestamp("2024-11-01")  # as published (see mapping note)
    closed = joined.loc[~joined["open_weights"], "backend"]
    assert set(closed) <= VENDOR_APIS
    assert joined.set_index("model").loc["command-r", "open_weights"]


def test_each_drop_reason(tmp_path, characteristics_csv):
    scores = pd.DataFrame(
        {
            "model": ["unmapped", "ghost", "claude-3-haiku-20240307", "yi-34b-chat"],
            "backend": "b",
            "quant": "none",
            "source": "s",
            "clemscore": 1.0,
        }
    )
    mapping = tmp_path / "mapping.csv"
    mapping.write_text(
        "model,characteristics_name,family,note\n"
        "ghost,no-such-entry,x,\n"
        "claude-3-haiku-20240307,claude-3-haiku-20240307,claude-3,\n"
        "yi-34b-chat,yi-34b-chat,yi,\n"
    )
    joined, dropped = join_characteristics(scores, characteristics_csv, mapping)
    assert joined["model"].tolist() == ["yi-34b-chat"]
    assert dict(zip(dropped["model"], dropped["reason"], strict=True)) == {
        "unmapped": NO_MAPPING,
        "ghost": NOT_IN_CHARACTERISTICS,
        "claude-3-haiku-20240307": NO_PARAMS,
    }
