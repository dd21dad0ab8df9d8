#!/usr/bin/env python3
"""Reference traces for Downhill's optimizers, computed by PyTorch's torch.optim.

Runs each optimizer configuration for a few steps on the Rosenbrock function
f(x, y) = (1 - x)^2 + 100 (y - x^2)^2 from (-1.5, 2) in float64 and writes, per optimizer,
tests/Downhill.Tests/Optim/reference/<optimizer>.csv (and <optimizer>.float32.csv, the same
run in float32) with one row per step:
    config, step, loss, x, y
where loss is the value the step saw (the closure's first loss for L-BFGS) and (x, y) is the
point after the step. A config is "name key=value ..." with the keys of Downhill's
OptimizerSettings, so the C# test builds the same optimizer through Optimizers.Create.

It also writes schedules.csv: the learning rate that torch.optim.lr_scheduler gives for each
epoch (columns schedule, epoch, metric, lr; metric only for the plateau schedule), base rate 0.5.

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


def trace(make, dtype=torch.float64):
    p = torch.tensor(START, dtype=dtype, requires_grad=True)
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


S = torch.optim.lr_scheduler
# Plateau: falls, stalls (within the 1% threshold), falls again, stalls long enough to hit minRate.
PLATEAU_METRICS = [10, 9, 8.95, 8.95, 8.95, 8.95] + [7] * 14
SCHEDULES = [
    ("step stepSize=3 gamma=0.5", lambda o: S.StepLR(o, step_size=3, gamma=0.5)),
    ("exponential gamma=0.9", lambda o: S.ExponentialLR(o, gamma=0.9)),
    ("cosine tMax=6 minRate=0.01", lambda o: S.CosineAnnealingLR(o, T_max=6, eta_min=0.01)),
    ("warmup epochs=4 startFactor=0.25", lambda o: S.LinearLR(o, start_factor=0.25, total_iters=4)),
    ("warmup epochs=3 startFactor=0.1 then cosine tMax=6 minRate=0.01 at 3",
     lambda o: S.SequentialLR(o, [S.LinearLR(o, start_factor=0.1, total_iters=3),
                                  S.CosineAnnealingLR(o, T_max=6, eta_min=0.01)], milestones=[3])),
    ("plateau factor=0.5 patience=2 cooldown=1 threshold=0.01 minRate=0.05",
     lambda o: S.ReduceLROnPlateau(o, factor=0.5, patience=2, cooldown=1, threshold=0.01, min_lr=0.05)),
]


def schedule_trace(make, plateau):
    p = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([p], lr=0.5)
    scheduler = make(opt)
    rows = []
    for epoch in range(len(PLATEAU_METRICS)):
        if plateau:
            # The rate after seeing this epoch's metric (what the next epoch uses).
            scheduler.step(PLATEAU_METRICS[epoch])
            rows.append((epoch, PLATEAU_METRICS[epoch], opt.param_groups[0]["lr"]))
        else:
            rows.append((epoch, "", opt.param_groups[0]["lr"]))
            opt.step()
            scheduler.step()
    return rows


def main():
    os.makedirs(OUT, exist_ok=True)
    path = os.path.join(OUT, "schedules.csv")
    with open(path, "w") as f:
        f.write(f"# torch {torch.__version__}: learning rate per epoch, base rate 0.5, written by tests/reference/optim_traces.py\n")
        f.write("schedule,epoch,metric,lr\n")
        for name, make in SCHEDULES:
            for epoch, metric, lr in schedule_trace(make, name.startswith("plateau")):
                f.write(f"{name},{epoch},{metric!r},{float(lr)!r}\n" if metric != "" else f"{name},{epoch},,{float(lr)!r}\n")
    print("wrote", os.path.normpath(path))
    for name, configs in CONFIGS.items():
        for dtype, suffix in ((torch.float64, ""), (torch.float32, ".float32")):
            path = os.path.join(OUT, f"{name}{suffix}.csv")
            with open(path, "w") as f:
                f.write(f"# torch {torch.__version__}: Rosenbrock from {START}, {str(dtype)[6:]}, written by tests/reference/optim_traces.py\n")
                f.write("config,step,loss,x,y\n")
                for config, make in configs:
                    for step, loss, x, y in trace(make, dtype):
                        f.write(f"{config},{step},{loss!r},{x!r},{y!r}\n")
            print("wrote", os.path.normpath(path))


if __name__ == "__main__":
    main()
