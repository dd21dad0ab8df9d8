#!/usr/bin/env python3
"""PyTorch's side of bench/conv/run: the example conv network trained on MNIST-sized inputs.

conv:32x3x3,pool:2,conv:64x3x3,pool:2,dense:128 with ReLU and a 10-way linear output, float32,
Adam (lr 1e-3), cross-entropy, batch 64, on random 28x28 images with random labels (speed only:
the values do not change the work). Prints one line: threads, samples/s over the timed steps.

Usage: /usr/bin/python3 bench/conv/pytorch_conv.py --threads 1 [--seconds 20] [--batch 64]
"""
import argparse
import time
import torch
import torch.nn as nn

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--seconds", type=float, default=20)
parser.add_argument("--batch", type=int, default=64)
args = parser.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(0)

net = nn.Sequential(
    nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Linear(128, 10))
opt = torch.optim.Adam(net.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x = torch.rand(args.batch, 1, 28, 28)
y = torch.randint(0, 10, (args.batch,))


def step():
    opt.zero_grad()
    loss = loss_fn(net(x), y)
    loss.backward()
    opt.step()


for _ in range(3):
    step()
steps, start = 0, time.perf_counter()
while time.perf_counter() - start < args.seconds:
    step()
    steps += 1
elapsed = time.perf_counter() - start
print(f"pytorch {torch.__version__} threads={args.threads} batch={args.batch} steps={steps} samples/s={steps * args.batch / elapsed:.0f}")
