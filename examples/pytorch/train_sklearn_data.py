#!/usr/bin/python3
"""Trains PyTorch classifiers on two real data sets that Debian's python3-sklearn ships, and exports them for zokml.

    /usr/bin/python3 examples/pytorch/train_sklearn_data.py --out work/sklearn

Writes, into --out/breast-cancer and --out/digits:
  NAME-mlp.onnx                the MLP exported with torch.onnx.export (batch of one, opset 13)
  calibration.npy              held-out records (float32, one per row): what `zokml calibrate` measures on
  calibration-labels.npy       their classes (int64)
  calibration-torch-classes.npy  the classes PyTorch's float model gives them (int64)

breast-cancer: the Wisconsin diagnostic breast cancer records (569 of 30 measurements, malignant or
  benign), each feature scaled to [-1, 1] by the training records' smallest and largest value (so
  held-out records may fall a little outside: the range is not [0, 1], and zokml takes it from the
  data or from --input-min/--input-max); a 30-16-2 MLP trained on 369 records, 200 held out.
digits: the 1,797 8x8 handwritten digits (pixels 0 to 16, divided by 16 into [0, 1]); a 64-32-10
  MLP trained on 1,197 of them, 600 held out.

Needs Debian's python3-torch, python3-numpy and python3-sklearn (its data files); the same seed
gives the same files.
"""
import argparse
import os

import numpy as np
import torch
from sklearn.datasets import load_breast_cancer, load_digits
from torch import nn


def breast_cancer(rng):
    """(train_x, train_y, held_x, held_y): features scaled to [-1, 1] by the training records."""
    x, y = load_breast_cancer(return_X_y=True)
    order = rng.permutation(len(y))
    train, held = order[:369], order[369:]
    low, high = x[train].min(axis=0), x[train].max(axis=0)
    scaled = 2 * (x - low) / (high - low) - 1
    return scaled[train], y[train], scaled[held], y[held]


def digits(rng):
    """(train_x, train_y, held_x, held_y): pixels in [0, 1]."""
    x, y = load_digits(return_X_y=True)
    order = rng.permutation(len(y))
    train, held = order[:1197], order[1197:]
    return x[train] / 16, y[train], x[held] / 16, y[held]


def train(x, y, hidden, classes, epochs):
    """An MLP features-hidden-classes fitted on (x, y) with Adam, full batch."""
    model = nn.Sequential(nn.Linear(x.shape[1], hidden), nn.ReLU(), nn.Linear(hidden, classes))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(epochs):  # full batch: the data is small
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    return model.eval()


def export(name, split, hidden, classes, epochs, out):
    train_x, train_y, held_x, held_y = (a.astype(np.float32) if a.dtype.kind == "f" else a.astype(np.int64) for a in split)
    model = train(train_x, train_y, hidden, classes, epochs)
    with torch.no_grad():
        torch_classes = model(torch.from_numpy(held_x)).argmax(1).numpy().astype(np.int64)
    folder = os.path.join(out, name)
    os.makedirs(folder, exist_ok=True)
    torch.onnx.export(model, torch.zeros(1, train_x.shape[1]), os.path.join(folder, f"{name}-mlp.onnx"), opset_version=13,
                      input_names=["record"], output_names=["scores"])
    np.save(os.path.join(folder, "calibration.npy"), held_x)
    np.save(os.path.join(folder, "calibration-labels.npy"), held_y)
    np.save(os.path.join(folder, "calibration-torch-classes.npy"), torch_classes)
    print(f"{name}: {train_x.shape[1]}-{hidden}-{classes} MLP, held-out accuracy {100 * (torch_classes == held_y).mean():.2f}% "
          f"on {len(held_y)} records (values from {held_x.min():.3f} to {held_x.max():.3f}): wrote {folder}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="the folder to write")
    args = parser.parse_args()
    torch.manual_seed(0)
    torch.set_num_threads(1)  # the same sums in the same order: the same weights on every machine's run
    export("breast-cancer", breast_cancer(np.random.default_rng(0)), 16, 2, 300, args.out)
    export("digits", digits(np.random.default_rng(0)), 32, 10, 300, args.out)


if __name__ == "__main__":
    main()
