"""How the batched llama.cpp engine splits a prompt after its reused prefix (fast, no model).

Every piece but a lone last token holds at least two tokens, and the last token is alone
exactly where the sequential path's n_batch chunks leave it alone: the condition for outputs
identical to the sequential path (clemgrid/backends/llama_batched.py).
"""

from __future__ import annotations

import pytest

from clemgrid.backends.llama_batched import common_prefix, plan_pieces


@pytest.mark.parametrize("n_batch", [512, 8])
@pytest.mark.parametrize("piece", [3, 4, 64])
def test_pieces_cover_the_rest_in_the_sequential_modes(n_batch: int, piece: int) -> None:
    for length in range(1, 40):
        for shared in range(0, length + 3):
            reused, pieces = plan_pieces(shared, length, n_batch, piece)
            assert 0 <= reused <= min(shared, length)
            starts = [reused] + [end for _, end in pieces[:-1]]
            assert [start for start, _ in pieces] == starts and pieces[-1][1] == length
            lone = length % n_batch == 1
            for start, end in pieces[:-1] if lone else pieces:
                assert 2 <= end - start <= piece
            if lone:
                assert pieces[-1] == (length - 1, length)


def test_reuse_stops_before_the_tokens_that_need_evaluating() -> None:
    assert plan_pieces(100, 100, 512, 64) == (98, [(98, 100)])
    assert plan_pieces(50, 100, 512, 64) == (50, [(50, 100)])
    assert plan_pieces(30, 100, 512, 32) == (30, [(30, 62), (62, 94), (94, 100)])
    assert plan_pieces(0, 33, 512, 32) == (0, [(0, 31), (31, 33)])  # never a one-token piece
    assert plan_pieces(513, 513, 512, 64) == (512, [(512, 513)])  # lone, as sequentially
    assert plan_pieces(511, 513, 512, 64) == (510, [(510, 512), (512, 513)])
    assert common_prefix([1, 2, 3], [1, 2, 4, 5]) == 2 and common_prefix([], [1]) == 0
