#!/usr/bin/env python3
"""Reference values for Downhill's image layers, computed by PyTorch in float64.

For each case it stores the inputs (drawn from a seeded generator), the forward output and the
gradients of L = sum(y * r) for a stored random weighting r, so every output element matters
differently. Cases: conv2d (stride, padding, channels; identity and relu), max and average
pooling (window = stride, and an overlapping 3-wide window with stride 2), batch normalization
in training (with the running statistics after the step) and in evaluation, on [N,C,H,W] and
[N,F] inputs. Written to tests/Downhill.Tests/Layers/reference/image_layers.json as
    {case: {tensor name: {"shape": [...], "values": [...]}, "stride": .., ...}}

Run from the repository root:  /usr/bin/python3 tests/reference/conv_reference.py
The C# tests only read the committed JSON file; they never run this script.
"""
import json
import os
import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(17)
OUT = os.path.join(os.path.dirname(__file__), "..", "Downhill.Tests", "Layers", "reference", "image_layers.json")


def rand(*shape):
    return (torch.rand(*shape, generator=gen) * 2 - 1).requires_grad_(True)


def t(x):
    return {"shape": list(x.shape), "values": [float(v) for v in x.detach().reshape(-1).tolist()]}


cases = {}


def conv(name, x_shape, w_shape, stride, padding, relu):
    x, w, b = rand(*x_shape), rand(*w_shape), rand(w_shape[0])
    y = F.conv2d(x, w, b, stride=stride, padding=padding)
    if relu:
        y = F.relu(y)
    r = rand(*y.shape).detach()
    (y * r).sum().backward()
    cases[name] = {"stride": stride, "padding": padding, "relu": relu,
                   "x": t(x), "weight": t(w), "bias": t(b), "r": t(r), "y": t(y),
                   "dx": t(x.grad), "dweight": t(w.grad), "dbias": t(b.grad)}


def pool(name, x_shape, size, stride, is_max):
    x = rand(*x_shape)
    y = (F.max_pool2d if is_max else F.avg_pool2d)(x, size, stride)
    r = rand(*y.shape).detach()
    (y * r).sum().backward()
    cases[name] = {"size": size, "stride": stride, "max": is_max, "x": t(x), "r": t(r), "y": t(y), "dx": t(x.grad)}


def batchnorm(name, x_shape, training):
    c = x_shape[1]
    x, gamma, beta = rand(*x_shape), rand(c), rand(c)
    mean = (torch.rand(c, generator=gen) - 0.5)
    var = torch.rand(c, generator=gen) + 0.5
    mean0, var0 = mean.clone(), var.clone()
    y = F.batch_norm(x, mean, var, gamma, beta, training=training, momentum=0.1, eps=1e-5)
    r = rand(*y.shape).detach()
    (y * r).sum().backward()
    cases[name] = {"training": training, "x": t(x), "gamma": t(gamma), "beta": t(beta),
                   "running_mean": t(mean0), "running_var": t(var0), "r": t(r), "y": t(y),
                   "dx": t(x.grad), "dgamma": t(gamma.grad), "dbeta": t(beta.grad),
                   "running_mean_after": t(mean), "running_var_after": t(var)}


conv("conv_plain", (2, 3, 6, 5), (4, 3, 3, 3), 1, 0, False)
conv("conv_stride_padding", (2, 3, 7, 6), (4, 3, 3, 2), 2, 1, False)
conv("conv_relu_padding", (3, 2, 5, 5), (5, 2, 3, 3), 1, 1, True)
pool("maxpool_2", (2, 3, 6, 5), 2, 2, True)
pool("avgpool_2", (2, 3, 6, 5), 2, 2, False)
pool("maxpool_3_stride_2", (2, 2, 7, 7), 3, 2, True)
pool("avgpool_3_stride_2", (2, 2, 7, 7), 3, 2, False)
batchnorm("batchnorm_train_image", (4, 3, 3, 2), True)
batchnorm("batchnorm_eval_image", (4, 3, 3, 2), False)
batchnorm("batchnorm_train_rows", (5, 4), True)

os.makedirs(os.path.dirname(OUT), exist_ok=True)
with open(OUT, "w") as f:
    json.dump(cases, f, indent=None, separators=(",", ":"))
    f.write("\n")
print(f"wrote {len(cases)} cases to {OUT}")
