"""Dialogue games: one sub-package per game; `clemgrid.games.registry.GAMES` lists them."""
