"""numpy float32 matmul GFLOP/s on the shapes of bench/Downhill.Bench/GemmShape.cs.

Same method as `gemm-quick`: each sample runs the call for about 40 ms, median of 5 samples,
per second of wall time and per second of process CPU time. Pin the BLAS with environment
variables, e.g. OPENBLAS_CORETYPE=SkylakeX OPENBLAS_NUM_THREADS=1 /usr/bin/python3 numpy_sgemm.py
"""
import os
import time

import numpy as np

SHAPES = [  # name, m, k, n, transA, transB
    ("128^3", 128, 128, 128, False, False),
    ("256^3", 256, 256, 256, False, False),
    ("512^3", 512, 512, 512, False, False),
    ("1024^3", 1024, 1024, 1024, False, False),
    ("fwd 32x784x128", 32, 784, 128, False, False),
    ("fwd 128x784x128", 128, 784, 128, False, False),
    ("fwd 32x128x10", 32, 128, 10, False, False),
    ("dX 32x128x784 tB", 32, 128, 784, False, True),
    ("dW 784x32x128 tA", 784, 32, 128, True, False),
    ("dX 128x128x784 tB", 128, 128, 784, False, True),
    ("dW 784x128x128 tA", 784, 128, 128, True, False),
]


def measure(m, k, n, trans_a, trans_b):
    rng = np.random.default_rng(1)
    a = (rng.random((k, m) if trans_a else (m, k), dtype=np.float32) - 0.5)
    b = (rng.random((n, k) if trans_b else (k, n), dtype=np.float32) - 0.5)
    c = np.empty((m, n), dtype=np.float32)
    # .T is a view, so BLAS gets the transpose flag rather than a copy, like Gemm.Multiply.
    op_a, op_b = (a.T if trans_a else a), (b.T if trans_b else b)
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < 0.04 or calls < 3:
        np.matmul(op_a, op_b, out=c)
        calls += 1
    flops = 2.0 * m * k * n * calls
    wall, cpu = [], []
    for _ in range(5):
        w0, c0 = time.perf_counter(), time.process_time()
        for _ in range(calls):
            np.matmul(op_a, op_b, out=c)
        wall.append(flops / (time.perf_counter() - w0) / 1e9)
        cpu.append(flops / (time.process_time() - c0) / 1e9)
    return sorted(wall)[2], sorted(cpu)[2]


def main():
    print(f"numpy {np.__version__}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')} "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS')}; load {os.getloadavg()}")
    print(f"{'shape':<28} {'wall':>7} {'cpu':>7}")
    for name, m, k, n, ta, tb in SHAPES:
        wall, cpu = measure(m, k, n, ta, tb)
        print(f"{name:<28} {wall:7.1f} {cpu:7.1f}")


if __name__ == "__main__":
    main()
