#!/usr/bin/env python3
"""Prints bench/results/<cpu>-<isa>.json as a Markdown table of CPU-normalized figures.

On a shared machine the wall clock mostly measures waiting for a core. Every timed line carries
cpu_share = CPU time / (wall time x threads); dividing a rate by it (or multiplying seconds by
it) gives the figure the process would have reached had it had its cores to itself. This is an
estimate: it assumes the work would not have changed (caches shared with other processes, and
threads that spin while waiting, such as OpenMP's, make it rougher).

    bench/harness/cpu_normalized.py bench/results/amd-epyc-avx512.json
"""
import json
import sys

RATE = {"samples_per_s", "steps_per_s", "gflops", "mb_per_s"}


def main(path):
    with open(path) as f:
        data = json.load(f)
    rows = {}
    peers = []
    for m in data["measurements"]:
        key = (m["workload"], m["config"], m["metric"])
        value, share = m["value"], m.get("cpu_share")
        if m["metric"] in RATE and share:
            value = value / share
        elif m["metric"] == "seconds" and share:
            value = value * share
        rows.setdefault(key, {})[m["peer"]] = (value, share)
        if m["peer"] not in peers:
            peers.append(m["peer"])
    peers.sort(key=lambda p: (p != "downhill", p))
    print("| Workload | Config | Metric (per CPU) | " + " | ".join(peers) + " | Downhill / best peer |")
    print("|---|---|---|" + "---|" * (len(peers) + 1))
    for key in sorted(rows):
        cells = rows[key]
        def fmt(p):
            if p not in cells:
                return ""
            v, s = cells[p]
            share = f" ({s:.2f})" if s else ""
            return (f"{v:,.0f}" if v >= 100 else f"{v:.3g}") + share
        ratio = ""
        others = [cells[p][0] for p in cells if p != "downhill"]
        if "downhill" in cells and others:
            best = min(others) if key[2] in ("seconds", "coef_max_abs_err") else max(others)
            if best:
                ratio = f"{cells['downhill'][0] / best:.2f}"
        print(f"| {key[0]} | `{key[1]}` | {key[2]} | " + " | ".join(fmt(p) for p in peers) + f" | {ratio} |")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench/results/amd-epyc-avx512.json")
