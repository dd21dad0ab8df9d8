"""Shared helpers for the Python peers: data loading, timing, and the one-JSON-line output.

Each measurement is printed as one JSON line on stdout (format in bench/README.peers.md);
anything else a peer wants to say goes to stderr, so bench/run can collect stdout as is.
"""
import ctypes
import gzip
import json
import os
import resource
import statistics
import sys
import time

import numpy as np

FASHION_MNIST_DIR = os.environ.get("FASHION_MNIST_DIR", "/usr/share/datasets/fashion-mnist")
BENCH_DATA_DIR = os.environ.get("DOWNHILL_BENCH_DATA", "/tmp/downhill-bench-data")


def read_idx(path):
    """Reads one IDX file (the MNIST format: big-endian header, then raw bytes), gzipped or not."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        raw = f.read()
    if raw[0] != 0 or raw[1] != 0 or raw[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file (magic {raw[:4].hex()}, expected 000008xx)")
    ndim = raw[3]
    shape = tuple(int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim))
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(shape)


def _idx_path(name):
    for candidate in (name + ".gz", name):
        path = os.path.join(FASHION_MNIST_DIR, candidate)
        if os.path.exists(path):
            return path
    raise FileNotFoundError(
        f"{name}(.gz) not found in {FASHION_MNIST_DIR} "
        "(install Debian's dataset-fashion-mnist or set FASHION_MNIST_DIR)")


def load_fashion_mnist():
    """Returns (x_train, y_train, x_test, y_test): float32 pixels / 255 as [n, 784], int64 labels."""
    def images(name):
        raw = read_idx(_idx_path(name))
        return (raw.reshape(raw.shape[0], -1).astype(np.float32) / np.float32(255.0))

    def labels(name):
        return read_idx(_idx_path(name)).astype(np.int64)

    return (images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte"),
            images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte"))


def standardized(x_train, x_test):
    """Each column minus the training set's mean over its standard deviation; constant columns become 0."""
    mean = x_train.mean(axis=0, dtype=np.float64)
    std = x_train.std(axis=0, dtype=np.float64)
    std[std == 0] = 1.0
    return (((x_train - mean) / std).astype(np.float32), ((x_test - mean) / std).astype(np.float32))


def shuffled(x, y, seed):
    """The training set in one seeded order, made once before timing, so the timed loop only slices."""
    order = np.random.default_rng(seed).permutation(len(x))
    return np.ascontiguousarray(x[order]), np.ascontiguousarray(y[order])


def load_linreg():
    """W5's synthetic regression set written by bench/harness/make_data.py."""
    with open(os.path.join(BENCH_DATA_DIR, "linreg.json")) as f:
        meta = json.load(f)
    n, d = meta["rows"], meta["features"]
    x = np.fromfile(os.path.join(BENCH_DATA_DIR, "linreg_x.f32"), dtype="<f4").reshape(n, d)
    y = np.fromfile(os.path.join(BENCH_DATA_DIR, "linreg_y.f32"), dtype="<f4")
    return x, y, meta


def coef_max_abs_err(weights, bias, meta):
    """Largest absolute difference to the float64 least-squares solution, bias included."""
    reference = np.array(meta["lstsq_weights"] + [meta["lstsq_bias"]], dtype=np.float64)
    ours = np.append(np.asarray(weights, dtype=np.float64).ravel(), float(bias))
    return float(np.max(np.abs(ours - reference)))


def line_points():
    """W6: the seed's line y = 2x + 30 sampled at x = 0, 1, ..., 19."""
    x = np.arange(20, dtype=np.float32)
    return x, np.float32(2.0) * x + np.float32(30.0)


def blas_in_use():
    """Names the BLAS this process actually mapped, read from /proc/self/maps, and the core
    OpenBLAS picked (OPENBLAS_CORETYPE or its own detection), so a figure says what produced it."""
    paths = set()
    with open("/proc/self/maps") as maps:
        for line in maps:
            path = line.split()[-1] if line.count("/") else ""
            name = os.path.basename(path)
            if "blas" in name or "mkl" in name:
                paths.add(os.path.realpath(path))
    openblas = sorted(p for p in paths if "openblas" in os.path.basename(p))
    if openblas:
        lib = ctypes.CDLL(openblas[0])
        lib.openblas_get_corename.restype = ctypes.c_char_p
        core = lib.openblas_get_corename().decode()
        flavour = ("openblas-openmp" if "openblas-openmp" in openblas[0]
                   else "openblas-pthread" if "openblas-pthread" in openblas[0] else "openblas")
        return f"{flavour} {core}"
    if any("/blas/" in p for p in paths):
        return "reference-blas"
    return "none"


def peak_rss_mb():
    """Peak resident set of this process so far (Linux reports ru_maxrss in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


# CPU seconds / (wall seconds x threads) of each timed() call since the last median_of(): well
# under 1 means the process waited for a core (a loaded machine), so its figure is too low.
_cpu_shares = []


def median_of(runs, measure):
    """Calls measure() `runs` times; returns (median, all values)."""
    _cpu_shares.clear()
    values = [measure() for _ in range(runs)]
    return statistics.median(values), values


def timed(fn):
    """Wall seconds of one call to fn, on the monotonic high-resolution clock."""
    cpu_start = time.process_time()
    start = time.perf_counter()
    fn()
    wall = time.perf_counter() - start
    threads = int(os.environ.get("OMP_NUM_THREADS", "1"))
    _cpu_shares.append((time.process_time() - cpu_start) / (wall * threads))
    return wall


def emit(peer, workload, config, metric, value, runs=None, version="", blas=None, extra=None):
    record = {
        "peer": peer,
        "workload": workload,
        "config": config,
        "metric": metric,
        "value": value,
        "runs": runs if runs is not None else [value],
        "blas": blas if blas is not None else blas_in_use(),
        "rss_mb": round(peak_rss_mb(), 1),
        "version": version,
    }
    if _cpu_shares:
        record["cpu_share"] = round(statistics.median(_cpu_shares), 3)
    if extra:
        record["extra"] = extra
    print(json.dumps(record), flush=True)


def log(message):
    print(message, file=sys.stderr, flush=True)
