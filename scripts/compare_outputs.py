"""Check that a refactoring changed nothing a user sees: two result trees, or two dry runs.

    python scripts/compare_outputs.py results BEFORE_DIR AFTER_DIR
    python scripts/compare_outputs.py dryrun BEFORE.txt AFTER.txt   # saved `snakemake -n` output

Result trees: every file byte for byte, except that parquet files are compared by content and
by their provenance without `clemgrid.code_version` (the hash of the library's source, which a
refactoring changes by definition). Dry runs: the set of jobs (rule, wildcards, inputs, outputs,
log, threads, resources), ignoring job ids, timestamps, the order Snakemake prints them in and
where the checkout lies.
Exits 1 and lists the differences when there are any.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pyarrow.parquet as pq

IGNORED_METADATA = {b"clemgrid.code_version"}
JOB_FIELDS = ("input", "output", "log", "wildcards", "threads", "resources")
# Files of the repository a rule reads by `workflow.source_path`, named by absolute path.
REPO_PATH = re.compile(r"/\S*?/workflow/rules/\.\./\.\./")


def _parquet_view(path: Path) -> tuple[object, dict[bytes, bytes]]:
    table = pq.read_table(path)
    meta = {k: v for k, v in (table.schema.metadata or {}).items() if k not in IGNORED_METADATA}
    return table.replace_schema_metadata(None), meta


def compare_results(before: Path, after: Path) -> list[str]:
    files_a = {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
    files_b = {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    problems = [f"only before: {p}" for p in sorted(files_a - files_b)]
    problems += [f"only after: {p}" for p in sorted(files_b - files_a)]
    for rel in sorted(files_a & files_b):
        a, b = before / rel, after / rel
        if a.read_bytes() == b.read_bytes():
            continue
        if rel.suffix == ".parquet":
            (table_a, meta_a), (table_b, meta_b) = _parquet_view(a), _parquet_view(b)
            if table_a.equals(table_b) and meta_a == meta_b:
                continue
            what = "rows" if not table_a.equals(table_b) else "provenance"
            problems.append(f"differs ({what}): {rel}")
        else:
            problems.append(f"differs: {rel}")
    return problems


def dry_run_jobs(text: str) -> set[tuple[str, ...]]:
    """One tuple per job block of `snakemake -n` output."""
    jobs = set()
    for block in re.split(r"\n\s*\n", text):
        rule = re.search(r"^\s*(?:local)?rule (\S+):", block, flags=re.M)
        if not rule:
            continue
        fields = [rule.group(1)]
        for name in JOB_FIELDS:
            found = re.search(rf"^\s+{name}: (.*)$", block, flags=re.M)
            value = REPO_PATH.sub("<repo>/", found.group(1) if found else "")
            if name == "resources":  # in any order; disk is Snakemake's guess, not ours
                value = ", ".join(sorted(r for r in value.split(", ") if not r.startswith("disk")))
            fields.append(f"{name}={value}")
        jobs.add(tuple(fields))
    return jobs


def compare_dry_runs(before: Path, after: Path) -> list[str]:
    jobs_a, jobs_b = dry_run_jobs(before.read_text()), dry_run_jobs(after.read_text())
    problems = [f"only before: {' | '.join(job)}" for job in sorted(jobs_a - jobs_b)]
    problems += [f"only after: {' | '.join(job)}" for job in sorted(jobs_b - jobs_a)]
    if not problems:
        print(f"{len(jobs_a)} jobs, the same in both")
    return problems


def main(argv: list[str]) -> int:
    if len(argv) != 3 or argv[0] not in ("results", "dryrun"):
        print(__doc__, file=sys.stderr)
        return 2
    before, after = Path(argv[1]), Path(argv[2])
    for path in (before, after):
        if not path.exists():
            print(f"not found: {path}", file=sys.stderr)
            return 2
    compare = compare_results if argv[0] == "results" else compare_dry_runs
    problems = compare(before, after)
    for line in problems:
        print(line)
    if argv[0] == "results" and not problems:
        print(f"{before} and {after}: identical (parquet provenance without the code hash)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
