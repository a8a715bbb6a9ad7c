"""The scorer on hand-made transcripts: outcomes, Main Score and clembench's metrics."""

import math

import pytest

from clemgrid.games.base import Instance
from clemgrid.games.referencegame.master import ANSWER_FORMAT_ERROR, EXPRESSION_FORMAT_ERROR
from clemgrid.games.referencegame.scorer import score

SECOND = Instance(
    "referencegame",
    "line_grids_rows",
    "7",
    {
        "target_grid_name": ["second", "2nd", "2"],
        "player_1_response_pattern": "^expression:\\s(?P<content>.+)\n*(?P<remainder>.*)",
        "player_2_response_pattern": (
            "^answer:\\s(?P<content>first|second|third|1|2|3|1st|2nd|3rd)\n*(?P<remainder>.*)"
        ),
    },
)
EXPRESSION = "Expression: the grid with the top row filled"


def rows(*responses: str) -> list[dict]:
    return [
        {"turn": 0, "step": step, "player": f"player_{step + 1}", "role": role, "response": text}
        for step, (role, text) in enumerate(zip(("speaker", "listener"), responses, strict=False))
    ]


def test_right_choice_scores_100() -> None:
    result = score(SECOND, rows(EXPRESSION, "Answer: second"))
    assert (result.outcome, result.quality, result.abort_reason) == ("success", 100.0, None)
    assert result.metrics == {
        "Request Count": 2,
        "Parsed Request Count": 2,
        "Violated Request Count": 0,
        "Request Success Ratio": 1.0,
        "Aborted": 0,
        "Success": 1,
        "Lose": 0,
        "Main Score": 100.0,
        "Aborted at Player 1": 0,
        "Aborted at Player 2": 0,
        "Generated Expression Length": 32,  # len("the grid with the top row filled")
        "Generated Expression Number of Tokens": 7,
    }


def test_wrong_choice_loses_with_0() -> None:
    result = score(SECOND, rows(EXPRESSION, "Answer: third"))
    assert (result.outcome, result.quality) == ("lost", 0.0)
    assert result.metrics["Lose"] == 1 and result.metrics["Main Score"] == 0
    assert result.metrics["Success"] == 0 and result.metrics["Aborted"] == 0


@pytest.mark.parametrize(
    ("answer", "outcome"),
    [
        ("ANSWER: SECOND", "success"),  # case is ignored
        ("answer:\tsecond", "success"),  # any one whitespace after the colon
        ("Answer: 2", "success"),
        ("Answer: 2nd", "success"),  # matches "2", then "nd" is ignored
        ("Answer: second\n\n", "success"),
        ("Answer: Second, because its top row is filled.", "success"),  # scorer is liberal
        ("Answer: second\nIt has the top row filled.", "success"),
        ("Answer: 3rd", "lost"),
        ("Answer: first", "lost"),
    ],
)
def test_listener_answers(answer: str, outcome: str) -> None:
    result = score(SECOND, rows(EXPRESSION, answer))
    assert result.outcome == outcome
    assert result.metrics["Parsed Request Count"] == 2


@pytest.mark.parametrize(
    "answer", ["The answer is second", "Answer:second", " Answer: second", "Answer: fourth", ""]
)
def test_malformed_answer_aborts_at_player_2(answer: str) -> None:
    result = score(SECOND, rows(EXPRESSION, answer))
    assert (result.outcome, result.quality, result.abort_reason) == (
        "aborted",
        None,
        ANSWER_FORMAT_ERROR,
    )
    assert result.played == 0
    assert math.isnan(result.metrics["Main Score"])
    assert result.metrics["Aborted at Player 2"] == 1 and result.metrics["Aborted at Player 1"] == 0
    assert result.metrics["Request Count"] == 2 and result.metrics["Parsed Request Count"] == 1
    assert result.metrics["Request Success Ratio"] == 0.5
    assert result.metrics["Lose"] == 1  # clembench's quirk: Lose = 1 - Success, even aborted


@pytest.mark.parametrize(
    "expression",
    [
        "The grid with the top row filled.",
        "Expression:the top row",  # no whitespace after the colon
        "Expression: the top row\nis filled",  # a second line
        "Expression: the top row\n\nSure, that is my description.",
        "Expression: \nthe top row",  # the whitespace takes the newline, content cannot
        "",
    ],
)
def test_malformed_expression_aborts_at_player_1(expression: str) -> None:
    result = score(SECOND, rows(expression, "Answer: second"))
    assert (result.outcome, result.abort_reason) == ("aborted", EXPRESSION_FORMAT_ERROR)
    metrics = result.metrics
    assert (metrics["Aborted at Player 1"], metrics["Aborted at Player 2"]) == (1, 0)
    assert (metrics["Request Count"], metrics["Parsed Request Count"]) == (1, 0)
    assert metrics["Request Success Ratio"] == 0 and metrics["Lose"] == 1
    assert math.isnan(metrics["Generated Expression Length"])
    assert math.isnan(metrics["Generated Expression Number of Tokens"])


@pytest.mark.parametrize(
    ("expression", "content"),
    [
        ("EXPRESSION: top row", "top row"),
        ("Expression:\ttop row", "top row"),
        ("Expression:\ntop row", "top row"),  # the whitespace after the colon may be a newline
        ("Expression: top row\n\n\n", "top row"),
        ("Expression:  top row ", " top row "),
    ],
)
def test_well_formed_expressions(expression: str, content: str) -> None:
    result = score(SECOND, rows(expression, "Answer: second"))
    assert result.outcome == "success"
    assert result.metrics["Generated Expression Length"] == len(content)
    assert result.metrics["Generated Expression Number of Tokens"] == len(content.split(" "))


def test_incomplete_transcripts_are_aborted() -> None:
    assert score(SECOND, []).abort_reason == "incomplete episode: no expression"
    result = score(SECOND, rows(EXPRESSION))
    assert (result.outcome, result.abort_reason) == ("aborted", "incomplete episode: no answer")
    assert result.metrics["Request Count"] == 1


def test_stored_verdicts_are_ignored() -> None:
    turns = rows("top row", "Answer: second")
    for row in turns:
        row.update(valid=True, reason="correct choice")
    assert score(SECOND, turns).outcome == "aborted"


def test_broken_transcripts_are_rejected() -> None:
    with pytest.raises(ValueError, match="two responses"):
        score(SECOND, rows(EXPRESSION) * 2)
    with pytest.raises(ValueError, match="no role"):
        score(SECOND, [{"turn": 0, "role": "GM", "player": "GM", "response": EXPRESSION}])
    with pytest.raises(ValueError, match="one turn only"):
        score(SECOND, [{"turn": 1, "role": "speaker", "player": "p", "response": EXPRESSION}])
