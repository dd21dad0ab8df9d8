#!/usr/bin/python3
"""PyTorch peer: W1-W7 in eager PyTorch on the CPU, one JSON line per measurement."""
import workloads as wl

args = wl.parse_args(__doc__)

import numpy as np  # noqa: E402  (after parse_args: thread counts must be set first)
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

import peerlib as pl  # noqa: E402

torch.set_num_threads(args.threads)
VERSION = f"torch {torch.__version__}"
PEER = "pytorch"


def emit(workload, config, metric, value, runs=None, extra=None):
    pl.emit(PEER, workload, config, metric, value, runs, VERSION, extra=extra)


def mlp(sizes, activation):
    layers = []
    for i in range(len(sizes) - 1):
        layers.append(torch.nn.Linear(sizes[i], sizes[i + 1]))
        if i < len(sizes) - 2:
            layers.append(activation())
    return torch.nn.Sequential(*layers)


def train(model, optimizer, x, y, batch, count):
    """One pass over the first `count` samples in order; the data was shuffled once beforehand."""
    for start in range(0, count, batch):
        optimizer.zero_grad(set_to_none=True)
        loss = F.cross_entropy(model(x[start:start + batch]), y[start:start + batch])
        loss.backward()
        optimizer.step()


def throughput(workload, sizes, activation, make_optimizer, batch, data):
    x, y = data
    torch.manual_seed(0)
    model = mlp(sizes, activation)
    optimizer = make_optimizer(model.parameters())
    count = wl.samples_per_epoch(args)
    train(model, optimizer, x, y, batch, max(2_000, 20 * batch))  # warm-up
    median, runs = pl.median_of(args.repeats, lambda: count / pl.timed(
        lambda: train(model, optimizer, x, y, batch, count)))
    emit(workload, f"batch={batch},threads={args.threads}", "samples_per_s", median, runs,
         extra={"samples": count})


def accuracy(data, test):
    x, y = data
    x_test, y_test = test
    seeds, epochs = ([0], 1) if args.quick else (wl.W4_SEEDS, wl.W4_EPOCHS)
    for scale in wl.W4_SCALES:
        xs, xs_test = (x, x_test) if scale == "pixels" else pl.standardized(x, x_test)
        xs, xs_test = torch.from_numpy(xs), torch.from_numpy(xs_test)
        results = []
        for seed in seeds:
            torch.manual_seed(seed)
            model = mlp([784, 128, 10], torch.nn.ReLU)
            optimizer = torch.optim.SGD(model.parameters(), lr=wl.W4_LR)
            for epoch in range(epochs):
                order = torch.from_numpy(np.random.default_rng(1000 * seed + epoch).permutation(len(xs)))
                train(model, optimizer, xs[order], y[order], wl.W4_BATCH, len(xs))
            with torch.no_grad():
                predicted = model(xs_test).argmax(dim=1)
            results.append(float((predicted == y_test).float().mean()))
        emit("W4", wl.w4_config(epochs, scale), "test_accuracy", float(np.median(results)), results,
             extra={"seeds": seeds})


def linear_regression():
    x_np, y_np, meta = pl.load_linreg()
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)

    def closed_form():
        augmented = torch.cat([x, torch.ones(len(x), 1)], dim=1)
        return torch.linalg.lstsq(augmented, y.unsqueeze(1)).solution.squeeze(1)

    closed_form()  # warm-up
    result = {}
    median, runs = pl.median_of(args.repeats, lambda: pl.timed(lambda: result.update(s=closed_form())))
    solution = result["s"]
    config = f"closed_form,threads={args.threads}"
    emit("W5", config, "seconds", median, runs, extra={"method": "torch.linalg.lstsq (gelsy)"})
    emit("W5", config, "coef_max_abs_err",
         pl.coef_max_abs_err(solution[:-1].numpy(), solution[-1].item(), meta))

    model = torch.nn.Linear(x.shape[1], 1)

    def sgd_epoch(batch, lr):
        with torch.no_grad():
            model.weight.zero_()
            model.bias.zero_()
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        target = y.unsqueeze(1)
        for start in range(0, len(x), batch):
            optimizer.zero_grad(set_to_none=True)
            F.mse_loss(model(x[start:start + batch]), target[start:start + batch]).backward()
            optimizer.step()

    for batch, lr in wl.W5_SGD_RUNS:
        median, runs = pl.median_of(args.repeats, lambda: pl.timed(lambda: sgd_epoch(batch, lr)))
        config = f"sgd,epochs=1,batch={batch},lr={lr},threads={args.threads}"
        emit("W5", config, "seconds", median, runs)
        emit("W5", config, "coef_max_abs_err",
             pl.coef_max_abs_err(model.weight.detach().numpy(), model.bias.item(), meta))


def line_fit():
    x_np, y_np = pl.line_points()
    x, y = torch.from_numpy(x_np), torch.from_numpy(y_np)
    m = torch.tensor(1.0, requires_grad=True)
    b = torch.tensor(1.0, requires_grad=True)

    def fit(steps):
        with torch.no_grad():
            m.fill_(1.0)
            b.fill_(1.0)
        optimizer = torch.optim.SGD([m, b], lr=wl.W6_LR)
        for _ in range(steps):
            optimizer.zero_grad(set_to_none=True)
            ((m * x + b - y) ** 2).mean().backward()
            optimizer.step()

    fit(500)  # warm-up
    median, runs = pl.median_of(args.repeats, lambda: wl.W6_STEPS / pl.timed(lambda: fit(wl.W6_STEPS)))
    emit("W6", f"steps={wl.W6_STEPS},lr={wl.W6_LR},threads={args.threads}", "steps_per_s",
         median, runs, extra={"m": m.item(), "b": b.item()})


def gemm():
    for m, k, n in wl.GEMM_SHAPES:
        a = torch.rand(m, k)
        b = torch.rand(k, n)
        c = torch.empty(m, n)
        flops = 2.0 * m * k * n
        calls = max(1, int(2e10 / flops))  # about 0.3 s of work per timed run at 60 GFLOP/s

        def run():
            for _ in range(calls):
                torch.mm(a, b, out=c)

        run()
        median, runs = pl.median_of(max(args.repeats, 5), lambda: calls * flops / pl.timed(run) / 1e9)
        emit("W7", wl.gemm_config(m, k, n, args.threads), "gflops", median, runs)


def main():
    needs_images = any(wl.wants(args, w) for w in ("W1", "W2", "W3", "W4"))
    if needs_images:
        x_train, y_train, x_test, y_test = pl.load_fashion_mnist()
        x_shuffled, y_shuffled = pl.shuffled(x_train, y_train, seed=0)
        data = (torch.from_numpy(x_shuffled), torch.from_numpy(y_shuffled))
    sgd = lambda lr: (lambda params: torch.optim.SGD(params, lr=lr))  # noqa: E731
    for batch in wl.W1_BATCHES:
        if wl.wants(args, "W1", batch):
            throughput("W1", [784, 16, 16, 10], torch.nn.Sigmoid, sgd(wl.W1_W2_LR), batch, data)
    for batch in wl.W2_BATCHES:
        if wl.wants(args, "W2", batch):
            throughput("W2", [784, 128, 10], torch.nn.ReLU, sgd(wl.W1_W2_LR), batch, data)
    if wl.wants(args, "W3", wl.W3_BATCH):
        adam = lambda params: torch.optim.Adam(params, lr=wl.W3_LR)  # noqa: E731
        throughput("W3", [784, 256, 128, 10], torch.nn.ReLU, adam, wl.W3_BATCH, data)
    if wl.wants(args, "W4"):
        accuracy((x_train, torch.from_numpy(y_train)), (x_test, torch.from_numpy(y_test)))
    if wl.wants(args, "W5"):
        linear_regression()
    if wl.wants(args, "W6"):
        line_fit()
    if wl.wants(args, "W7"):
        gemm()
    # W8: PyTorch has no CSV reader of its own; nothing to report.


main()
