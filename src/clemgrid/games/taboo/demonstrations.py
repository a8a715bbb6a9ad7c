"""Worked examples for the few-shot variants (`taboo+<k>shot`), written by us.

Their words are checked (tests/test_taboo_demonstrations.py) never to be a target or related
word of the evaluation instances, so a demonstration cannot give an answer away.
"""

from __future__ import annotations

from typing import Any

DEMONSTRATIONS: tuple[dict[str, Any], ...] = (
    {
        "target_word": "kettle",
        "related_words": ["tea", "boil", "whistle"],
        "clue": "CLUE: A metal pot with a spout in which you heat water on the stove.",
    },
    {
        "target_word": "lighthouse",
        "related_words": ["tower", "ship", "coast"],
        "clue": "CLUE: A tall building by the sea whose lamp warns sailors at night.",
    },
    {
        "target_word": "umbrella",
        "related_words": ["rain", "wet", "open"],
        "clue": "CLUE: You hold it above your head when drops fall from the sky.",
    },
)
MAX_DEMONSTRATIONS = len(DEMONSTRATIONS)


def describer_examples(k: int) -> str:
    blocks = [
        f"Example {i + 1}: secret word {d['target_word']}, taboo words {', '.join(d['related_words'])}.\n"
        f"A good answer:\n{d['clue']}"
        for i, d in enumerate(DEMONSTRATIONS[:k])
    ]
    return "\n\n".join(blocks)


def guesser_examples(k: int) -> str:
    blocks = [
        f"Example {i + 1}: your partner writes\n{d['clue']}\nA good answer:\nGUESS: {d['target_word']}"
        for i, d in enumerate(DEMONSTRATIONS[:k])
    ]
    return "\n\n".join(blocks)
