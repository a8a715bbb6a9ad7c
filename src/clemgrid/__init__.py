"""clemgrid: self-play evaluation of chat LLMs on dialogue games, as a reproducible pipeline."""

__version__ = "0.1.0"
