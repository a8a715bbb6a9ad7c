"""Strict and lenient readings of a dilemma answer; nothing here raises on any string.

Strict (decides %played): the whole answer is one choice, optionally tagged and punctuated:
`C`, `d`, `Answer: C`, `**D**`, `C.`; for the public-goods game one whole number 0-10 in the
same wrappers (`Answer: $7` too). Anything else, reasoning included, is a format violation.

Lenient (the original analysis, kept for comparison with the paper): the first capital `C` or
`D` anywhere in the text. It is biased toward C, since any word starting with a capital C
("Considering ...", "Cooperation ...") counts as a choice. For the public-goods game our
analogue is the first whole number 0-10 in the text.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_WRAP = r"^\s*(?:answer\s*:\s*)?[*_`\"']*\s*{body}\s*[*_`\"']*\s*\.?\s*$"
_STRICT_CHOICE = re.compile(_WRAP.format(body=r"(?P<value>[CD])"), re.IGNORECASE)
_STRICT_AMOUNT = re.compile(_WRAP.format(body=r"\$?\s*(?P<value>\d{1,2})"), re.IGNORECASE)
_LENIENT_CHOICE = re.compile(r"[CD]")
_NUMBER = re.compile(r"(?<![\d.])\d+(?!\.?\d)")  # whole numbers, not decimals
MAX_AMOUNT = 10
MAX_STRICT_LENGTH = 40
"""A strict answer is a letter or number in a short wrapper; longer text is never one (and the
wrapper pattern is not run over megabytes of whitespace, where it would backtrack)."""


class Reading(NamedTuple):
    strict: str | int | None  # the choice ("C"/"D") or amount; None = format violation
    lenient: str | int | None  # what the original rule would read; None = nothing found


def _strict(pattern: re.Pattern[str], response: str) -> re.Match[str] | None:
    text = response.strip()
    return pattern.match(text) if len(text) <= MAX_STRICT_LENGTH else None


def read_choice(response: str) -> Reading:
    match = _strict(_STRICT_CHOICE, response)
    strict = match.group("value").upper() if match else None
    lenient = _LENIENT_CHOICE.search(response)
    return Reading(strict, lenient.group() if lenient else None)


def _amount(text: str) -> int | None:
    value = int(text)
    return value if value <= MAX_AMOUNT else None


def read_amount(response: str) -> Reading:
    match = _strict(_STRICT_AMOUNT, response)
    strict = _amount(match.group("value")) if match else None
    lenient = None
    for number in _NUMBER.finditer(response):
        if len(number.group()) <= 3 and (lenient := _amount(number.group())) is not None:
            break
    return Reading(strict, lenient)


def read(response: str, public_goods: bool) -> Reading:
    return read_amount(response) if public_goods else read_choice(response)
