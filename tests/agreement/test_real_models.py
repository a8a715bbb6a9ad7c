"""The embedded SmolLM2 for real: llama.cpp and transformers on the same GGUF disagree on a short
taboo run, and a wrong end-of-turn override changes how turns stop on both backends."""

from __future__ import annotations

import pytest
from agreement_support import MODEL, WRONG_EOT, config, play

from clemgrid.analysis import agreement, turn_taking
from clemgrid.analysis.agreement import ConfigKey, Pair
from clemgrid.backends.base import GenerationParams

pytestmark = pytest.mark.slow

# Answered within a few tokens with <|im_end|> by the correctly configured model.
CHATS = [
    [
        {"role": "user", "content": "Say hello."},
        {"role": "assistant", "content": "Hello!"},
        {"role": "user", "content": "Now say goodbye."},
    ],
    [
        {"role": "system", "content": "You are a terse assistant."},
        {"role": "user", "content": "Name three colors."},
    ],
]
PARAMS = GenerationParams(temperature=0.0, max_tokens=32, seed=0)


def load(model: str, backend: str):
    cfg = config(model, backend)
    if backend == "llama_cpp":
        from clemgrid.backends.llama_cpp import LlamaCppBackend

        return LlamaCppBackend(cfg)
    from clemgrid.backends.transformers import TransformersBackend

    return TransformersBackend(cfg)


@pytest.mark.parametrize("backend", ["llama_cpp", "transformers"])
def test_a_wrong_end_of_turn_runs_past_the_turn(backend) -> None:
    with load(MODEL, backend) as right_backend:
        right = right_backend.generate(CHATS, PARAMS)
    with load(WRONG_EOT, backend) as wrong_backend:
        wrong = wrong_backend.generate(CHATS, PARAMS)
    assert [r.stop_reason for r in right] == ["end_of_turn"] * len(CHATS)
    for r, w in zip(right, wrong, strict=True):
        assert "<|im_end|>" not in r.text
        assert w.stop_reason != "end_of_turn" or w.completion_tokens > r.completion_tokens
        # The same greedy answer, then the end-of-turn token as text and more turns.
        assert w.text.startswith(r.text + "<|im_end|>")
        assert w.completion_tokens > r.completion_tokens
        assert w.rendered_prompt == r.rendered_prompt
    assert "length" in {w.stop_reason for w in wrong}


@pytest.fixture(scope="module")
def taboo(tmp_path_factory):
    """SmolLM2 on the first taboo instance of each experiment: llama.cpp and transformers on the
    same GGUF."""
    workdir = tmp_path_factory.mktemp("taboo")
    return {
        backend: play(workdir, config(MODEL, backend), max_tokens=24)
        for backend in ("llama_cpp", "transformers")
    }


@pytest.fixture(scope="module")
def referencegame(tmp_path_factory):
    """The right and the wrong end-of-turn entry on llama.cpp, on the first referencegame
    instance of three experiments (one short answer each: SmolLM2 mostly ends its turn itself)."""
    workdir = tmp_path_factory.mktemp("referencegame")
    return {
        model: play(
            workdir, config(model, "llama_cpp"), "referencegame", max_tokens=32, experiments=3
        )
        for model in (MODEL, WRONG_EOT)
    }


def test_same_transcripts_agree_completely(taboo) -> None:
    turns, scores = taboo["llama_cpp"]
    pair = Pair(ConfigKey(MODEL, "llama_cpp", "Q4_1"), ConfigKey(MODEL, "copy", "Q4_1"))
    report = agreement.compare(pair, turns, turns, scores, scores)
    assert report.summary["identical_share"] == 100.0
    assert report.summary["differing_turns"] == 0
    assert report.summary["first_prompts_identical"] == report.summary["episodes"] == 3
    assert "None: every aligned response is identical." in agreement.differences_markdown(report)


def test_llama_cpp_and_transformers_disagree(taboo) -> None:
    (turns_a, scores_a), (turns_b, scores_b) = taboo["llama_cpp"], taboo["transformers"]
    pair = Pair(ConfigKey(MODEL, "llama_cpp", "Q4_1"), ConfigKey(MODEL, "transformers", "Q4_1"))
    path = agreement.local_gguf(MODEL, "Q4_1", config(MODEL, "llama_cpp").model_entry)
    assert path is not None and path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    report = agreement.compare(
        pair,
        turns_a,
        turns_b,
        scores_a,
        scores_b,
        tokenize=agreement.gguf_tokenizer(path),
        token_unit=f"tokens of {path.name}",
    )
    s = report.summary
    print(s)  # the measured numbers, for the record (pytest -s)
    # Both backends render the same prompt (chat_template); the dequantized GGUF decodes
    # differently in transformers, so answers differ although the inputs are identical.
    assert s["first_prompts_identical"] == s["first_prompts_compared"] == 3
    assert s["prompt_turns_identical"] == s["prompt_turns_compared"] == s["aligned_turns"]
    assert s["identical_share"] < 100.0
    differing = report.turns[~report.turns["identical"]]
    assert len(differing) == s["differing_turns"] > 0
    assert (differing["first_diff_token"] >= 0).all()
    details = agreement.differences_markdown(report)
    for r in differing.itertuples():
        assert f"| {r.first_diff_token} / {r.first_diff_char} |" in details
    assert len(report.games) == 1 and report.games.iloc[0]["n_pairs"] == 3


def test_wrong_end_of_turn_changes_stop_reasons_in_play(referencegame) -> None:
    models = {m: config(m, "llama_cpp").model_entry for m in (MODEL, WRONG_EOT)}
    keys = [ConfigKey(MODEL, "llama_cpp", "Q4_1"), ConfigKey(WRONG_EOT, "llama_cpp", "Q4_1")]
    [experiment] = turn_taking.experiments(keys, models)
    (turns_r, scores_r), (turns_w, scores_w) = referencegame[MODEL], referencegame[WRONG_EOT]
    summary = turn_taking.compare(experiment, turns_r, turns_w, scores_r, scores_w)
    print(summary.T)  # the measured numbers, for the record (pytest -s)
    total = summary[summary["game"] == turn_taking.ALL_GAMES].iloc[0]
    assert total["stop_end_of_turn_reference"] > total["turns_reference"] / 2
    assert total["stop_end_of_turn_misconfigured"] == 0  # <|endoftext|> never comes
    assert total["stop_length_misconfigured"] == total["turns_misconfigured"]
    assert total["mean_tokens_misconfigured"] > total["mean_tokens_reference"]
    assert total["mean_chars_misconfigured"] > total["mean_chars_reference"]
    # Where the right entry ended its turn, the wrong one wrote <|im_end|> and went on.
    pairs = turns_r.merge(turns_w, on=["experiment", "instance_id", "step"], suffixes=("", "_w"))
    ended = pairs[pairs["stop_reason"] == "end_of_turn"]
    assert len(ended) == total["stop_end_of_turn_reference"]
    for r in ended.itertuples():
        assert r.response_w.startswith(r.response + "<|im_end|>")
