"""Compile the paper: copy paper/ into a build folder and run latexmk there, with TEXINPUTS
pointing at the analysis outputs the paper \\inputs and \\includegraphics."""

import os
import shutil
import subprocess
from pathlib import Path

from clemgrid.workflow_io import job_log

with job_log(snakemake.log.latexmk) as log:
    source = Path(snakemake.input.main).parent
    build = Path(snakemake.params.build)
    shutil.rmtree(build, ignore_errors=True)
    shutil.copytree(source, build)
    analysis = Path(snakemake.params.analysis).resolve()
    env = {
        **os.environ,
        # trailing separator: then the default search path
        "TEXINPUTS": f".{os.pathsep}{analysis}{os.pathsep}",
        # the same sources give the same PDF: no build time in it
        "SOURCE_DATE_EPOCH": "0",
        "FORCE_SOURCE_DATE": "1",
    }
    command = ["latexmk", "-pdf", "-interaction=nonstopmode", "-halt-on-error", "main.tex"]
    log.info("%s (in %s, TEXINPUTS=%s)", " ".join(command), build, env["TEXINPUTS"])
    run = subprocess.run(command, cwd=build, env=env, capture_output=True, text=True)
    log.info("latexmk output:\n%s%s", run.stdout, run.stderr)
    if (build / "main.log").exists():
        shutil.copy(build / "main.log", snakemake.log.latex)
    else:
        Path(snakemake.log.latex).write_text("")
    if run.returncode != 0:
        raise RuntimeError(
            f"latexmk failed with exit code {run.returncode}; see {snakemake.log.latex}"
        )
    shutil.copy(build / "main.pdf", snakemake.output.pdf)
    log.info("wrote %s", snakemake.output.pdf)
