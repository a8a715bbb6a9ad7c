"""Same config, same code -> byte-identical transcripts, for every real backend."""

import pytest
from support import ROOT

from clemgrid.pipeline import run_play, write_instances
from clemgrid.registry import load_grid

pytestmark = pytest.mark.slow

CONFIG = {
    "models": str(ROOT / "config" / "models.yaml"),
    "backends": str(ROOT / "config" / "backends.yaml"),
    "games": ["taboo"],
    "grid": [
        {"model": "SmolLM2-135M-Instruct", "backend": b, "quant": "Q4_1"}
        for b in ("llama_cpp", "transformers", "llama_cpp_server")
    ],
    "instances": {"per_experiment": 1},
    "generation": {"max_tokens": 24},
    "batch_size": 4,
}


@pytest.fixture(scope="module")
def grid():
    return load_grid(CONFIG)


@pytest.fixture(scope="module")
def instances(tmp_path_factory):
    path = tmp_path_factory.mktemp("instances") / "taboo.parquet"
    write_instances("taboo", 0, path)
    return path


@pytest.mark.parametrize("backend", ["llama_cpp", "transformers", "llama_cpp_server"])
def test_two_plays_give_identical_bytes(backend, grid, instances, tmp_path):
    cfg = grid.play_config("SmolLM2-135M-Instruct", backend, "Q4_1")
    identity = grid.play_identity(cfg, "taboo", "1")
    outputs = []
    for run in ("a", "b"):
        transcripts = tmp_path / run / "transcripts.parquet"
        stats = run_play(
            identity, instances, transcripts, tmp_path / run / "timing.parquet", cache_dir=None
        )
        assert stats["requests_sent"] == stats["turns"] > 0  # no cache: every request generated
        outputs.append(transcripts.read_bytes())
    assert outputs[0] == outputs[1]
