"""Helpers of the cluster tests (imported by name: keep this file name unique)."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]
PROFILE = ROOT / "profiles" / "slurm"
CLUSTER_SCRIPT = ROOT / "scripts" / "slurm" / "cluster.sh"
ACCOUNT = "clemgrid"
PARTITION = "local"


def slurm_env(**extra: str) -> dict[str, str]:
    """The environment of a `snakemake --profile slurm` run on the test cluster."""
    env = dict(os.environ)
    env.update(CLEMGRID_SLURM_ACCOUNT=ACCOUNT, CLEMGRID_SLURM_PARTITION=PARTITION)
    env.setdefault("HF_HUB_OFFLINE", "1")
    env.update(extra)
    return env


def snakemake_cmd(
    *args: str, profile: bool = True, snakefile: Path = ROOT / "Snakefile"
) -> list[str]:
    cmd = [sys.executable, "-m", "snakemake", "-s", str(snakefile)]
    if profile:
        cmd += ["--profile", str(PROFILE)]
    return [*cmd, *args]


def run_snakemake(
    workdir: Path, *args: str, env=None, check=True, timeout=600, profile=True, snakefile=None
):
    run = subprocess.run(
        snakemake_cmd(*args, profile=profile, snakefile=snakefile or ROOT / "Snakefile"),
        cwd=workdir,
        env=env or slurm_env(),
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    if check:
        assert run.returncode == 0, run.stdout[-5000:] + run.stderr[-20000:]
    return run


def write_grid(workdir: Path, config: dict, models: Path, backends: Path, only=None) -> Path:
    """workdir/config/ with `config` and copies of the two registries it names; with `only`,
    the model registry keeps just those entries."""
    (workdir / "config").mkdir(parents=True, exist_ok=True)
    if only is None:
        (workdir / "config" / "models.yaml").write_bytes(models.read_bytes())
    else:
        entries = yaml.safe_load(models.read_text())
        subset = {name: entries[name] for name in only}
        (workdir / "config" / "models.yaml").write_text(yaml.safe_dump(subset, sort_keys=False))
    (workdir / "config" / "backends.yaml").write_bytes(backends.read_bytes())
    config = {"models": "config/models.yaml", "backends": "config/backends.yaml", **config}
    path = workdir / "config" / "config.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def edit_yaml(path: Path, change) -> None:
    data = yaml.safe_load(path.read_text())
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False))


def sbatch_options(call: str) -> dict[str, str]:
    """The options of one sbatch command line, as {option: value} ('' for flags);
    the wrapped command (--wrap) is left out."""
    words = shlex.split(call)
    assert words[0] == "sbatch", call
    options: dict[str, str] = {}
    i = 1
    while i < len(words):
        word = words[i]
        if word.startswith("--wrap"):
            break
        if "=" in word and word.startswith("--"):
            key, value = word.split("=", 1)
            options[key] = value
        elif i + 1 < len(words) and not words[i + 1].startswith("-"):
            options[word] = words[i + 1]
            i += 1
        else:
            options[word] = ""
        i += 1
    return options


def sacct_jobs(run_id: str) -> list[dict[str, str]]:
    """The accounting records (sacct, one row per job) of one Snakemake run on the cluster."""
    fields = "JobIDRaw,JobName%80,State,ExitCode,Account,Partition,Timelimit,ReqMem,ReqTRES,Comment%200,Submit"
    out = subprocess.run(
        [
            "sacct",
            "-X",
            "-P",
            "--noheader",
            "--starttime",
            "now-1days",
            "--name",
            run_id,
            "--format",
            fields,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    keys = [f.split("%")[0] for f in fields.split(",")]
    return [dict(zip(keys, line.split("|"), strict=True)) for line in out.splitlines() if line]


def slurm_run_id(output: str) -> str:
    """The job name every SLURM job of a Snakemake run carries (the plugin's run id)."""
    match = re.search(r"SLURM run ID: (\S+)", output)
    assert match, output[-3000:]
    return match.group(1)


FAKE_COMMANDS = {
    # Every sbatch call is recorded (one JSON list of arguments per line) and refused, so
    # nothing runs; the plugin then reports the call and Snakemake retries the job. The line
    # goes out in one write: print's buffered writes of a line over 8 KB interleaved with a
    # concurrent call's in the appended file.
    "sbatch": f"""#!/bin/sh
"{sys.executable}" -c 'import json, os, sys; os.write(1, (json.dumps(sys.argv[1:]) + "\\n").encode())' "$@" >>"$FAKE_SLURM_DIR/sbatch.jsonl"
echo "sbatch: error: Batch job submission failed: refused by the test's fake sbatch" >&2
exit 1
""",
    "sacctmgr": '#!/bin/sh\necho "   $CLEMGRID_SLURM_ACCOUNT"\n',
    "sinfo": "#!/bin/sh\necho PARTITION\necho 'local*'\n",
    "scontrol": "#!/bin/sh\necho 'MinJobAge               = 300 sec'\necho 'MaxArraySize            = 1001'\n",
    "sacct": "#!/bin/sh\nexit 0\n",
    "squeue": "#!/bin/sh\nexit 0\n",
    "scancel": "#!/bin/sh\nexit 0\n",
    "sshare": "#!/bin/sh\nexit 0\n",
}


class FakeSlurm:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.bin = root / "bin"
        self.bin.mkdir(parents=True)
        for name, text in FAKE_COMMANDS.items():
            path = self.bin / name
            path.write_text(text)
            path.chmod(0o755)

    def env(self, base: dict[str, str]) -> dict[str, str]:
        return {
            **base,
            "PATH": f"{self.bin}{os.pathsep}{base.get('PATH', '')}",
            "FAKE_SLURM_DIR": str(self.root),
        }

    def sbatch_calls(self) -> list[list[str]]:
        path = self.root / "sbatch.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines()]
