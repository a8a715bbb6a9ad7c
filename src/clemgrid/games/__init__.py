"""Dialogue games: one sub-package per game; `clemgrid.games.registry.GAMES` lists them.

A game is its rules, parser, scorer and scripted policies: the shared plumbing lives in
`base` (what the engine sees), `dialogue` (prompts, per-player chats, turn-taking, the merge of
a player's instruction with the first move it sees) and `testing` (one episode through
`engine.play`). `tests/test_game_contract.py` checks every registered game and variant.
"""
