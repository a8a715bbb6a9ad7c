"""Turn-taking overrides: the registry checks them, `turn_end` applies exactly what an entry
says, and the turn-taking experiment follows the grid (fast; real models: test_real_models)."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd
import pytest
import yaml
from agreement_support import MODEL, WRONG_EOT, config, registry, scores, turn
from support import edit_yaml

from clemgrid.analysis import turn_taking
from clemgrid.analysis.agreement import ConfigKey
from clemgrid.backends.chat_template import turn_end
from clemgrid.cli import main
from clemgrid.registry import RegistryError, load_grid

SMOL = {"model": MODEL, "backend": "llama_cpp", "quant": "Q4_1"}


def load(workdir, monkeypatch):
    monkeypatch.chdir(workdir)
    return load_grid(
        yaml.safe_load((workdir / "config" / "config.yaml").read_text()), "config/config.yaml"
    )


def with_grid(*entries):
    return lambda c: c["grid"].extend(entries)


BAD_OVERRIDES = {
    "empty end_of_turn": (
        "models.yaml",
        lambda m: m[MODEL]["chat"].update(end_of_turn=[]),
        [MODEL, "chat.end_of_turn"],
    ),
    "empty end_of_turn string": (
        "models.yaml",
        lambda m: m[MODEL]["chat"].update(end_of_turn=["<|im_end|>", ""]),
        [MODEL, "chat.end_of_turn.1"],
    ),
    "repeated end_of_turn string": (
        "models.yaml",
        lambda m: m[MODEL]["chat"].update(end_of_turn=["<|im_end|>", "<|im_end|>"]),
        [MODEL, "chat.end_of_turn", "non-unique"],
    ),
    "unknown chat field": (
        "models.yaml",
        lambda m: m[MODEL]["chat"].update(stop_at_eos=False),
        [MODEL, "chat", "stop_at_eos"],
    ),
    "empty template": (
        "models.yaml",
        lambda m: m[MODEL]["chat"].update(template=""),
        [MODEL, "chat.template"],
    ),
    "misconfigured label without its reference": (
        "models.yaml",
        lambda m: m[WRONG_EOT]["facts"]["misconfigured"].update(of="SmolLM3"),
        [WRONG_EOT, "facts.misconfigured.of", "SmolLM3"],
    ),
    "misconfigured label without what": (
        "models.yaml",
        lambda m: m[WRONG_EOT]["facts"]["misconfigured"].pop("what"),
        [WRONG_EOT, "facts.misconfigured", "what"],
    ),
}


@pytest.mark.parametrize("case", BAD_OVERRIDES, ids=list(BAD_OVERRIDES))
def test_registry_checks_the_override_fields(case, workdir, monkeypatch, capsys):
    file, change, expected = BAD_OVERRIDES[case]
    edit_yaml(workdir / "config" / file, change)
    with pytest.raises(RegistryError) as error:
        load(workdir, monkeypatch)
    for part in ["config/models.yaml", *expected]:
        assert part in str(error.value), f"{part!r} missing from: {error.value}"
    assert main(["validate"]) == 2


def test_a_template_override_needs_a_backend_that_renders(workdir, monkeypatch):
    edit_yaml(
        workdir / "config" / "models.yaml", lambda m: m[MODEL]["chat"].update(template="{{ x }}")
    )
    edit_yaml(workdir / "config" / "config.yaml", with_grid(SMOL))
    load(workdir, monkeypatch)  # llama_cpp renders with the override
    edit_yaml(
        workdir / "config" / "config.yaml", with_grid({**SMOL, "backend": "llama_cpp_server"})
    )
    with pytest.raises(
        RegistryError, match=r"'SmolLM2-135M-Instruct', field 'chat.template'.*llama_cpp_server"
    ):
        load(workdir, monkeypatch)


def test_agreement_pairs_must_be_in_the_grid(workdir, monkeypatch):
    perfect = {"model": "scripted-perfect", "backend": "scripted", "quant": "none"}
    never = {**perfect, "model": "scripted-never-right"}
    edit_yaml(
        workdir / "config" / "config.yaml",
        lambda c: c.update(agreement=[{"a": perfect, "b": never}]),
    )
    grid = load(workdir, monkeypatch)
    assert grid.config["agreement"] == [{"a": perfect, "b": never}]
    edit_yaml(
        workdir / "config" / "config.yaml",
        lambda c: c.update(agreement=[{"a": perfect, "b": SMOL}]),
    )
    with pytest.raises(
        RegistryError,
        match=r"entry 'agreement\[0\].b'.*SmolLM2-135M-Instruct, llama_cpp, Q4_1\) is not in the grid",
    ):
        load(workdir, monkeypatch)
    edit_yaml(
        workdir / "config" / "config.yaml",
        lambda c: c.update(agreement=[{"a": perfect, "b": perfect}]),
    )
    with pytest.raises(RegistryError, match="same config"):
        load(workdir, monkeypatch)
    edit_yaml(workdir / "config" / "config.yaml", lambda c: c.update(agreement=[{"a": perfect}]))
    with pytest.raises(RegistryError, match="agreement"):
        load(workdir, monkeypatch)


def test_the_wrong_eot_entry_is_the_same_weights_labelled_misconfigured():
    models = registry("models.yaml")
    right, wrong = models[MODEL], models[WRONG_EOT]
    assert wrong["weights"]["Q4_1"] == right["weights"]["Q4_1"]
    assert {k: v for k, v in wrong["facts"].items() if k != "misconfigured"} == right["facts"]
    assert wrong["facts"]["misconfigured"]["of"] == MODEL
    assert wrong["chat"]["end_of_turn"] == ["<|endoftext|>"] != right["chat"]["end_of_turn"]


VOCAB = {"<|endoftext|>": [0], "<|im_end|>": [2], "END": [7, 8]}


def tokenize(text: str) -> list[int]:
    return VOCAB[text]


def test_end_of_turn_replaces_the_weights_eos():
    cfg = config(MODEL, "llama_cpp")
    default = replace(cfg, model_entry={**cfg.model_entry, "chat": {}})
    assert turn_end(default, {2, None, -1}, tokenize) == turn_end(default, {2}, tokenize)
    assert turn_end(default, {2}, tokenize).token_ids == {2}
    assert turn_end(default, {2}, tokenize).strings == ()
    right = turn_end(cfg, {2}, tokenize)
    assert (right.token_ids, right.strings) == ({2}, ("<|im_end|>",))
    wrong = turn_end(config(WRONG_EOT, "llama_cpp"), {2}, tokenize)
    assert (wrong.token_ids, wrong.strings) == ({0}, ("<|endoftext|>",))  # EOS 2 not added
    multi = replace(cfg, model_entry={**cfg.model_entry, "chat": {"end_of_turn": ["END"]}})
    assert (turn_end(multi, {2}, tokenize).token_ids, turn_end(multi, {2}, tokenize).strings) == (
        frozenset(),
        ("END",),
    )


def keys(*entries):
    return [ConfigKey(*e) for e in entries]


def test_the_experiment_follows_the_grid():
    models = registry("models.yaml")
    both = keys(
        (MODEL, "llama_cpp", "Q4_1"),
        (WRONG_EOT, "llama_cpp", "Q4_1"),
        (MODEL, "transformers", "Q4_1"),
    )
    [experiment] = turn_taking.experiments(both, models)
    assert experiment.reference == ConfigKey(MODEL, "llama_cpp", "Q4_1")
    assert experiment.end_of_turn_misconfigured == ("<|endoftext|>",)
    assert turn_taking.missing(both, models) == []
    assert turn_taking.Experiment.from_dict(experiment.to_dict()) == experiment

    only_reference = keys((MODEL, "llama_cpp", "Q4_1"))
    assert turn_taking.experiments(only_reference, models) == []
    [note] = turn_taking.missing(only_reference, models)
    assert note.startswith(f"{WRONG_EOT} (") and "not in the grid" in note
    assert f"{{model: {WRONG_EOT}, backend: llama_cpp, quant: Q4_1}}" in note
    # Not on the same backend as its reference: not compared, and said so.
    elsewhere = keys((MODEL, "transformers", "Q4_1"), (WRONG_EOT, "llama_cpp", "Q4_1"))
    assert turn_taking.experiments(elsewhere, models) == []
    [note] = turn_taking.missing(elsewhere, models)
    assert f"{{model: {WRONG_EOT}, backend: transformers, quant: Q4_1}}" in note


def test_compare_counts_lengths_and_stop_reasons():
    experiment = turn_taking.Experiment(
        ConfigKey("m", "x", "q"), ConfigKey("m-wrong", "x", "q"), "eot wrong", ("<e>",), ("<t>",)
    )
    right = pd.DataFrame([turn(0, "CLUE: red"), turn(1, "GUESS: apple")])
    wrong = pd.DataFrame(
        [turn(0, "CLUE: red<e>\nuser: GUESS: apple and more text", stop_reason="length")]
    )
    summary = turn_taking.compare(
        experiment, right, wrong, scores([("0", 1, 100.0)]), scores([("0", 0, None)])
    )
    assert summary["game"].tolist() == ["taboo", turn_taking.ALL_GAMES]
    row = summary.iloc[0]
    assert (row["pct_played_reference"], row["pct_played_misconfigured"]) == (100.0, 0.0)
    assert (row["stop_end_of_turn_reference"], row["stop_length_reference"]) == (2, 0)
    assert (row["stop_end_of_turn_misconfigured"], row["stop_length_misconfigured"]) == (0, 1)
    assert row["mean_chars_reference"] == (len("CLUE: red") + len("GUESS: apple")) / 2
    assert row["played_reference_only"] == 1
    assert summary.iloc[1]["configured_end_of_turn_misconfigured"] == "<t>"
    assert turn_taking.length_share(summary.iloc[1], "misconfigured") == 100.0
    markdown = turn_taking.summary_markdown(summary, [])
    assert "eot wrong" in markdown and "| taboo |" in markdown
    assert "Length stops" in turn_taking.latex_table(summary)
    assert "needs" in turn_taking.summary_markdown(
        turn_taking.empty(), ["x: not in the grid; needs y"]
    )


def test_the_gguf_names_its_eos_for_the_server_warning():
    """A launched llama.cpp server stops at this token whatever the stop list says."""
    from clemgrid.backends.server import stored_eos_token
    from clemgrid.backends.weights import weight_file

    assert stored_eos_token(weight_file(config(WRONG_EOT, "llama_cpp"))) == "<|im_end|>"


def test_misconfigured_configs_are_labelled_in_the_run_tables():
    from clemgrid.analysis import latex, runs

    frame = pd.DataFrame(
        [
            {"model": m, "backend": "llama_cpp", "quant": "Q4_1", "clemscore": 1.0}
            for m in (MODEL, WRONG_EOT)
        ]
    )
    labelled = runs.label_players(frame, synthetic=[], misconfigured=[WRONG_EOT])
    assert labelled["label"].tolist() == [
        f"{MODEL} / llama_cpp / Q4_1",
        f"{WRONG_EOT} / llama_cpp / Q4_1 [misconfigured]",
    ]
    assert set(labelled["player"]) == {"LLM"}
    cells = [latex._config_cells(r) for r in labelled.itertuples(index=False)]
    assert [c[3] for c in cells] == ["LLM", "LLM, misconfigured"]
