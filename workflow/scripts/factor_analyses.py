from pathlib import Path

import pandas as pd

from clemgrid.analysis import factor_analyses as fa
from clemgrid.analysis import factor_maps, factor_report
from clemgrid.analysis.figures import save_figure
from clemgrid.workflow_io import job_log

with job_log(snakemake.log[0]) as log:
    i, out, settings = snakemake.input, snakemake.output, snakemake.params.settings
    facts = fa.characteristics_frame(i.characteristics, i.mapping)
    results_clemscore, results_matrix = fa.results_scores(i.results)
    datasets = {
        "scores": (pd.read_parquet(i.clemscore), pd.read_parquet(i.matrix), i.mapping),
        "results": (results_clemscore, results_matrix, i.results_mapping),
    }
    parts: dict[str, list[pd.DataFrame]] = {}
    counts, frames = [], {}
    for name, (clemscore, matrix, mapping) in datasets.items():
        frame, tables = fa.analyse(
            clemscore, matrix, pd.read_csv(mapping, dtype=str), facts, settings["min_group"]
        )
        for key, table in tables.items():
            parts.setdefault(key, []).append(table.assign(dataset=name))
        counts.append(
            {
                "dataset": name,
                "rows": len(clemscore),
                "models": clemscore["model"].nunique(),
                "joined": len(frame),
                "dropped": len(tables["dropped"]),
            }
        )
        frames[name] = frame
        log.info("%s: %d rows, %d with characteristics", name, len(clemscore), len(frame))
        if name == "scores":
            frame = frame.assign(family=fa.pooled(frame["family"], settings["min_group"]))
            grid = factor_maps.tsne_grid(matrix, frame, settings["perplexities"], settings["seeds"])
            stable = factor_maps.stability(matrix, frame, grid)
    pairs = pd.read_csv(i.results, index_col=0).index.str.split("--")
    counts[1]["self_play"] = int(sum(a == b for a, b in pairs))
    same = fa.same_models(frames["scores"], frames["results"])
    counts[1]["shared"] = len(same)
    counts[1]["shared_max_difference"] = same["difference"].max()
    counts[1]["shared_identical"] = int((same["difference"] < 0.005).sum())
    for key, tables in parts.items():
        pd.concat(tables, ignore_index=True).to_csv(out[key], index=False)
    pd.DataFrame(counts).to_csv(out.data, index=False)
    pd.DataFrame(
        [
            {
                "min_group": settings["min_group"],
                "perplexities": " ".join(f"{p:g}" for p in settings["perplexities"]),
                "seeds": " ".join(str(s) for s in settings["seeds"]),
            }
        ]
    ).to_csv(out.settings, index=False)
    grid.to_csv(out.tsne, index=False)
    stable.to_csv(out.stability, index=False)
    tests, groups = pd.concat(parts["tests"]), pd.concat(parts["groups"])
    Path(out.tests_tex).write_text(factor_report.tests_table(tests))
    Path(out.groups_tex).write_text(
        factor_report.groups_table(groups[groups["dataset"] == "scores"])
    )
    Path(out.per_game_tex).write_text(
        factor_report.per_game_table(
            pd.concat(parts["per_game_size"]), pd.concat(parts["per_game_factors"])
        )
    )
    Path(out.stability_tex).write_text(factor_report.stability_table(stable))
    save_figure(
        factor_report.correlation_figure(pd.concat(parts["correlations"])),
        Path(out.correlations_pdf).with_suffix(""),
    )
    save_figure(
        factor_report.tsne_grid_figure(grid, settings["seeds"][0]),
        Path(out.tsne_pdf).with_suffix(""),
    )
    log.info("factor tests:\n%s", tests.to_string(index=False))
