"""Step-wise privateshared master (rules of clembench v1.6's privateshared, our own wording).

One LLM player, the answerer, knows some private facts (slots). A programmatic questioner asks
for them one by one, in the instance's order; before the first request and after each answer
the game master probes, slot by slot, whether the answerer thinks the questioner already knows
that slot. A slot answer must be one "ANSWER:" line, or the episode aborts; a probe answer must
be one "ASIDE:" line saying yes or no, asked up to MAX_TRIES times before the episode aborts.
The game master's logic is the questioner's: it is not a player and makes no requests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from clemgrid.backends.base import Message
from clemgrid.games.base import Instance, Move, Outcome
from clemgrid.games.dialogue import DialogueMaster, prompt_loader
from clemgrid.games.privateshared.demonstrations import chosen
from clemgrid.games.privateshared.parse import (
    ASIDE_TAG,
    mentions,
    parse_probe_answer,
    parse_slot_answer,
)

ANSWERER, ROLE = "player_1", "answerer"
INVALID_LABEL = 2  # a probe's value when it got no valid answer (clembench's label)
SLOT_FORMAT_ERROR = "invalid format: the answer must be one line starting with 'ANSWER:'"


_prompt = prompt_loader(__package__)


RETRIES: tuple[str, ...] = tuple(_prompt("retries").split("\n"))
"""Phrases put before a probe's question when it is asked again (clembench has four too)."""
MAX_TRIES = 1 + len(RETRIES)
PROBE_FORMAT_ERROR = f"invalid format: no yes or no 'ASIDE:' answer to a probe in {MAX_TRIES} tries"


def _table(slots: dict[str, str]) -> str:
    return "\n".join(f"{slot.upper()}: {value}" for slot, value in slots.items())


def probe_prompt(question: str, tries: int) -> str:
    retry = f"{RETRIES[tries - 2]} " if tries > 1 else ""
    return _prompt("probe").format(retry=retry, question=question)


def answerer_examples(k: int) -> str:
    """Conversations with other facts: requests, replies and probes with their right asides."""
    blocks = []
    for i, demo in enumerate(chosen(k), start=1):
        lines = [
            f"Example {i}. {demo.situation}",
            _table(demo.slots),
            f"The {demo.partner} knows none of this yet. Messages from the {demo.partner} start"
            f' with "{demo.tag}:".',
        ]
        asked: set[str] = set()
        for kind, slot in demo.script:
            if kind == "request":
                asked.add(slot)
                lines += [f"{demo.tag}: {demo.requests[slot]}", demo.answers[slot]]
                continue
            told = slot in asked or any(
                mentions(demo.answers[other], demo.slots[slot]) for other in asked
            )
            lines += [probe_prompt(demo.probes[slot], 1), f"{ASIDE_TAG} {'yes' if told else 'no'}"]
        blocks.append("\n".join(lines))
    if not blocks:
        return ""
    return "\n\n".join(
        [
            "Here are examples of such conversations, with other facts than yours.",
            *blocks,
            "In our conversation, use only your own facts, given at the beginning.",
        ]
    )


def answerer_prompt(
    experiment: str, tag: str, slots: dict[str, str], demonstrations: int = 0
) -> str:
    """Examples go at the end, after the instance's facts and the rules: the facts stay the
    first table of the prompt."""
    scenario = _prompt(experiment).format(slots=_table(slots), tag=tag)
    prompt = _prompt("answerer").format(scenario=scenario)
    examples = answerer_examples(demonstrations)
    return f"{prompt}\n\n{examples}" if examples else prompt


def max_requests(payload: dict[str, Any]) -> int:
    """Every request answered, every probe asked MAX_TRIES times: an upper bound."""
    slots = len(payload["request_order"])
    return slots + MAX_TRIES * slots * (slots + 1)


@dataclass
class Probe:
    slot: str
    gt: int  # 1 once the questioner has been told the slot (asked for it, or anticipated)
    value: int = INVALID_LABEL  # the answer: 1 yes, 0 no


@dataclass
class Record:
    """What clembench logs for its scorer; lists of counts are indexed by probing round
    (= turn: a slot request is counted in the round that follows it)."""

    slot_count: int
    rounds: list[list[Probe]] = field(default_factory=list)  # begun; the last may have failed
    filled: list[bool] = field(default_factory=list)  # per answered slot request
    played_rounds: int = 0  # rounds whose probes were all answered
    requests: list[int] = field(init=False)
    parsed: list[int] = field(init=False)
    violated: list[int] = field(init=False)

    def __post_init__(self) -> None:
        self.requests, self.parsed, self.violated = ([0] * (self.slot_count + 1) for _ in range(3))


class PrivateSharedMaster(DialogueMaster):
    """The answerer's chat is the dialogue with the questioner (after the prompt and a fixed
    "Ok." from the answerer, as in clembench); each probe is asked on a copy of it plus the
    probe, so probes never enter the dialogue. The requests go out without clembench's
    "answer only this question" coda: its game master only logged that text."""

    roles = {ANSWERER: ROLE}

    def __init__(self, instance: Instance, demonstrations: int = 0) -> None:
        super().__init__(instance, demonstrations)
        payload = instance.payload
        self.slots: dict[str, str] = payload["slots"]
        self.order: list[str] = payload["request_order"]
        self.tag: str = payload["tag"]
        self.requests: dict[str, str] = payload["requests"]
        self.probes: list[list[dict[str, str]]] = payload["probes"]
        prompt = answerer_prompt(instance.experiment, self.tag, self.slots, demonstrations)
        self.tell(ANSWERER, prompt)
        self.history.append({"role": "assistant", "content": "Ok."})
        self.told = {slot: turn for turn, slot in enumerate(self.order)}  # clembench's probe_gt
        self.record = Record(len(self.order))
        self.turn = 0  # the probing round under way, or the one that follows the request asked
        self.abort_reason: str | None = None
        self._asking_slot = False
        self._probe = 0  # index of the probe asked in the current round
        self._tries = 1
        self._start_probing()

    @property
    def history(self) -> list[Message]:
        """The dialogue with the questioner."""
        return self.histories[ANSWERER]

    def messages(self, player: str) -> list[Message]:
        messages = super().messages(player)
        if not self._asking_slot:
            question = self.probes[self.turn][self._probe]["question"]
            messages.append({"role": "user", "content": probe_prompt(question, self._tries)})
        return messages

    def respond(self, player: str, response: str) -> Move:
        self.record.requests[self.turn] += 1
        if self._asking_slot:
            return self._receive_slot_answer(response)
        self.history.pop()  # a probe's answer stays out of the dialogue, as its question does
        return self._receive_probe_answer(response)

    def end(self, outcome: Outcome, abort_reason: str | None = None) -> None:
        super().end(outcome)
        self.abort_reason = abort_reason

    def _start_probing(self) -> None:
        self.record.rounds.append(
            [
                Probe(item["slot"], int(self.turn > self.told[item["slot"]]))
                for item in self.probes[self.turn]
            ]
        )
        self._asking_slot, self._probe, self._tries = False, 0, 1

    def _ask_next_slot(self) -> None:
        slot = self.order[self.turn]
        self.turn += 1
        self.tell(ANSWERER, f"{self.tag}: {self.requests[slot]}")
        self._asking_slot = True

    def _receive_probe_answer(self, response: str) -> Move:
        probe = self.record.rounds[-1][self._probe]
        value = parse_probe_answer(response)
        if value is None:
            self.record.violated[self.turn] += 1
            self._tries += 1
            if self._tries > MAX_TRIES:
                self.end("aborted", PROBE_FORMAT_ERROR)
                return Move(False, PROBE_FORMAT_ERROR)
            return Move(False, f"invalid probe answer; asking again (try {self._tries})")
        self.record.parsed[self.turn] += 1
        probe.value = value
        parsed = {"slot": probe.slot, "answer": value, "correct": value == probe.gt}
        self._probe, self._tries = self._probe + 1, 1
        if self._probe < len(self.record.rounds[-1]):
            return Move(True, "probe answered", parsed)
        self.record.played_rounds += 1
        if self.turn < len(self.order):
            self._ask_next_slot()
            return Move(True, "probe answered", parsed)
        self.end("success" if self._all_right() else "lost")
        return Move(True, "probe answered; all requests done", parsed)

    def _receive_slot_answer(self, response: str) -> Move:
        asked = self.turn - 1  # index of the request in the order
        slot = self.order[asked]
        answer = parse_slot_answer(response)
        if answer is None:
            self.record.violated[self.turn] += 1
            self.end("aborted", SLOT_FORMAT_ERROR)
            return Move(False, SLOT_FORMAT_ERROR)
        self.record.parsed[self.turn] += 1
        filled = mentions(response, self.slots[slot])
        self.record.filled.append(filled)
        for other, value in self.slots.items():
            if mentions(response, value) and asked < self.told[other]:
                self.told[other] = asked  # told before it was asked for
        self._start_probing()
        reason = "slot filled" if filled else "slot not filled"
        return Move(True, reason, {"slot": slot, "answer": answer, "filled": filled})

    def _all_right(self) -> bool:
        """clembench's success: every probe answered right and every slot filled."""
        probes = [probe for round_ in self.record.rounds for probe in round_]
        return all(probe.value == probe.gt for probe in probes) and all(self.record.filled)
