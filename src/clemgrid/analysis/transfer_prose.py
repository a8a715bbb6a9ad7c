"""Sentences of the paper's transfer section that depend on the data: a verdict worded from
the bootstrap interval (toward, away, not measurably), a test reported as "not testable at
this n" where its smallest attainable p cannot reach alpha (p = 1 would read as evidence of no
difference), and which models' C-rates depend on context or game. Every number in them comes
from the caller, so the section types none by hand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from clemgrid.analysis import latex, settings

SPLIT_LABELS = {
    "in_sample": "in-sample scenarios",
    "oos_context": "out-of-sample contexts",
    "ood_game": "doubled-payoff games",
}


def verdict(low: float | None, high: float | None) -> str:
    """How the student moved, from the bootstrap interval of its mean improvement."""
    if low is None or high is None:
        return "cannot be placed: no resample had a defined improvement"
    if low > 0:
        return "moved toward the teacher's C-rates"
    if high < 0:
        return "moved away from the teacher's C-rates"
    return "did not move measurably toward or away from the teacher's C-rates"


def percent_ci(value: float | None, ci: Sequence[float | None] | None, digits: int = 1) -> str:
    """``12.3\\,\\% [-4.0, 30.1]``, or ``--`` without a value."""
    if value is None:
        return latex.MISSING
    text = f"{latex.number(value, digits)}\\,\\%"
    if ci is None or ci[0] is None or ci[1] is None:
        return text
    return f"{text} {latex.interval(ci[0], ci[1], digits)}"


def test_phrase(z: float | None, p: float | None, min_p: float | None) -> str:
    """A two-proportion z-test as the text reports it, with the smallest attainable p where
    the test cannot reach alpha at its n."""
    if min_p is None or p is None or z is None:
        return "no test (a side without answers)"
    if not min_p < settings.ALPHA:
        return (
            "not testable at this $n$ (smallest attainable "
            f"{latex.p_relation(min_p).strip('$').join('$$')})"
        )
    return f"$z = {latex.number(z, 2).replace('$', '')}$, {latex.p_relation(p)}"


def split_sentence(
    split: str,
    scenarios: int,
    mean: float | None,
    ci: Sequence[float | None] | None,
    moved: str,
    teacher: bool,
) -> str:
    """The verdict sentence of one split; it changes with the data: not played, no teacher
    answers, or the student moved toward / away / not measurably (the interval of the mean)."""
    label = SPLIT_LABELS.get(split, split.replace("_", " "))
    if scenarios == 0:
        return f"The {label} were not played by both base and student."
    if not teacher:
        return (
            f"On the {label} the teacher has no answers, so no improvement is defined; "
            f"the student's C-rate against the base's: {moved}."
        )
    low, high = (None, None) if ci is None else ci
    return (
        f"On the {label} the student {verdict(low, high)}: mean improvement "
        f"{percent_ci(mean, ci)}; its C-rate against the base's: {moved}."
    )


def _role_dependence(role: str, factors: Mapping[str, bool | None]) -> str:
    found = [f"the {f}" for f, rejects in factors.items() if rejects]
    clear = [f"the {f}" for f, rejects in factors.items() if rejects is False]
    untested = [f"the {f}" for f, rejects in factors.items() if rejects is None]
    if found:
        text = "varies with " + ("both " if len(found) > 1 else "") + latex.series(found)
        text += f" but not measurably with {latex.series(clear, 'or')}" if clear else ""
    elif clear:
        text = f"does not vary measurably with {latex.series(clear, 'or')}"
    else:
        text = "cannot be tested"
    if untested and (found or clear):
        text += f" (untestable at this $n$ for {latex.series(untested)})"
    return f"the {role}'s C-rate {text}"


def sensitivity_sentence(depends: Mapping[str, Mapping[str, bool | None]]) -> str:
    """{role: {factor: rejects at alpha, None where not testable}} -> which roles' in-sample
    C-rates depend on the context and on the game (the original paper's Fig. 2 question)."""
    if not depends:
        return "No role has in-sample answers to test for a dependence on context or game."
    parts = [_role_dependence(role, factors) for role, factors in depends.items()]
    return f"At the {latex.number(settings.ALPHA, 2)} level, in-sample, " + "; ".join(parts) + "."
