"""Worked examples for the few-shot variants (`privateshared+<k>shot`), written by us.

Each is a conversation in a scenario of our own (none of the five v1.6 experiments): the private
facts, the questioner's requests with the answerer's replies, and probes in between. The aside
answered to a probe is not written here but derived by the game's rule (yes once the slot was
asked for or its value named), so it cannot be wrong. They are checked
(tests/test_privateshared_demonstrations.py) never to use an evaluation tag, slot, slot value or
question, and to be valid moves.
"""

from __future__ import annotations

from typing import Literal, NamedTuple

Event = tuple[Literal["probe", "request"], str]  # (what happens, to which slot)


class Demonstration(NamedTuple):
    situation: str  # the scenario's opening line, before the facts
    partner: str  # the questioner, as named in the text
    tag: str  # how the questioner's messages start
    slots: dict[str, str]  # slot -> private value, in the order shown
    requests: dict[str, str]  # slot -> the questioner's request
    answers: dict[str, str]  # slot -> the answerer's reply to that request
    probes: dict[str, str]  # slot -> the probing question
    script: tuple[Event, ...]


DEMONSTRATIONS: tuple[Demonstration, ...] = (
    Demonstration(
        situation="You are booking a hotel room, and this is what you want:",
        partner="receptionist",
        tag="RECEPTIONIST",
        slots={
            "room": "A double room with a balcony",
            "nights": "Four nights",
            "breakfast": "Vegan breakfast",
        },
        requests={
            "room": "Which kind of room would you like?",
            "nights": "How long will you stay with us?",
            "breakfast": "Would you like breakfast?",
        },
        answers={
            "room": "ANSWER: A double room with a balcony, please.",
            "nights": "ANSWER: Four nights.",
            "breakfast": "ANSWER: Yes, a vegan breakfast.",
        },
        probes={
            "room": "Does the receptionist know which room you want?",
            "nights": "Does the receptionist know how long you will stay?",
            "breakfast": "Is the receptionist aware of your wish for breakfast?",
        },
        script=(
            ("probe", "room"),
            ("request", "nights"),
            ("probe", "nights"),
            ("probe", "room"),
            ("request", "room"),
            ("probe", "room"),
            ("probe", "breakfast"),
            ("request", "breakfast"),
            ("probe", "breakfast"),
            ("probe", "nights"),
        ),
    ),
    Demonstration(
        situation="You are renting a car, and this is what you need:",
        partner="rental clerk",
        tag="CLERK",
        slots={"model": "A small electric car", "days": "Six days", "pickup": "At the harbour"},
        requests={
            "model": "What kind of car are you looking for?",
            "days": "For how many days do you need it?",
            "pickup": "Where would you like to pick it up?",
        },
        answers={
            "model": "ANSWER: A small electric car.",
            "days": "ANSWER: For six days.",
            "pickup": "ANSWER: At the harbour, please.",
        },
        probes={
            "model": "Does the rental clerk know which car you want?",
            "days": "Has the rental clerk been told how long you need the car?",
            "pickup": "Does the rental clerk know where you will pick up the car?",
        },
        script=(
            ("probe", "pickup"),
            ("request", "pickup"),
            ("probe", "pickup"),
            ("probe", "days"),
            ("request", "model"),
            ("probe", "model"),
            ("request", "days"),
            ("probe", "days"),
            ("probe", "pickup"),
        ),
    ),
    Demonstration(
        situation="Each of these shapes has a colour:",
        partner="other player",
        tag="PLAYER",
        slots={"circle": "Turquoise", "square": "Maroon", "star": "Lavender"},
        requests={
            "circle": "What colour is the circle?",
            "square": "What colour is the square?",
            "star": "What colour is the star?",
        },
        answers={
            "circle": "ANSWER: Turquoise",
            "square": "ANSWER: Maroon",
            "star": "ANSWER: Lavender",
        },
        probes={
            "circle": "Does the other player know the colour of the circle?",
            "square": "Does the other player know the colour of the square?",
            "star": "Does the other player know the colour of the star?",
        },
        script=(
            ("probe", "star"),
            ("probe", "square"),
            ("request", "square"),
            ("probe", "square"),
            ("probe", "circle"),
            ("request", "star"),
            ("probe", "star"),
            ("request", "circle"),
            ("probe", "circle"),
            ("probe", "square"),
        ),
    ),
)
MAX_DEMONSTRATIONS = len(DEMONSTRATIONS)


def chosen(k: int) -> tuple[Demonstration, ...]:
    """The first k demonstrations; asking for more than there are is an error, not fewer shots."""
    if not 0 <= k <= MAX_DEMONSTRATIONS:
        raise ValueError(f"privateshared has {MAX_DEMONSTRATIONS} demonstrations, not {k}")
    return DEMONSTRATIONS[:k]
