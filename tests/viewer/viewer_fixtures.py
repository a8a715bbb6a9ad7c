"""A tiny results directory for the viewer tests, written with the pipeline's own schemas.

Two configs (a backend comparison) play the same two taboo instances. One episode is won, one
lost on an invalid (taboo) clue, one won at the second try with markup in a clue the game master
passes on, and one aborted on a hostile response.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pandas as pd
from PIL import Image

from clemgrid import records
from clemgrid.scoring import game_scores

A = ("tinyllm", "llama_cpp", "Q4_1")
B = ("tinyllm", "transformers", "Q4_1")
HOSTILE = "<script>alert(1)</script><img src=x onerror=alert(2)>"
MARKUP_CLUE = 'CLUE: <b>not bold</b> & "quoted"'
ABORT_REASON = "invalid format: the clue must start with 'CLUE:'"
RULES = "Rules:\n" + "".join(
    f"- rule number {i} of the game, stated at some length.\n" for i in range(8)
)
DESCRIBER = f"Let's play taboo. You are the describer.\n\n{RULES}\nSecret word: boy"
GUESSER = f"Let's play taboo. You are the guesser.\n\n{RULES}\nThe first clue:"
PUBLISHED = {"model": "tinyllm", "backend": "api", "quant": "fp16", "source": "clembench-v1.6"}

# Per episode: (player, role, turn, what the game master says, response, valid, reason, move).
Step = tuple[str, str, int, str, str, bool, str, dict[str, Any] | None]
D, G = ("player_1", "describer"), ("player_2", "guesser")
EPISODES: dict[tuple[tuple[str, str, str], str], tuple[list[Step], dict[str, Any]]] = {
    (A, "0"): (
        [
            (*D, 0, DESCRIBER, "CLUE: a young male", True, "ok", {"clue": "a young male"}),
            (
                *G,
                0,
                f"{GUESSER}\n\nCLUE: a young male",
                "GUESS: boy",
                True,
                "correct guess",
                {"guess": "boy"},
            ),
        ],
        {"outcome": "success", "played": 1, "quality": 100.0},
    ),
    (A, "1"): (
        [
            (
                *D,
                0,
                DESCRIBER,
                "CLUE: a kid",
                False,
                "taboo word: kid",
                {"clue": "a kid", "word": "kid"},
            )
        ],
        {"outcome": "lost", "played": 1, "quality": 0.0},
    ),
    (B, "0"): (
        [
            (*D, 0, DESCRIBER, "CLUE: ?", True, "ok", {"clue": ""}),
            (*G, 0, f"{GUESSER}\n\nCLUE: ?", "GUESS: girl", True, "wrong guess", {"guess": "girl"}),
            (*D, 1, "GUESS: girl", MARKUP_CLUE, True, "ok", {"clue": "not bold"}),
            (*G, 1, MARKUP_CLUE, "GUESS: boy", True, "correct guess", {"guess": "boy"}),
        ],
        {"outcome": "success", "played": 1, "quality": 50.0},
    ),
    (B, "1"): (
        [(*D, 0, DESCRIBER, HOSTILE, False, ABORT_REASON, None)],
        {"outcome": "aborted", "played": 0, "quality": None, "abort_reason": ABORT_REASON},
    ),
}


def _rows(config: tuple[str, str, str], instance_id: str, episode_id: int) -> tuple[list, dict]:
    steps, score = EPISODES[(config, instance_id)]
    keys = {
        **dict(zip(("model", "backend", "quant"), config, strict=True)),
        "game": "taboo",
        "experiment": "high_en",
        "instance_id": instance_id,
        "episode_id": episode_id,
    }
    histories: dict[str, list[dict[str, str]]] = {}
    turns = []
    for step, (player, role, turn, told, response, valid, reason, move) in enumerate(steps):
        history = histories.setdefault(player, [])
        history.append({"role": "user", "content": told})
        rendered = "".join(f"<|{m['role']}|>{m['content']}\n" for m in history)
        turns.append(
            {
                **keys,
                "step": step,
                "turn": turn,
                "player": player,
                "role": role,
                "messages": json.dumps(history),
                "rendered_prompt": rendered if config == A else None,  # B is served: no prompt
                "response": response,
                "move": None if move is None else json.dumps(move),
                "valid": valid,
                "reason": reason,
                "stop_reason": "end_of_turn",
                "prompt_tokens": 40 + step,
                "completion_tokens": 5,
            }
        )
        history.append({"role": "assistant", "content": response})
    metrics = {"Request Count": len(steps), "Main Score": score["quality"]}
    episode = {**keys, "abort_reason": None, **score, "n_requests": len(steps)}
    return turns, {**episode, "metrics": json.dumps(metrics)}


def build_results(root: Path) -> Path:
    """Write transcripts, scores, the matrix (plus a published row) and a figure; return results/."""
    results = root / "results"
    scores = []
    for config in (A, B):
        turns, episodes = [], []
        for episode_id, instance_id in enumerate(("0", "1")):
            rows, score = _rows(config, instance_id, episode_id)
            turns += rows
            episodes.append(score)
        job = Path(*config, "taboo.parquet")
        records.write_table(turns, records.TURN_SCHEMA, results / "transcripts" / job)
        records.write_table(episodes, records.SCORE_SCHEMA, results / "scores" / job)
        scores += episodes
    matrix = records.frame_rows(game_scores(pd.DataFrame(scores)))
    published = {**PUBLISHED, "game": "taboo", "n_episodes": 60, "pct_played": 90.0}
    matrix.append({**published, "quality": 20.0, "quality_std": None})
    records.write_table(matrix, records.MATRIX_SCHEMA, results / "scores" / "matrix.parquet")
    figures = results / "analysis" / "figures"
    figures.mkdir(parents=True)
    Image.new("RGB", (120, 60), (40, 110, 200)).save(figures / "clemscore_by_size.png")
    return results


class Page(HTMLParser):
    """A page's elements (tag, attributes) and its text, as a browser's parser sees them."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.chunks: list[str] = []
        self.feed(html)
        self.close()
        self.text = "".join(self.chunks)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    def links(self) -> list[str]:
        return [a[k] for _, a in self.elements for k in ("href", "src") if a.get(k) is not None]
