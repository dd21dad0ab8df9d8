"""The workload table every side runs: names, configurations and the exact config strings.

bench/run joins rows from different peers on (workload, config, metric), so these strings are
the contract; the Downhill side prints the same ones (listed in bench/README.peers.md).
"""
import argparse
import os

EPOCH_SAMPLES = 60_000
QUICK_SAMPLES = 6_000
GEMM_SHAPES = [(128, 128, 128), (256, 256, 256), (512, 512, 512), (1024, 1024, 1024),
               (32, 784, 128), (128, 784, 128)]

W1_BATCHES = [1, 32]
W2_BATCHES = [32, 128]
W3_BATCH = 128
W1_W2_LR = 0.1
W3_LR = 0.001
W4_EPOCHS, W4_BATCH, W4_LR, W4_SEEDS = 5, 32, 0.1, [0, 1, 2, 3, 4]
# W4 inputs: pixels / 255, or each pixel standardized with the training set's mean and standard
# deviation (constant pixels become 0), the scaling Downhill's `fit` applies by default.
W4_SCALES = ["pixels", "standard"]
W5_SGD_LR = 0.01
# Mini-batch SGD epochs of W5 on the sides that batch (Downhill, PyTorch): (batch, learning rate).
# The larger batch does a quarter of the updates at twice the rate; scikit-learn's SGDRegressor
# (batch 1, learning rate W5_SGD_LR) is the reference both are timed against.
W5_SGD_RUNS = [(32, 0.01), (128, 0.02)]
W6_STEPS, W6_LR = 10_000, 0.005


def parse_args(description):
    """Parses the common peer options and fixes the thread count in the environment *before*
    numpy or torch load: OpenBLAS and OpenMP read it once, when their library starts."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workload", default="all", help="W1..W8 or all (default)")
    parser.add_argument("--threads", type=int, default=1, help="threads for this process (1 or 2)")
    parser.add_argument("--batch", type=int, default=None, help="only this batch size")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs; the median is reported")
    parser.add_argument("--quick", action="store_true",
                        help=f"validation run: {QUICK_SAMPLES} samples per epoch, one timed run")
    args = parser.parse_args()
    if args.quick:
        args.repeats = 1
    for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ[name] = str(args.threads)
    return args


def wants(args, workload, batch=None):
    if args.workload not in ("all", workload):
        return False
    return args.batch is None or batch is None or args.batch == batch


def samples_per_epoch(args):
    return QUICK_SAMPLES if args.quick else EPOCH_SAMPLES


def gemm_config(m, k, n, threads):
    return f"m={m},k={k},n={n},threads={threads}"


def w4_config(epochs, scale):
    return f"epochs={epochs},batch={W4_BATCH},lr={W4_LR},scale={scale}"
