#!/usr/bin/python3
"""Trains a small PyTorch classifier on tabular records and exports it for zokml.

    /usr/bin/python3 examples/pytorch/train_tabular.py --out work/pytorch

Writes, into --out:
  risk-mlp.onnx          a 10-16-3 MLP exported with torch.onnx.export (batch of one, opset 13)
  calibration.npy     500 held-out records (float32, shape [500, 10]) and
  calibration-labels.npy  their classes (int64): what `zokml calibrate` measures on
  inputs.npy          5 further records to prove about (float32, shape [5, 10])
  inputs-labels.npy   their classes

The records stand in for a user's own data (a risk score from ten measurements): three classes,
each a Gaussian cluster, the features scaled into [-1, 1] as many pipelines do, so zokml is told
the range with --input-min -1 --input-max 1 (ONNX files do not record it). Needs Debian's
python3-torch and python3-numpy; the same seed gives the same files.
"""
import argparse
import os

import numpy as np
import torch
from torch import nn

FEATURES, CLASSES = 10, 3


def records(rng, count):
    """(x, y): `count` records of FEATURES values in [-1, 1] and their classes."""
    centres = np.random.default_rng(7).uniform(-0.5, 0.5, size=(CLASSES, FEATURES))
    y = rng.integers(0, CLASSES, size=count)
    x = centres[y] + rng.normal(0.0, 0.4, size=(count, FEATURES))
    return np.clip(x, -1.0, 1.0).astype(np.float32), y.astype(np.int64)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="the folder to write")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    rng = np.random.default_rng(0)
    torch.manual_seed(0)
    train_x, train_y = records(rng, 3000)
    calibration_x, calibration_y = records(rng, 500)
    inputs_x, inputs_y = records(rng, 5)

    model = nn.Sequential(nn.Linear(FEATURES, 16), nn.ReLU(), nn.Linear(16, CLASSES))
    optimizer = torch.optim.Adam(model.parameters(), lr=0.01)
    x, y = torch.from_numpy(train_x), torch.from_numpy(train_y)
    for _ in range(300):  # full batch: the data is small
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
    model.eval()
    with torch.no_grad():
        accuracy = (model(torch.from_numpy(calibration_x)).argmax(1).numpy() == calibration_y).mean()
    print(f"trained: loss {loss.item():.4f}, held-out accuracy {100 * accuracy:.2f}%")

    torch.onnx.export(model, torch.zeros(1, FEATURES), os.path.join(args.out, "risk-mlp.onnx"), opset_version=13,
                      input_names=["record"], output_names=["scores"])
    np.save(os.path.join(args.out, "calibration.npy"), calibration_x)
    np.save(os.path.join(args.out, "calibration-labels.npy"), calibration_y)
    np.save(os.path.join(args.out, "inputs.npy"), inputs_x)
    np.save(os.path.join(args.out, "inputs-labels.npy"), inputs_y)
    print(f"wrote {args.out}/risk-mlp.onnx, calibration.npy, calibration-labels.npy, inputs.npy, inputs-labels.npy")


if __name__ == "__main__":
    main()
