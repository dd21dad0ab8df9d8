#!/usr/bin/env python3
"""Reference traces for Downhill's optimizers, computed by PyTorch's torch.optim.

Runs each optimizer configuration for a few steps on the Rosenbrock function
f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.5, 2) in float64 and writes, per optimizer,
tests/Downhill.Tests/Optim/reference/<optimizer>.csv with one row per step:
    config, step, loss, x, y
where loss is the value the step saw (the closure's first loss for L-BFGS) and (x, y) is the
point after the step. A config is "name key=value ..." with the keys of Downhill's
OptimizerSettings, so the C# test builds the same optimizer through Optimizers.Create.

Run from the repository root:  /usr/bin/python3 tests/reference/optim_traces.py
The C# tests only read the committed CSV files; they never run this script.
"""
import os
import torch

torch.set_default_dtype(torch.float64)
START = (-1.5, 2.0)
STEPS = 10
OUT = os.path.join(os.path.dirname(__file__), "..", "Downhill.Tests", "Optim", "reference")


def rosenbrock(p):
    x, y = p[0], p[1]
    return (1 - x) ** 2 + 100 * (y - x * x) ** 2


# (Downhill config, PyTorch constructor)
CONFIGS = {
    "sgd": [
        ("sgd lr=0.0001", lambda p: torch.optim.SGD(p, lr=1e-4)),
        ("sgd lr=0.0001 momentum=0.9", lambda p: torch.optim.SGD(p, lr=1e-4, momentum=0.9)),
        ("sgd lr=0.0001 momentum=0.9 nesterov=true", lambda p: torch.optim.SGD(p, lr=1e-4, momentum=0.9, nesterov=True)),
        ("sgd lr=0.0001 momentum=0.8 dampening=0.5 weightDecay=0.1",
         lambda p: torch.optim.SGD(p, lr=1e-4, momentum=0.8, dampening=0.5, weight_decay=0.1)),
    ],
    "adagrad": [
        ("adagrad lr=0.1", lambda p: torch.optim.Adagrad(p, lr=0.1)),
        ("adagrad lr=0.1 lrDecay=0.01 weightDecay=0.1 initialAccumulatorValue=0.5 eps=1e-06",
         lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=0.01, weight_decay=0.1, initial_accumulator_value=0.5, eps=1e-6)),
    ],
    "rmsprop": [
        ("rmsprop lr=0.01", lambda p: torch.optim.RMSprop(p, lr=0.01)),
        ("rmsprop lr=0.01 centered=true momentum=0.9", lambda p: torch.optim.RMSprop(p, lr=0.01, centered=True, momentum=0.9)),
        ("rmsprop lr=0.01 alpha=0.9 weightDecay=0.1 eps=1e-06",
         lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9, weight_decay=0.1, eps=1e-6)),
    ],
    "adam": [
        ("adam lr=0.1", lambda p: torch.optim.Adam(p, lr=0.1)),
        ("adam lr=0.1 beta1=0.8 beta2=0.99", lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.8, 0.99))),
        ("adam lr=0.1 amsgrad=true weightDecay=0.1", lambda p: torch.optim.Adam(p, lr=0.1, amsgrad=True, weight_decay=0.1)),
    ],
    "adamw": [
        ("adamw lr=0.1", lambda p: torch.optim.AdamW(p, lr=0.1)),
        ("adamw lr=0.1 weightDecay=0.5 amsgrad=true", lambda p: torch.optim.AdamW(p, lr=0.1, weight_decay=0.5, amsgrad=True)),
    ],
    "lbfgs": [
        ("lbfgs lr=0.01 maxIter=5", lambda p: torch.optim.LBFGS(p, lr=0.01, max_iter=5)),
        ("lbfgs lineSearch=StrongWolfe maxIter=4", lambda p: torch.optim.LBFGS(p, max_iter=4, line_search_fn="strong_wolfe")),
        ("lbfgs lineSearch=StrongWolfe historySize=2 maxIter=3",
         lambda p: torch.optim.LBFGS(p, max_iter=3, history_size=2, line_search_fn="strong_wolfe")),
    ],
}


def trace(make):
    p = torch.tensor(START, requires_grad=True)
    opt = make([p])

    def closure():
        opt.zero_grad()
        loss = rosenbrock(p)
        loss.backward()
        return loss

    rows = []
    for step in range(1, STEPS + 1):
        loss = opt.step(closure)
        rows.append((step, float(loss), float(p[0]), float(p[1])))
    return rows


def main():
    os.makedirs(OUT, exist_ok=True)
    for name, configs in CONFIGS.items():
        path = os.path.join(OUT, f"{name}.csv")
        with open(path, "w") as f:
            f.write(f"# torch {torch.__version__}: Rosenbrock from {START}, float64, written by tests/reference/optim_traces.py\n")
            f.write("config,step,loss,x,y\n")
            for config, make in configs:
                for step, loss, x, y in trace(make):
                    f.write(f"{config},{step},{loss!r},{x!r},{y!r}\n")
        print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
