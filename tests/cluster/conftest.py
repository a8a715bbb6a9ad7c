"""Fixture of the cluster tests: a real single-node SLURM started by scripts/slurm/cluster.sh."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from slurm_support import CLUSTER_SCRIPT


def _cluster_status() -> bool:
    return subprocess.run([str(CLUSTER_SCRIPT), "status"], capture_output=True).returncode == 0


@pytest.fixture(scope="session")
def slurm_cluster():
    """A running single-node SLURM with accounting (slurmdbd), as scripts/slurm/cluster.sh
    sets it up: installed with apt if needed, started if not running, stopped afterwards if
    this fixture started it. Skipped only where that is impossible: not root, or no SLURM
    and no apt-get to install it."""
    if os.geteuid() != 0:
        pytest.skip("the SLURM integration test needs root (it installs and starts slurmctld)")
    if not shutil.which("slurmctld") and not shutil.which("apt-get"):
        pytest.skip("SLURM is not installed and apt-get is not available to install it")
    was_running = _cluster_status()
    if not was_running:
        up = subprocess.run(
            [str(CLUSTER_SCRIPT), "up"], capture_output=True, text=True, timeout=900
        )
        assert up.returncode == 0, f"{CLUSTER_SCRIPT} up failed:\n{up.stdout}\n{up.stderr}"
    yield
    if not was_running:
        subprocess.run([str(CLUSTER_SCRIPT), "down"], capture_output=True, timeout=300)
