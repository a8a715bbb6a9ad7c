"""The agreement report on transcripts built by hand and played by scripted players (fast)."""

from __future__ import annotations

import pandas as pd
import pytest
from agreement_support import config, play, scores, turn

from clemgrid.analysis import agreement
from clemgrid.analysis.agreement import ConfigKey, Pair

PAIR = Pair(ConfigKey("m", "x", "q"), ConfigKey("m", "y", "q"))


def compare(turns_a, turns_b, scores_a, scores_b, **kwargs) -> agreement.PairReport:
    return agreement.compare(
        PAIR, pd.DataFrame(turns_a), pd.DataFrame(turns_b), scores_a, scores_b, **kwargs
    )


def test_identical_transcripts_agree_completely() -> None:
    turns = [turn(0, "CLUE: a fruit", prompt="<s>p0"), turn(1, "GUESS: apple", prompt="<s>p1")]
    s = scores([("0", 1, 100.0)])
    report = compare(turns, turns, s, s)
    assert report.summary["aligned_turns"] == 2
    assert report.summary["identical_share"] == 100.0
    assert report.summary["differing_turns"] == 0
    assert (
        report.summary["first_prompts_identical"] == report.summary["first_prompts_compared"] == 1
    )
    assert report.turns["first_diff_token"].isna().all()
    assert report.episodes["status"].tolist() == ["complete"]
    game = report.games.iloc[0]
    assert (game["pct_played_delta"], game["quality_delta"]) == (0.0, 0.0)
    assert (game["permutation_p"], game["mcnemar_p"]) == (1.0, 1.0)
    details = agreement.differences_markdown(report)
    assert "None: every aligned response is identical." in details
    assert "GUESS" not in details  # no response is listed


def test_differing_responses_are_located_and_listed() -> None:
    a = [turn(0, "CLUE: a red fruit"), turn(1, "GUESS: apple"), turn(2, "CLUE: sweet")]
    # Same first answer up to "red"; the second request got other messages (the game
    # forwarded another clue): the conversation diverged and step 2 is not compared.
    b = [
        turn(0, "CLUE: a green fruit"),
        turn(1, "GUESS: pear", messages="other"),
        turn(2, "CLUE: sweet"),
    ]
    report = compare(a, b, scores([("0", 1, 100.0)]), scores([("0", 0, None)]))
    s = report.summary
    assert (s["aligned_turns"], s["identical_turns"], s["identical_share"]) == (1, 0, 0.0)
    row = report.turns.iloc[0]
    assert (row["first_diff_char"], row["first_diff_token"]) == (len("CLUE: a "), 2)
    assert s["token_unit"] == agreement.WHITESPACE_UNIT
    episode = report.episodes.iloc[0]
    assert (episode["status"], episode["diverged_at"], episode["aligned"]) == ("diverged", 1, 1)
    game = report.games.iloc[0]
    assert (game["pct_played_a"], game["pct_played_b"], game["pct_played_delta"]) == (
        100.0,
        0.0,
        100.0,
    )
    assert (game["played_a_only"], game["played_b_only"]) == (1, 0)
    details = agreement.differences_markdown(report)
    assert "CLUE: a red fruit" in details and "CLUE: a green fruit" in details
    assert "| 2 / 8 |" in details  # first difference: token 2, character 8


def test_a_tokenizer_counts_tokens() -> None:
    a, b = [turn(0, "abcdef")], [turn(0, "abcxef")]
    s = scores([("0", 1, 50.0)])
    report = compare(a, b, s, s, tokenize=list, token_unit="characters")
    assert report.turns.iloc[0]["first_diff_token"] == 3
    assert report.summary["token_unit"] == "characters"


def test_rendered_prompt_differences_are_shown_with_context() -> None:
    a = [turn(0, "same", prompt="<|im_start|>system\nYou are helpful<|im_end|>")]
    b = [turn(0, "same", prompt="<|im_start|>user\nYou are helpful<|im_end|>")]
    server = [turn(0, "same", prompt=None)]
    s = scores([("0", 1, 50.0)])
    report = compare(a, b, s, s)
    episode = report.episodes.iloc[0]
    assert episode["first_prompt"] == "different"
    assert episode["first_prompt_diff_char"] == len("<|im_start|>")
    assert episode["first_prompt_context_a"].startswith("<|im_start|>system\\n")
    assert report.summary["identical_share"] == 100.0  # same answers, other prompts
    assert report.summary["prompt_turns_compared"] == 1
    assert report.summary["prompt_turns_identical"] == 0
    assert "user\\nYou are helpful" in agreement.differences_markdown(report)
    assert compare(a, server, s, s).episodes.iloc[0]["first_prompt"] == "not recorded"


def test_episodes_of_one_config_only_and_shorter_ones() -> None:
    a = [turn(0, "x"), turn(1, "y"), turn(0, "z", instance_id="1")]
    b = [turn(0, "x")]
    s = scores([("0", 1, 50.0), ("1", 1, 50.0)])
    report = compare(a, b, s, scores([("0", 1, 50.0)]))
    assert report.episodes.set_index("instance_id")["status"].to_dict() == {
        "0": "shorter",
        "1": "only A",
    }
    assert report.summary["aligned_turns"] == 1


def test_default_pairs_share_model_and_quant_across_backends() -> None:
    keys = [
        ConfigKey("m", "llama_cpp", "Q4_1"),
        ConfigKey("m", "transformers", "Q4_1"),
        ConfigKey("m", "llama_cpp", "Q8_0"),
        ConfigKey("m", "llama_cpp_server", "Q4_1"),
        ConfigKey("s", "scripted", "none"),
        ConfigKey("s", "other", "none"),
    ]
    models = {"m": {"facts": {}}, "s": {"facts": {"synthetic": True}}}
    pairs = agreement.pairs_of({"agreement": None}, keys, models)
    assert [(p.a.backend, p.b.backend) for p in pairs] == [
        ("llama_cpp", "transformers"),
        ("llama_cpp", "llama_cpp_server"),
        ("transformers", "llama_cpp_server"),
    ]
    declared = [{"a": keys[0].__dict__, "b": keys[2].__dict__}]
    assert agreement.pairs_of({"agreement": declared}, keys, models) == [Pair(keys[0], keys[2])]
    assert agreement.pairs_of({"agreement": []}, keys, models) == []


def test_summary_tables_render(tmp_path) -> None:
    a, b = [turn(0, "CLUE: red | fruit")], [turn(0, "CLUE: green")]
    s = scores([("0", 1, 50.0)])
    report = compare(a, b, s, s)
    summary = pd.DataFrame([report.summary])
    markdown = agreement.summary_markdown(summary, report.games)
    assert PAIR.label in markdown and "| taboo |" in markdown
    tex = agreement.latex_table(summary)
    assert "x/q" in tex and "y/q" in tex and "0.0" in tex
    assert "No pairs" in agreement.summary_markdown(summary.iloc[:0], report.games.iloc[:0])
    assert "none in this run" in agreement.latex_table(summary.iloc[:0])


@pytest.fixture(scope="module")
def scripted_runs(tmp_path_factory):
    """Two scripted players on the first taboo instance of each experiment (real schema)."""
    workdir = tmp_path_factory.mktemp("scripted")
    return {
        model: play(workdir, config(model, "scripted", "none"))
        for model in ("scripted-perfect", "scripted-never-right")
    }


def test_same_transcripts_under_two_config_names_agree_completely(scripted_runs) -> None:
    turns, episode_scores = scripted_runs["scripted-perfect"]
    pair = Pair(ConfigKey("scripted-perfect", "scripted", "none"), ConfigKey("copy", "b", "none"))
    report = agreement.compare(pair, turns, turns, episode_scores, episode_scores)
    assert report.summary["aligned_turns"] == len(turns) > 0
    assert report.summary["identical_share"] == 100.0
    assert report.summary["episodes_complete"] == report.summary["episodes"] == 3
    assert report.summary["first_prompts_compared"] == 0  # the scripted backend renders none
    assert "None: every aligned response is identical." in agreement.differences_markdown(report)


def test_two_players_disagree_and_diverge(scripted_runs) -> None:
    (turns_a, scores_a), (turns_b, scores_b) = scripted_runs.values()
    pair = Pair(
        ConfigKey("scripted-perfect", "scripted", "none"),
        ConfigKey("scripted-never-right", "scripted", "none"),
    )
    report = agreement.compare(pair, turns_a, turns_b, scores_a, scores_b)
    assert report.summary["identical_share"] < 100.0
    assert report.summary["differing_turns"] > 0
    assert set(report.episodes["status"]) <= {"diverged", "shorter", "complete"}
    details = agreement.differences_markdown(report)
    differing = report.turns[~report.turns["identical"]]
    assert len(differing) == report.summary["differing_turns"]
    for response in differing["response_a"]:
        assert agreement.truncate(response)[:40].replace("|", "\\|") in details
    assert report.games.iloc[0]["quality_delta"] == 100.0
