"""Exports small PyTorch MLPs with the activations zokml approximates or computes exactly.

    python3 export_activations.py OUT_DIR

For each model NAME: OUT_DIR/NAME.onnx (torch.onnx.export, opset 13) and OUT_DIR/NAME.json with
inputs in [-1, 1] and PyTorch's outputs for them, which the test compares with zokml's float run.
The weights are trained a few steps on a synthetic 3-class task so that the classes are not all one.
"""
import json
import sys

import torch

torch.manual_seed(7)
out = sys.argv[1]
inputs = torch.rand(64, 6) * 2 - 1
labels = ((inputs[:, 0] + inputs[:, 1] * inputs[:, 2] > 0).long() + (inputs[:, 3] > 0.5).long())

models = {
    "sigmoid-tanh": [torch.nn.Linear(6, 8), torch.nn.Sigmoid(), torch.nn.Linear(8, 8), torch.nn.Tanh(), torch.nn.Linear(8, 3)],
    "hard": [torch.nn.Linear(6, 8), torch.nn.Hardtanh(), torch.nn.Linear(8, 8), torch.nn.Hardsigmoid(), torch.nn.Linear(8, 8),
             torch.nn.ReLU6(), torch.nn.Linear(8, 3)],
    "silu-gelu": [torch.nn.Linear(6, 8), torch.nn.SiLU(), torch.nn.Linear(8, 8), torch.nn.GELU(), torch.nn.Linear(8, 3)],
}
# LayerNorm, which zokml refuses with a hint, at both of torch's forms.
layer_norm = torch.nn.Sequential(torch.nn.Linear(6, 8), torch.nn.LayerNorm(8), torch.nn.Linear(8, 3)).eval()
for opset in (13, 17):
    torch.onnx.export(layer_norm, torch.zeros(1, 6), f"{out}/layernorm-{opset}.onnx", opset_version=opset)

for name, layers in models.items():
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=0.05)
    for _ in range(200):
        optimizer.zero_grad()
        torch.nn.functional.cross_entropy(model(inputs), labels).backward()
        optimizer.step()
    model.eval()
    torch.onnx.export(model, torch.zeros(1, 6), f"{out}/{name}.onnx", opset_version=13)
    with torch.no_grad():
        outputs = model(inputs)
    with open(f"{out}/{name}.json", "w") as f:
        json.dump({"inputs": inputs.tolist(), "outputs": outputs.tolist(), "labels": labels.tolist()}, f)
