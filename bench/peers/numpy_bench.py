#!/usr/bin/python3
"""NumPy peer: W7 float32 GEMM through numpy.matmul (the BLAS's sgemm, the matrix-product limit)
and W8 CSV parsing with numpy.loadtxt, one JSON line per measurement."""
import workloads as wl

args = wl.parse_args(__doc__)

import os  # noqa: E402

import numpy as np  # noqa: E402  (after parse_args: thread counts must be set first)

import peerlib as pl  # noqa: E402

VERSION = f"numpy {np.__version__}"
PEER = "numpy"


def gemm():
    rng = np.random.default_rng(0)
    for m, k, n in wl.GEMM_SHAPES:
        a = rng.random((m, k), dtype=np.float32)
        b = rng.random((k, n), dtype=np.float32)
        c = np.empty((m, n), dtype=np.float32)
        flops = 2.0 * m * k * n
        calls = max(1, int(2e10 / flops))  # about 0.3 s of work per timed run at 60 GFLOP/s

        def run():
            for _ in range(calls):
                np.matmul(a, b, out=c)

        run()
        median, runs = pl.median_of(max(args.repeats, 5), lambda: calls * flops / pl.timed(run) / 1e9)
        pl.emit(PEER, "W7", wl.gemm_config(m, k, n, args.threads), "gflops", median, runs, VERSION)


def csv_parse():
    path = os.path.join(pl.BENCH_DATA_DIR, "linreg.csv")
    megabytes = os.path.getsize(path) / 1e6
    with open(path, "rb") as f:  # the file is read from the page cache in every timed run
        f.read()
    median, runs = pl.median_of(args.repeats, lambda: megabytes / pl.timed(
        lambda: np.loadtxt(path, dtype=np.float32, delimiter=",", skiprows=1)))
    pl.emit(PEER, "W8", f"rows=1000000,cols=21,threads={args.threads}", "mb_per_s", median, runs,
            VERSION, blas="n/a", extra={"method": "numpy.loadtxt", "file_mb": megabytes})


if wl.wants(args, "W7"):
    gemm()
if wl.wants(args, "W8"):
    csv_parse()
