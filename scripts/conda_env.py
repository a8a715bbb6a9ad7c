"""Rewrite the pip section of envs/clemgrid.yaml from requirements.lock (`make envs`).

The header and the conda dependencies of the file stay as written; only the lines below
`- pip:` are replaced, in the lock's order, with two changes the file's header explains: torch
without the lock's local label (`+cpu`: GPU nodes want PyPI's CUDA build of the same version)
and setuptools pinned to the version of .venv (`pip freeze` leaves it out of the lock).
tests/cluster/test_conda_env.py fails when the two files disagree.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ENV = ROOT / "envs" / "clemgrid.yaml"
LOCK = ROOT / "requirements.lock"
PIP_MARKER = "  - pip:\n"
EXTRAS = {"llama_cpp_python": "[server]"}


def pip_lines(lock_text: str) -> list[str]:
    pins = [line.strip() for line in lock_text.splitlines() if line.strip()[:1] not in ("", "#")]
    pins.append(f"setuptools=={metadata.version('setuptools')}")
    lines = []
    for pin in sorted(set(pins), key=lambda p: p.split("==")[0].lower().replace("_", "-")):
        name, version = pin.split("==")
        if name == "torch":
            version = version.split("+")[0]
        lines.append(f"      - {name}{EXTRAS.get(name, '')}=={version}\n")
    return lines


def main() -> int:
    text = ENV.read_text()
    if PIP_MARKER not in text:
        print(f"{ENV}: no line {PIP_MARKER.strip()!r} to write the pins under", file=sys.stderr)
        return 1
    head = text[: text.index(PIP_MARKER) + len(PIP_MARKER)]
    ENV.write_text(head + "".join(pip_lines(LOCK.read_text())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
