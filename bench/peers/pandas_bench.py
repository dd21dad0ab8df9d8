#!/usr/bin/python3
"""pandas peer: W8 CSV parsing with pandas.read_csv (its C parser), one JSON line."""
import workloads as wl

args = wl.parse_args(__doc__)

import os  # noqa: E402

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import peerlib as pl  # noqa: E402

if wl.wants(args, "W8"):
    path = os.path.join(pl.BENCH_DATA_DIR, "linreg.csv")
    megabytes = os.path.getsize(path) / 1e6
    with open(path, "rb") as f:  # the file is read from the page cache in every timed run
        f.read()
    median, runs = pl.median_of(args.repeats, lambda: megabytes / pl.timed(
        lambda: pd.read_csv(path, dtype=np.float32, engine="c").to_numpy()))
    pl.emit("pandas", "W8", f"rows=1000000,cols=21,threads={args.threads}", "mb_per_s", median, runs,
            f"pandas {pd.__version__}", blas="n/a",
            extra={"method": "pandas.read_csv(engine='c')", "file_mb": megabytes})
