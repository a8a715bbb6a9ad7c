"""Model and backend registries, and the play configs they define.

A play config is (model, backend, quant). Everything that determines a play job's output is
gathered in `PlayConfig.identity()`, whose hash Snakemake uses as a rerun trigger.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import cache, cached_property
from importlib.resources import files
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from clemgrid.backends.kinds import kind_of
from clemgrid.entries import BackendEntry, ModelEntry, PlayConfig  # noqa: F401 - re-exported
from clemgrid.hashing import canonical_json, stable_hash  # noqa: F401 - re-exported
from clemgrid.keys import ConfigKey
from clemgrid.sources import (
    DERIVED_KINDS,
    FROM_SOURCES,
    LORA_KIND,
    built_kind,
    source_chain,
    weight_source_kind,  # noqa: F401 - re-exported
)


class RegistryError(ValueError):
    """Bad configuration; the message names the file, the entry and the field."""

    def __init__(self, file: str | Path, entry: str, field: str, problem: str) -> None:
        where = f"{file}: entry '{entry}'" + (f", field '{field}'" if field else "")
        super().__init__(f"{where}: {problem}")
        self.file, self.entry, self.field = str(file), entry, field


NAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*"
GAME_PATTERN = r"[A-Za-z0-9][A-Za-z0-9._-]*(?:\+[0-9]+shot)?"


def _validator_with_defaults(schema: dict) -> jsonschema.protocols.Validator:
    """A JSON Schema 2020-12 validator that also fills in `default`s, as Snakemake's validate() does."""
    base = jsonschema.Draft202012Validator
    validate_properties = base.VALIDATORS["properties"]

    def set_defaults(validator, properties, instance, schema):
        if isinstance(instance, dict):
            for name, sub in properties.items():
                if "default" in sub and name not in instance:
                    instance[name] = copy.deepcopy(sub["default"])
        yield from validate_properties(validator, properties, instance, schema)

    return jsonschema.validators.extend(base, {"properties": set_defaults})(schema)


@cache
def load_schema(name: str) -> dict:
    """A schema of clemgrid.schemas (package data), parsed once; do not modify it."""
    return yaml.safe_load((files("clemgrid.schemas") / f"{name}.schema.yaml").read_text())


def validate_document(doc: Any, schema_name: str, file: str | Path, keyed: bool) -> None:
    """Validate against a schema; `keyed` documents (registries) report their top key as entry."""
    error = jsonschema.exceptions.best_match(
        _validator_with_defaults(load_schema(schema_name)).iter_errors(doc)
    )
    if error is None:
        return
    path = [str(p) for p in error.absolute_path]
    message = error.message
    if keyed and not path and isinstance(error.instance, str):  # a bad entry name (propertyNames)
        entry, field = error.instance, ""
        message = "this name is not allowed: use at most 100 letters, digits, '.', '_', '-', starting with a letter or digit"
    elif keyed and path:
        entry, field = path[0], ".".join(path[1:])
    elif path:
        entry, field = _config_entry(error.absolute_path), ""
    else:
        entry, field = "(top level)", ""
    raise RegistryError(file, entry, field, message)


def _config_entry(path: Any) -> str:
    parts = list(path)
    text = str(parts[0])
    for part in parts[1:]:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text


def read_yaml(path: str | Path) -> Any:
    path = Path(path)
    if not path.is_file():
        raise RegistryError(path, "(file)", "", "file not found")
    try:
        return yaml.safe_load(path.read_text())
    except yaml.YAMLError as exc:
        raise RegistryError(path, "(file)", "", f"not valid YAML: {exc}") from exc


def check_built_sources(models: dict[str, Any], models_file: str | Path) -> None:
    """Every `derive`, `quantize` and `bitsandbytes` source names, in `from`, another quant of
    the same model that can be its input, and no quant is built from itself. The types are
    checked by the schema. Every model is checked, not only those of the grid."""
    for model, entry in models.items():
        weights = entry["weights"]
        for quant, source in weights.items():
            try:
                kind = weight_source_kind(source)
            except ValueError as exc:
                raise RegistryError(models_file, model, f"weights.{quant}", str(exc)) from None
            if kind not in FROM_SOURCES:
                continue
            where = f"weights.{quant}.{kind}.from"
            parent = source[kind]["from"]
            if parent not in weights:
                raise RegistryError(
                    models_file,
                    model,
                    where,
                    f"{parent!r} is not a quant of this model (known: {', '.join(weights)})",
                )
            try:
                parent_kind = weight_source_kind(weights[parent])
            except ValueError:
                continue  # reported for that quant itself
            if parent_kind not in FROM_SOURCES[kind]:
                raise RegistryError(
                    models_file,
                    model,
                    where,
                    f"a {kind!r} source cannot be built from quant {parent!r}, a {parent_kind!r} source (needs one of {sorted(FROM_SOURCES[kind])})",
                )
            if (
                kind in DERIVED_KINDS
                and parent_kind == "hub"
                and not weights[parent]["hub"].get("file")
            ):
                raise RegistryError(
                    models_file,
                    model,
                    where,
                    f"quant {parent!r} is a hub model without `file:`; a {kind!r} source needs a GGUF file",
                )
        for quant, source in weights.items():  # every `from` exists: now look for cycles
            if built := built_kind(source):
                try:
                    source_chain(weights, quant)
                except ValueError as exc:
                    raise RegistryError(
                        models_file, model, f"weights.{quant}.{built}.from", str(exc)
                    ) from None


def check_lora_teachers(
    models: dict[str, Any], backends: dict[str, Any], models_file: str | Path
) -> None:
    """Every `lora` source's `data.teacher` names a model, a quant of it and a backend of the
    registries; a teacher is not itself a `lora` quant (no chains of students)."""
    for model, entry in models.items():
        for quant, source in entry["weights"].items():
            if LORA_KIND not in source:
                continue
            teacher = source[LORA_KIND]["data"]["teacher"]
            where = f"weights.{quant}.{LORA_KIND}.data.teacher"
            if teacher["model"] not in models:
                raise RegistryError(
                    models_file,
                    model,
                    f"{where}.model",
                    f"unknown teacher model {teacher['model']!r} (not in {models_file})",
                )
            weights = models[teacher["model"]]["weights"]
            if teacher["quant"] not in weights:
                raise RegistryError(
                    models_file,
                    model,
                    f"{where}.quant",
                    f"teacher {teacher['model']!r} has no quant {teacher['quant']!r} (known: {', '.join(weights)})",
                )
            if LORA_KIND in weights[teacher["quant"]]:
                raise RegistryError(
                    models_file, model, where, "a teacher cannot itself be a `lora` quant"
                )
            if teacher["backend"] not in backends:
                raise RegistryError(
                    models_file,
                    model,
                    f"{where}.backend",
                    f"unknown backend {teacher['backend']!r} for the teacher (not in the backends registry)",
                )


@dataclass(frozen=True)
class Grid:
    """A validated run: configs × games, plus the settings every play job shares."""

    config: dict[str, Any]
    models: dict[str, ModelEntry]
    backends: dict[str, BackendEntry]
    configs: tuple[PlayConfig, ...]
    # config -> the games it plays, where a grid entry names its own `games`.
    config_games: dict[ConfigKey, tuple[str, ...]] = field(default_factory=dict)

    @property
    def games(self) -> list[str]:
        """Every game of the run (the top-level `games`)."""
        return list(self.config["games"])

    def games_for(self, cfg: PlayConfig) -> list[str]:
        """The games one config plays: its grid entry's `games`, else all, in top-level order."""
        return list(self.config_games.get(cfg.key, self.games))

    def plays(self) -> list[tuple[PlayConfig, str]]:
        """Every (config, game) play job of the run: configs are explicit, and so are the games
        of an entry that names them; not a product."""
        return [(cfg, game) for cfg in self.configs for game in self.games_for(cfg)]

    @cached_property
    def _configs_by_key(self) -> dict[ConfigKey, PlayConfig]:
        """Key -> config: Snakemake looks one up per job, so no list scan."""
        index: dict[ConfigKey, PlayConfig] = {}
        for cfg in self.configs:
            index.setdefault(cfg.key, cfg)
        return index

    @property
    def keys(self) -> list[ConfigKey]:
        """The grid's configs by name, in grid order."""
        return [cfg.key for cfg in self.configs]

    def play_config(self, model: str, backend: str, quant: str) -> PlayConfig:
        try:
            return self._configs_by_key[ConfigKey(model, backend, quant)]
        except KeyError:
            raise KeyError(f"({model}, {backend}, {quant}) is not in the grid") from None

    def play_identity(self, cfg: PlayConfig, game: str, game_version: str) -> dict[str, Any]:
        """Exactly what determines a play job's transcripts (its Snakemake rerun trigger). Only a
        game that samples (config `sampling`) has a `sampling` key, so the identities of all
        other jobs are those they had before sampling existed."""
        identity = {
            **cfg.identity(),
            "game": {"name": game, "version": game_version},
            "instances": self.config["instances"],
            "generation": self.config["generation"],
            "batch_size": self.config["batch_size"],
        }
        if game in self.config.get("sampling", {}):
            identity["sampling"] = self.config["sampling"][game]
        return identity


def load_grid(
    config: dict[str, Any],
    config_file: str | Path = "config/config.yaml",
    known_games: dict[str, Any] | None = None,
) -> Grid:
    """Validate config + registries and cross-check them; raises RegistryError on the first fault."""
    config = copy.deepcopy(config)
    validate_document(config, "config", config_file, keyed=False)
    models_file, backends_file = config["models"], config["backends"]
    models = read_yaml(models_file)
    validate_document(models, "models", models_file, keyed=True)
    backends = read_yaml(backends_file)
    validate_document(backends, "backends", backends_file, keyed=True)
    check_built_sources(models, models_file)
    check_lora_teachers(models, backends, models_file)
    models = {name: ModelEntry(name, entry) for name, entry in models.items()}
    backends = {name: BackendEntry(name, entry) for name, entry in backends.items()}

    if known_games is None:
        from clemgrid.games.registry import GAMES

        known_games = GAMES
    for i, game in enumerate(config["games"]):
        if game not in known_games:
            raise RegistryError(
                config_file,
                f"games[{i}]",
                "",
                f"unknown game {game!r} (known: {', '.join(sorted(known_games))})",
            )

    configs: list[PlayConfig] = []
    config_games: dict[ConfigKey, tuple[str, ...]] = {}
    for i, item in enumerate(config["grid"]):
        entry = f"grid[{i}]"
        games = list(config["games"])
        if "games" in item:
            for j, game in enumerate(item["games"]):
                if game not in config["games"]:
                    raise RegistryError(
                        config_file,
                        entry,
                        f"games[{j}]",
                        f"game {game!r} is not in the top-level `games` list ({', '.join(config['games'])}); a grid entry can only play a subset of it",
                    )
            games = [g for g in config["games"] if g in item["games"]]
        if item["model"] not in models:
            raise RegistryError(
                config_file,
                entry,
                "model",
                f"unknown model {item['model']!r} (not in {models_file})",
            )
        if item["backend"] not in backends:
            raise RegistryError(
                config_file,
                entry,
                "backend",
                f"unknown backend {item['backend']!r} (not in {backends_file})",
            )
        model_entry, backend_entry = models[item["model"]], backends[item["backend"]]
        quant = item["quant"]
        if quant not in model_entry.weights:
            known = ", ".join(model_entry.weights)
            raise RegistryError(
                config_file,
                entry,
                "quant",
                f"model {item['model']!r} has no weight source for quant {quant!r} in {models_file} (known: {known})",
            )
        source = model_entry.weights[quant]
        try:
            source_kind = weight_source_kind(source)
        except ValueError as exc:
            raise RegistryError(models_file, item["model"], f"weights.{quant}", str(exc)) from None
        backend_kind = kind_of(backend_entry)
        accepted = backend_kind.accepts(backend_entry)
        if source_kind not in accepted:
            raise RegistryError(
                models_file,
                item["model"],
                f"weights.{quant}",
                f"a {source_kind!r} source cannot be run by backend {item['backend']!r} (kind {backend_kind.label(backend_entry)}; needs one of {sorted(accepted)})",
            )
        if source_kind in ("scripted", "synthetic"):
            from clemgrid.backends.scripted import SYNTHETIC_POLICIES

            wanted = [source["scripted"]] if source_kind == "scripted" else SYNTHETIC_POLICIES
            for game in games:
                policies = known_games[game].scripted_policies
                for policy in wanted:
                    if policy in policies:
                        continue
                    raise RegistryError(
                        models_file,
                        item["model"],
                        f"weights.{quant}.{source_kind}",
                        f"game {game!r} has no scripted policy {policy!r} (known: {', '.join(policies)})",
                    )
        _check_chat(models_file, item["model"], model_entry, item["backend"], backend_entry)
        cfg = PlayConfig(item["model"], item["backend"], quant, model_entry, backend_entry)
        if cfg in configs:
            raise RegistryError(config_file, entry, "", "duplicate of an earlier grid entry")
        configs.append(cfg)
        if "games" in item:
            config_games[cfg.key] = tuple(games)
    for game in config.get("sampling", {}):  # may name a game this grid does not play
        if game not in known_games:
            raise RegistryError(
                config_file,
                f"sampling.{game}",
                "",
                f"unknown game {game!r} (known: {', '.join(sorted(known_games))})",
            )
    _check_misconfigured(models, models_file)
    _check_agreement(config, configs, config_file)
    return Grid(config, models, backends, tuple(configs), config_games)


# --- turn-taking overrides and agreement pairs ------------------------------------------------


def _check_chat(
    models_file: str | Path,
    model: str,
    model_entry: dict[str, Any],
    backend: str,
    backend_entry: dict[str, Any],
) -> None:
    """A chat template override needs a backend that renders prompts itself: an
    OpenAI-compatible server or provider renders them with its own template."""
    chat = model_entry.get("chat") or {}
    kind = kind_of(backend_entry)
    if chat.get("template") and not kind.applies_template(backend_entry):
        raise RegistryError(
            models_file,
            model,
            "chat.template",
            f"backend {backend!r} (kind {kind.name}) renders prompts with the server's own "
            "template and cannot apply this one; play this model on llama_cpp or transformers",
        )


def _check_misconfigured(models: dict[str, ModelEntry], models_file: str | Path) -> None:
    """`facts.misconfigured.of` names the correctly configured entry of the same weights."""
    for name, entry in models.items():
        label = entry.misconfigured
        if label and (label["of"] == name or label["of"] not in models):
            raise RegistryError(
                models_file,
                name,
                "facts.misconfigured.of",
                f"{label['of']!r} is not another model of {models_file}",
            )


def config_key(item: dict[str, Any]) -> ConfigKey:
    return ConfigKey.of(item)


def _check_agreement(
    config: dict[str, Any], configs: list[PlayConfig], config_file: str | Path
) -> None:
    """Every config of a declared agreement pair is in the grid, and a pair has two configs."""
    in_grid = {c.key for c in configs}
    for i, pair in enumerate(config.get("agreement") or []):
        for side in ("a", "b"):
            if config_key(pair[side]) not in in_grid:
                raise RegistryError(
                    config_file,
                    f"agreement[{i}].{side}",
                    "",
                    f"({', '.join(pair[side][k] for k in ('model', 'backend', 'quant'))}) is not in the grid",
                )
        if config_key(pair["a"]) == config_key(pair["b"]):
            raise RegistryError(config_file, f"agreement[{i}]", "", "a and b are the same config")
