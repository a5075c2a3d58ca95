#!/usr/bin/python3
"""Trains two PyTorch models with the layers beyond a plain MLP and exports them for zokml.

    /usr/bin/python3 examples/pytorch/train_layers.py --out work/layers

Writes, into --out:
  resnet-mlp.onnx           a ResNet-style MLP on the breast cancer records (30 features scaled
                            into [-1, 1]): Linear 30-16, ReLU, a residual block
                            relu(h + Linear(relu(Linear(h)))), Dropout, Linear 16-2
  resnet-mlp-held-out.npy   the held-out records (float32, [n, 30]) and
  resnet-mlp-held-out-labels.npy  their classes (int64)
  cnn1d.onnx                a 1-D CNN on the 8x8 digits read as signals of 64 values in [0, 1]:
                            Unsqueeze to [1, 1, 64], Conv1d 1-4 (kernel 5, stride 2, padding 2),
                            ReLU, MaxPool1d 2, Flatten, Linear 64-10
  cnn1d-held-out.npy, cnn1d-held-out-labels.npy   as above ([n, 64])
  resnet-mlp-train.onnx     the ResNet-style MLP exported in training mode (its Dropout too)

The data ships with Debian's python3-sklearn (sklearn/datasets/data: breast_cancer.csv,
digits.csv.gz), read directly; torch comes from python3-torch. The same seed gives the same files.
"""
import argparse
import gzip
import os

import numpy as np
import torch
from torch import nn

DATA = "/usr/lib/python3/dist-packages/sklearn/datasets/data"


def breast_cancer():
    """(x, y): 569 records of 30 measurements and their classes (0 malignant, 1 benign)."""
    rows = np.loadtxt(os.path.join(DATA, "breast_cancer.csv"), delimiter=",", skiprows=1)
    return rows[:, :-1], rows[:, -1].astype(np.int64)


def digits():
    """(x, y): 1797 images of 8x8 values from 0 to 16 and their digits."""
    with gzip.open(os.path.join(DATA, "digits.csv.gz")) as f:
        rows = np.loadtxt(f, delimiter=",")
    return rows[:, :-1], rows[:, -1].astype(np.int64)


class ResidualMlp(nn.Module):
    def __init__(self, features, hidden, classes):
        super().__init__()
        self.stem = nn.Linear(features, hidden)
        self.inner = nn.Linear(hidden, hidden)
        self.outer = nn.Linear(hidden, hidden)
        self.dropout = nn.Dropout(0.1)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        h = torch.relu(self.stem(x))
        h = torch.relu(h + self.outer(torch.relu(self.inner(h))))
        return self.head(self.dropout(h))


class Cnn1d(nn.Module):
    def __init__(self, length, classes):
        super().__init__()
        self.conv = nn.Conv1d(1, 4, 5, stride=2, padding=2)
        self.pool = nn.MaxPool1d(2)
        self.head = nn.Linear(4 * length // 4, classes)

    def forward(self, x):
        h = self.pool(torch.relu(self.conv(x.unsqueeze(1))))
        return self.head(torch.flatten(h, 1))


def train(model, x, y, steps, lr):
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    for _ in range(steps):  # full batch: the data is small
        optimizer.zero_grad()
        loss = nn.functional.cross_entropy(model(tx), ty)
        loss.backward()
        optimizer.step()
    model.eval()
    return loss.item()


def export(model, features, path, training=False):
    mode = torch.onnx.TrainingMode.TRAINING if training else torch.onnx.TrainingMode.EVAL
    torch.onnx.export(model, torch.zeros(1, features), path, opset_version=13, training=mode,
                      do_constant_folding=not training, input_names=["x"], output_names=["logits"])


def split(rng, x, y, held_out):
    order = rng.permutation(len(x))
    return x[order[held_out:]], y[order[held_out:]], x[order[:held_out]], y[order[:held_out]]


def save(out, name, model, x, y, held_x, held_y, loss):
    export(model, x.shape[1], os.path.join(out, name + ".onnx"))
    np.save(os.path.join(out, name + "-held-out.npy"), held_x)
    np.save(os.path.join(out, name + "-held-out-labels.npy"), held_y)
    with torch.no_grad():
        accuracy = (model(torch.from_numpy(held_x)).argmax(1).numpy() == held_y).mean()
    print(f"{name}: loss {loss:.4f}, held-out accuracy {100 * accuracy:.2f}% on {len(held_y)} records")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, help="the folder to write")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = np.random.default_rng(0)
    torch.manual_seed(0)

    x, y = breast_cancer()
    x_train, y_train, x_held, y_held = split(rng, x, y, 169)
    low, high = x_train.min(axis=0), x_train.max(axis=0)  # scaled into [-1, 1] by the training range
    scale = lambda v: np.clip(2 * (v - low) / (high - low) - 1, -1, 1).astype(np.float32)
    mlp = ResidualMlp(30, 16, 2)
    loss = train(mlp, scale(x_train), y_train, 400, 0.01)
    save(args.out, "resnet-mlp", mlp, scale(x_train), y_train, scale(x_held), y_held, loss)
    mlp.train()
    export(mlp, 30, os.path.join(args.out, "resnet-mlp-train.onnx"), training=True)

    x, y = digits()
    x = (x / 16).astype(np.float32)
    x_train, y_train, x_held, y_held = split(rng, x, y, 297)
    cnn = Cnn1d(64, 10)
    loss = train(cnn, x_train, y_train, 400, 0.02)
    save(args.out, "cnn1d", cnn, x_train, y_train, x_held, y_held, loss)


if __name__ == "__main__":
    main()
