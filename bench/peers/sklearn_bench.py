#!/usr/bin/python3
"""scikit-learn peer: W5 (LinearRegression, SGDRegressor) and the MLP workloads W1-W4 with
MLPClassifier set up as plain SGD / Adam, one JSON line per measurement."""
import warnings

import workloads as wl

args = wl.parse_args(__doc__)

import numpy as np  # noqa: E402  (after parse_args: thread counts must be set first)
import sklearn  # noqa: E402
from sklearn.exceptions import ConvergenceWarning  # noqa: E402
from sklearn.linear_model import LinearRegression, SGDRegressor  # noqa: E402
from sklearn.neural_network import MLPClassifier  # noqa: E402

import peerlib as pl  # noqa: E402

# max_iter=1 is the point here (one epoch), not a mistake to be warned about.
warnings.filterwarnings("ignore", category=ConvergenceWarning)
VERSION = f"scikit-learn {sklearn.__version__}"
PEER = "sklearn"


def emit(workload, config, metric, value, runs=None, extra=None):
    pl.emit(PEER, workload, config, metric, value, runs, VERSION, extra=extra)


def mlp(hidden, activation, solver, lr, batch, seed=0):
    """One epoch per fit() call, in the given order, no L2 term, no momentum: plain SGD or Adam."""
    return MLPClassifier(hidden_layer_sizes=hidden, activation=activation, solver=solver,
                         learning_rate_init=lr, batch_size=batch, max_iter=1, shuffle=False,
                         alpha=0.0, momentum=0.0, nesterovs_momentum=False, random_state=seed,
                         tol=0.0, n_iter_no_change=10**9)


def throughput(workload, hidden, activation, solver, lr, batch, data):
    x, y = data
    count = wl.samples_per_epoch(args)
    warm = max(2_000, 20 * batch)
    mlp(hidden, activation, solver, lr, batch).fit(x[:warm], y[:warm])
    # fit() includes sklearn's input checks and weight initialisation: a few ms per epoch.
    median, runs = pl.median_of(args.repeats, lambda: count / pl.timed(
        lambda: mlp(hidden, activation, solver, lr, batch).fit(x[:count], y[:count])))
    emit(workload, f"batch={batch},threads={args.threads}", "samples_per_s", median, runs,
         extra={"samples": count, "note": "MLPClassifier.fit, max_iter=1"})


def accuracy(data, test):
    x, y = data
    x_test, y_test = test
    seeds, epochs = ([0], 1) if args.quick else (wl.W4_SEEDS, wl.W4_EPOCHS)
    for scale in wl.W4_SCALES:
        xs, xs_test = (x, x_test) if scale == "pixels" else pl.standardized(x, x_test)
        results = []
        for seed in seeds:
            model = mlp((128,), "relu", "sgd", wl.W4_LR, wl.W4_BATCH, seed)
            for epoch in range(epochs):
                order = np.random.default_rng(1000 * seed + epoch).permutation(len(xs))
                model.partial_fit(xs[order], y[order], classes=np.arange(10))
            results.append(float(model.score(xs_test, y_test)))
        emit("W4", wl.w4_config(epochs, scale), "test_accuracy", float(np.median(results)), results,
             extra={"seeds": seeds})


def linear_regression():
    x, y, meta = pl.load_linreg()
    model = LinearRegression()
    model.fit(x[:10_000], y[:10_000])  # warm-up
    median, runs = pl.median_of(args.repeats, lambda: pl.timed(lambda: model.fit(x, y)))
    config = f"closed_form,threads={args.threads}"
    emit("W5", config, "seconds", median, runs, extra={"method": "LinearRegression (scipy lstsq)"})
    emit("W5", config, "coef_max_abs_err", pl.coef_max_abs_err(model.coef_, model.intercept_, meta))

    # SGDRegressor updates after every row (batch 1); it has no mini-batch mode.
    sgd = SGDRegressor(max_iter=1, tol=None, shuffle=False, learning_rate="constant",
                       eta0=wl.W5_SGD_LR, penalty="l2", alpha=0.0, random_state=0)
    median, runs = pl.median_of(args.repeats, lambda: pl.timed(lambda: sgd.fit(x, y)))
    config = f"sgd,epochs=1,batch=1,lr={wl.W5_SGD_LR},threads={args.threads}"
    emit("W5", config, "seconds", median, runs)
    emit("W5", config, "coef_max_abs_err", pl.coef_max_abs_err(sgd.coef_, sgd.intercept_[0], meta))


def main():
    if any(wl.wants(args, w) for w in ("W1", "W2", "W3", "W4")):
        x_train, y_train, x_test, y_test = pl.load_fashion_mnist()
        data = pl.shuffled(x_train, y_train, seed=0)
    for batch in wl.W1_BATCHES:
        if wl.wants(args, "W1", batch):
            throughput("W1", (16, 16), "logistic", "sgd", wl.W1_W2_LR, batch, data)
    for batch in wl.W2_BATCHES:
        if wl.wants(args, "W2", batch):
            throughput("W2", (128,), "relu", "sgd", wl.W1_W2_LR, batch, data)
    if wl.wants(args, "W3", wl.W3_BATCH):
        throughput("W3", (256, 128), "relu", "adam", wl.W3_LR, wl.W3_BATCH, data)
    if wl.wants(args, "W4"):
        accuracy((x_train, y_train), (x_test, y_test))
    if wl.wants(args, "W5"):
        linear_regression()


main()
