"""The scorer with a critic: clembench's critic metrics, quirks included, on hand-made transcripts."""

import math

from clemgrid.games.base import Instance
from clemgrid.games.wordle_withcritic import GAME

SHARE = Instance(
    "wordle_withcritic",
    "high_frequency_words_clue_with_critic",
    "2",
    {"target_word": "share", "clue": "lion's amount?", "difficulty": "high_frequency"},
)
CRITIC_METRICS = (
    "Repetition-Guesser-On-Critic-Agreement",
    "Non-Repetition-Guesser-On-Critic-Agreement",
    "Repetition-Guesser-On-Critic-Disagreement",
    "Non-Repetition-Guesser-On-Critic-Disagreement",
)


def rows(*answers: str) -> list[dict]:
    """Answers in play order; those starting with "agreement" or "C:" are the critic's."""
    out = []
    for step, answer in enumerate(answers):
        critic = answer.startswith(("agreement", "C:"))
        out.append(
            {
                "turn": 0,
                "step": step,
                "player": "player_2" if critic else "player_1",
                "role": "critic" if critic else "guesser",
                "response": answer.removeprefix("C:"),
            }
        )
    return out


def g(word: str) -> str:
    return f"guess:{word}\nexplanation:hand-made"


def score(*answers: str):
    return GAME.score(SHARE, rows(*answers))


def test_clembench_runs_episode_is_reproduced() -> None:
    """v1.6/Meta-Llama-3-70B-Instruct-hf-t0.0--Meta-Llama-3-70B-Instruct-hf-t0.0/
    wordle_withcritic/0_high_frequency_words_clue_with_critic/episode_1: same guesses, opinions
    and errors give the logged scores.json."""
    yes, no = "agreement:yes", "agreement:no"
    result = score(
        *(g("pride"), yes, g("pride")),
        *(g("prime"), no, g("crepe")),
        *(g("creme"), no, g("mane"), g("manes")),
        *(g("manes"), no, g("pride")),
        *(g("prise"), no, g("mares")),
        *(g("mares"), no, g("mares → scare"), g("mares → share"), g("mares → cares")),
    )
    assert result.outcome == "aborted"
    assert result.abort_reason == "INVALID_WORD (the guess is not letters only), no retries left"
    expected = {
        "Aborted": 1,
        "Lose": 0,
        "Success": 0,
        "Request Count": 21,
        "Parsed Request Count": 17,
        "Violated Request Count": 4,
        "Request Success Ratio": 0.81,
        "Repetition-Guesser-On-Critic-Agreement": 1.0,
        "Non-Repetition-Guesser-On-Critic-Agreement": 0.0,
        "Repetition-Guesser-On-Critic-Disagreement": 0.0,
        "Non-Repetition-Guesser-On-Critic-Disagreement": 1.0,
    }
    assert {k: result.metrics[k] for k in expected} == expected
    for name in ("Main Score", "repeats guess", "total guess repetitions"):
        assert math.isnan(result.metrics[name])
    turns = {
        "Request Count": [3, 3, 4, 3, 3],
        "Parsed Request Count": [3, 3, 3, 3, 3],
        "Violated Request Count": [0, 0, 1, 0, 0],
        "closeness score": [8, 8, 9, 8, 12],
        "strategy score": [0, 10, 0, 10, 30],
        "change_of_opinion": [0, 1, 1, 1, 1],
    }
    for name, values in turns.items():
        assert [result.metrics[f"{name} turn {k}"] for k in range(1, 6)] == values
    assert "closeness score turn 6" not in result.metrics


def test_speed_and_shares() -> None:
    result = score(
        g("pride"), "agreement: Yes", g("crane"), g("share"), "agreement: no", g("share")
    )
    assert (result.outcome, result.quality) == ("success", 50.0)
    # clembench counts only a lowercase "yes" as agreement: "Yes" lands among the disagreements
    assert [result.metrics[name] for name in CRITIC_METRICS] == [0, 0, 0.5, 0.5]
    assert result.metrics["Request Count turn 1"] == 3


def test_critic_format_errors_abort_after_two_retries() -> None:
    result = score(g("pride"), "agreement: perhaps", "C:I agree", "C:yes")
    assert result.outcome == "aborted"
    assert result.abort_reason.startswith("critic INVALID_FORMAT")
    assert (result.metrics["Request Count"], result.metrics["Parsed Request Count"]) == (4, 1)
    assert all(math.isnan(result.metrics[name]) for name in CRITIC_METRICS)
    assert math.isnan(result.metrics["change_of_opinion turn 1"])
    recovered = score(g("share"), "C:hm", "C:well", "agreement: YES", g("share"))
    assert (recovered.outcome, recovered.quality) == ("success", 100.0)


def test_six_attempts_with_critic_lose() -> None:
    attempt = (g("crane"), "agreement: no", g("slate"))
    result = score(*attempt * 6)
    assert (result.outcome, result.quality) == ("lost", 0.0)
    assert result.metrics["Request Count"] == 18
    assert result.metrics["total guess repetitions"] == 5
    assert result.metrics["Non-Repetition-Guesser-On-Critic-Disagreement"] == 1
