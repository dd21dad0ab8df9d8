#!/usr/bin/python3
"""Writes the synthetic data that W5 and W8 read, once, so every side reads the same bytes.

Files in the output folder (default $DOWNHILL_BENCH_DATA or /tmp/downhill-bench-data):
  linreg_x.f32   1,000,000 x 20 float32, little-endian, row-major (features ~ Normal(0, 1))
  linreg_y.f32   1,000,000 float32: y = x . w + b + Normal(0, 0.1)
  linreg.json    rows, features, seed, the true w and b, and the float64 least-squares w and b
  linreg.csv     the same rows as text: header x0..x19,y, then 21 numbers per line ("%.7g")
"""
import argparse
import json
import os

import numpy as np

ROWS, FEATURES, SEED = 1_000_000, 20, 42


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--out", default=os.environ.get("DOWNHILL_BENCH_DATA", "/tmp/downhill-bench-data"))
    out = parser.parse_args().out
    os.makedirs(out, exist_ok=True)
    meta_path = os.path.join(out, "linreg.json")
    if os.path.exists(meta_path) and os.path.exists(os.path.join(out, "linreg.csv")):
        with open(meta_path) as f:
            meta = json.load(f)
        if (meta.get("rows"), meta.get("features"), meta.get("seed")) == (ROWS, FEATURES, SEED):
            print(f"{out}: data already there (seed {SEED})")
            return

    rng = np.random.default_rng(SEED)
    w = rng.uniform(-2.0, 2.0, FEATURES)
    b = 0.5
    x = rng.standard_normal((ROWS, FEATURES)).astype(np.float32)
    y = (x.astype(np.float64) @ w + b + rng.normal(0.0, 0.1, ROWS)).astype(np.float32)

    # The reference every side's coefficients are compared with: least squares in float64 on the
    # float32 data as written, so a perfect float32 solver differs from it only by rounding.
    augmented = np.hstack([x.astype(np.float64), np.ones((ROWS, 1))])
    solution = np.linalg.lstsq(augmented, y.astype(np.float64), rcond=None)[0]

    x.astype("<f4").tofile(os.path.join(out, "linreg_x.f32"))
    y.astype("<f4").tofile(os.path.join(out, "linreg_y.f32"))
    header = ",".join([f"x{i}" for i in range(FEATURES)] + ["y"])
    np.savetxt(os.path.join(out, "linreg.csv"), np.hstack([x, y[:, None]]), fmt="%.7g",
               delimiter=",", header=header, comments="")
    with open(meta_path, "w") as f:
        json.dump({"rows": ROWS, "features": FEATURES, "seed": SEED,
                   "true_weights": w.tolist(), "true_bias": b,
                   "lstsq_weights": solution[:-1].tolist(), "lstsq_bias": float(solution[-1])}, f, indent=1)
    print(f"{out}: wrote linreg_x.f32, linreg_y.f32, linreg.csv, linreg.json")


main()
