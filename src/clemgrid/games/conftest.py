"""Settings shared by the games' tests.

Hypothesis keeps every drawn value of an exact built-in type (str among them) in the results it
caches for its explain phase, up to 10,000 of them per test. The robustness tests draw
megabyte-long answers, so one 10,000-example test held gigabytes (pytest reached 18-23 GB RSS in
CI, once killed for memory). Here strings are not recorded (Hypothesis then tries a weak
reference, which a str does not allow, and records nothing, as it does for lists). Generation,
shrinking and the tests' assertions are unchanged; only the explain phase's notes on which
parts of a failing example could vary lose the strings.
"""

from hypothesis.internal.conjecture import data as conjecture_data

# The pinned hypothesis (requirements.lock) has this private tuple; fail loudly if it goes.
assert str in conjecture_data._RECORDABLE_VALUE_TYPES, "hypothesis changed: revisit conftest"
conjecture_data._RECORDABLE_VALUE_TYPES = tuple(
    t for t in conjecture_data._RECORDABLE_VALUE_TYPES if t is not str
)
