#!/usr/bin/python3
"""Turns the JSON lines bench/run collected into <base>.json, <base>.md and <base>.png.

Rows are joined on (workload, config, metric). The ratio column is Downhill's value divided by
the best peer's: the highest peer for "higher is better" metrics, the lowest for the others.
"""
import argparse
import json
import os
import platform
import statistics
from collections import defaultdict
from datetime import datetime, timezone

SIDES = ["downhill", "pytorch", "torchsharp", "sklearn", "numpy", "pandas"]
TITLES = {"downhill": "Downhill", "pytorch": "PyTorch", "torchsharp": "TorchSharp",
          "sklearn": "scikit-learn", "numpy": "NumPy", "pandas": "pandas"}
LOWER_IS_BETTER = {"seconds", "coef_max_abs_err"}
TIMING_METRICS = {"samples_per_s", "steps_per_s", "gflops", "mb_per_s", "seconds"}
METRIC_TITLES = {"samples_per_s": "samples/s", "steps_per_s": "steps/s", "gflops": "GFLOP/s",
                 "mb_per_s": "MB/s", "seconds": "seconds", "coef_max_abs_err": "max coef error",
                 "test_accuracy": "test accuracy"}
# A timed figure whose process got less than this share of its cores waited on other processes.
LOADED_CPU_SHARE = 0.9
WORKLOAD_ORDER = {f"W{i}": i for i in range(1, 9)}
ISA_TITLES = {"avx512": "AVX-512: 512-bit vectors", "avx2": "AVX2 + FMA: 256-bit vectors",
              "neon": "NEON: 128-bit vectors", "sse": "SSE: 128-bit vectors"}
# Multiply-add FLOPs of one training sample: the forward products, the weight gradients
# (the same count again) and the input gradients of every layer but the first.
# W2 784-128-10: 2 (784*128 + 128*10) = 203,264 forward, as much for dW, 2 * 128*10 for dX.
# W3 784-256-128-10: 2 (200,704 + 32,768 + 1,280) = 469,504 forward, as much for dW,
# 2 (32,768 + 1,280) for dX. Biases and activations are O(width), left out.
FLOPS_PER_SAMPLE = {"W2": 2 * 203_264 + 2_560, "W3": 2 * 469_504 + 68_096}


def read_lines(path):
    records = []
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("{"):
                records.append(json.loads(line))
    return records


def fmt(metric, value):
    if value is None:
        return ""
    if metric == "coef_max_abs_err":
        return f"{value:.2e}"
    if metric == "test_accuracy":
        return f"{value:.4f}"
    if metric == "seconds":
        return f"{value:.3g}"
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}" if value < 100 else f"{value:.0f}"


def best_peer(metric, values):
    peers = {side: v for side, v in values.items() if side != "downhill"}
    if not peers:
        return None, None
    pick = min if metric in LOWER_IS_BETTER else max
    side = pick(peers, key=peers.get)
    return side, peers[side]


def build_rows(records):
    """Rows in the order the sides printed them (the workload table's order), grouped by workload."""
    rows = defaultdict(dict)
    for r in records:
        rows[(r["workload"], r["config"], r["metric"])][r["peer"]] = r
    return dict(sorted(rows.items(), key=lambda kv: WORKLOAD_ORDER.get(kv[0][0], 99)))


def markdown(rows, records, meta):
    sides = [s for s in SIDES if any(s in by_side for by_side in rows.values())]
    if "downhill" not in sides:
        sides.insert(0, "downhill")
    isa = ISA_TITLES.get(meta.get("isa"), meta.get("isa") or "vector width unknown")
    lines = [f"# Downhill side by side with its peers: {meta['cpu']}, {isa}", "",
             f"Measured {meta['date']} on {meta['cpu']} ({meta['logical_cpus']} logical CPUs, {isa}), "
             f"{'QUICK validation run (short epochs, one timed run)' if meta['quick'] else 'median of at least 3 timed runs'}. "
             "Written by `bench/run`; how to read it: `bench/README.peers.md`.", ""]
    if meta["notes"]:
        lines += ["Notes from this run:", ""] + [f"- {n}" for n in meta["notes"]] + [""]
    header = (["Workload", "Config", "Metric", "Better"] + [TITLES[s] for s in sides]
              + ["Downhill / best peer", "BLAS"])
    lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    loaded = False
    for (workload, config, metric), by_side in rows.items():
        values = {s: r["value"] for s, r in by_side.items()}
        cells = []
        for side in sides:
            r = by_side.get(side)
            if r is None:
                cells.append("")
                continue
            mark = ""
            if metric in TIMING_METRICS and r.get("cpu_share", 1.0) < LOADED_CPU_SHARE:
                mark, loaded = "*", True
            cells.append(fmt(metric, r["value"]) + mark)
        _, best = best_peer(metric, values)
        ratio = f"{values['downhill'] / best:.2f}" if "downhill" in values and best else ""
        blas = "; ".join(sorted({f"{TITLES[s]}: {r['blas']}" for s, r in by_side.items()
                                 if r.get("blas") not in (None, "", "n/a", "none")}))
        better = "lower" if metric in LOWER_IS_BETTER else "higher"
        lines.append("| " + " | ".join([workload, f"`{config}`", METRIC_TITLES.get(metric, metric), better]
                                       + cells + [ratio, blas]) + " |")
    lines += ["", "Ratio: Downhill's value / the best peer's. On \"higher\" rows above 1 means Downhill is "
              "ahead; on \"lower\" rows (seconds, errors) below 1 means Downhill is ahead."]
    if loaded:
        lines += ["", f"\\* the process got less than {LOADED_CPU_SHARE:.0%} of the cores it asked for "
                  "(CPU time / wall time / threads): the machine was busy and that figure is too low."]
    lines += ceiling(rows)
    lines += ["", "## Peak memory (RSS, MB)", "",
              "Peak resident set of the process that ran the workload at that thread count "
              "(data loading included).", "",
              "| Workload | Threads | " + " | ".join(TITLES[s] for s in sides) + " |",
              "|" + "---|" * (2 + len(sides))]
    rss = defaultdict(dict)
    for r in records:
        if r["workload"] in ("W2", "W5", "W8") and r.get("rss_mb") is not None:
            threads = r["config"].rsplit("threads=", 1)[-1]
            key = (r["workload"], threads)
            rss[key][r["peer"]] = max(rss[key].get(r["peer"], 0.0), r["rss_mb"])
    for (workload, threads), by_side in sorted(rss.items()):
        lines.append(f"| {workload} | {threads} | "
                     + " | ".join(f"{by_side[s]:.0f}" if s in by_side else "" for s in sides) + " |")
    versions = sorted({f"{TITLES.get(r['peer'], r['peer'])}: {r['version']}" for r in records if r.get("version")})
    lines += ["", "## Versions", ""] + [f"- {v}" for v in versions] + [""]
    return "\n".join(lines)


def ceiling(rows):
    """
    The GEMM-bound ceiling of W2 and W3 at 1 thread: FLOPs per sample over the fastest 1-thread
    GEMM rate any side reached in W7 on this machine, and how close each side comes to it.
    """
    peak = max((r["value"] for (w, config, metric), by_side in rows.items()
                if w == "W7" and metric == "gflops" and config.endswith("threads=1")
                for r in by_side.values()), default=None)
    if not peak:
        return []
    lines = ["", "## GEMM-bound ceiling (1 thread)", "",
             f"Peak GEMM rate: {peak:.0f} GFLOP/s, the fastest 1-thread W7 figure of any side above. "
             "Ceiling = that rate / the FLOPs of one training sample (forward, weight and input "
             "gradients); no trainer can pass it at 1 thread on this CPU.", "",
             "| Workload | Config | FLOPs per sample | Ceiling (samples/s) | Downhill | % of ceiling | Best peer | % of ceiling |",
             "|---|---|---|---|---|---|---|---|"]
    for (workload, config, metric), by_side in rows.items():
        if workload not in FLOPS_PER_SAMPLE or metric != "samples_per_s" or not config.endswith("threads=1"):
            continue
        top = peak * 1e9 / FLOPS_PER_SAMPLE[workload]
        values = {s: r["value"] for s, r in by_side.items()}
        side, best = best_peer(metric, values)
        ours = values.get("downhill")
        lines.append("| " + " | ".join([
            workload, f"`{config}`", f"{FLOPS_PER_SAMPLE[workload]:,}", f"{top:,.0f}",
            fmt(metric, ours) if ours else "", f"{ours / top:.0%}" if ours else "",
            f"{TITLES[side]} {fmt(metric, best)}" if side else "", f"{best / top:.0%}" if side else ""]) + " |")
    return lines


def chart(rows, path):
    """Grouped horizontal bars: each side's speed relative to the best peer on that row (1 = best peer)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "no PNG: matplotlib is not installed (Debian: python3-matplotlib)"
    labels, series = [], defaultdict(list)
    timed_rows = [(key, by_side) for key, by_side in rows.items() if key[2] in TIMING_METRICS]
    sides = [s for s in SIDES if any(s in by_side for _, by_side in timed_rows)]
    for (workload, config, metric), by_side in timed_rows:
        values = {s: r["value"] for s, r in by_side.items()}
        _, best = best_peer(metric, values)
        if not best:
            continue
        labels.append(f"{workload} {config}")
        for side in sides:
            v = values.get(side)
            if v is None or v == 0:
                series[side].append(float("nan"))
            else:
                series[side].append(best / v if metric in LOWER_IS_BETTER else v / best)
    if not labels:
        return "no PNG: no timed rows"
    height = 0.8 / max(1, len(sides))
    fig, ax = plt.subplots(figsize=(10, 0.32 * len(labels) * max(2, len(sides)) / 2 + 1.5))
    for i, side in enumerate(sides):
        ys = [j + i * height for j in range(len(labels))]
        ax.barh(ys, series[side], height=height, label=TITLES[side])
    ax.set_yticks([j + (len(sides) - 1) * height / 2 for j in range(len(labels))])
    ax.set_yticklabels(labels, fontsize=7)
    ax.invert_yaxis()
    # Log scale: the ratios run from about 0.5 to about 100, and on a linear axis everything
    # near 1 (GEMM, the batch-128 rows) was unreadable next to W6.
    ax.set_xscale("log")
    ax.set_xlim(left=0.2)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.axvline(2.0, color="gray", linewidth=0.6, linestyle="--")
    ax.set_xlabel("speed relative to the best peer on the row, log scale (1 = best peer, dashed: 2x; higher is faster)")
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    return None


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--lines", required=True, help="file of JSON lines from all sides")
    parser.add_argument("--notes", help="file of notes, one a line")
    parser.add_argument("--base", required=True, help="output path without extension")
    parser.add_argument("--cpu", required=True)
    parser.add_argument("--date", help="when the lines were measured (default now), to re-render an older run")
    parser.add_argument("--isa", help="widest vector the kernels use: avx512, avx2, neon or sse")
    parser.add_argument("--logical-cpus", type=int, required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--merge", action="store_true",
                        help="keep the measurements already in <base>.json that this run did not redo")
    args = parser.parse_args()
    records = read_lines(args.lines)
    if args.merge and os.path.exists(args.base + ".json"):
        with open(args.base + ".json") as f:
            previous = json.load(f)["measurements"]
        redone = {(r["peer"], r["workload"], r["config"], r["metric"]) for r in records}
        records = [r for r in previous if (r["peer"], r["workload"], r["config"], r["metric"]) not in redone] + records
    notes = []
    if args.notes:
        with open(args.notes) as f:
            notes = [n.strip() for n in f if n.strip()]
    meta = {"cpu": args.cpu, "isa": args.isa, "logical_cpus": args.logical_cpus, "quick": args.quick,
            "date": args.date or datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
            "kernel": platform.release(), "notes": notes}
    rows = build_rows(records)
    png_note = chart(rows, args.base + ".png")
    if png_note:
        meta["notes"].append(png_note)
    with open(args.base + ".md", "w") as f:
        f.write(markdown(rows, records, meta))
    with open(args.base + ".json", "w") as f:
        json.dump({**meta, "measurements": records}, f, indent=1)
        f.write("\n")
    shares = [r["cpu_share"] for r in records if "cpu_share" in r]
    summary = f"{len(records)} measurements"
    if shares:
        summary += f", median CPU share {statistics.median(shares):.2f}"
    print(f"{args.base}.md/.json{'' if png_note else '/.png'}: {summary}")


main()
