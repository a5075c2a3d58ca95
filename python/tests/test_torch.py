"""A torch module exported in memory, torch tensors as inputs, and an import that leaves torch alone."""

import subprocess
import sys
import time

import numpy as np
import pytest

import zokml


def test_import_zokml_takes_at_most_0_3_s_and_imports_no_torch():
    script = ("import sys, time; t = time.perf_counter(); import zokml; "
              "print(time.perf_counter() - t, 'torch' in sys.modules)")
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True).stdout.split()
            for _ in range(3)]
    assert min(float(seconds) for seconds, _ in runs) <= 0.3
    assert all(torch == "False" for _, torch in runs)


def test_a_torch_module_proves_its_own_class_from_a_tensor(tmp_path):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    net = torch.nn.Sequential(torch.nn.Linear(6, 5), torch.nn.ReLU(), torch.nn.Linear(5, 3))
    x = torch.rand(4, 6)
    model = zokml.Model.from_torch(net, example=x[:1], name="net")
    assert (model.name, model.parameters, model.input_shape, model.classes) == ("net", 6 * 5 + 5 + 5 * 3 + 3, (6,), 3)
    assert not any(tmp_path.iterdir())  # nothing written until generate
    circuit = zokml.generate(model, tmp_path / "net", zokml.Settings(input_bits=8, input_range=(0, 1)))
    assert (tmp_path / "net" / "model.onnx").exists()
    circuit.setup(progress=False)
    with torch.no_grad():
        logits = net(x)
    top = logits.topk(2).values
    row = int((top[:, 0] - top[:, 1]).argmax())  # the clearest class: quantization keeps it
    proof = circuit.prove(x[row].to(torch.float16), progress=False)  # any float dtype
    assert proof.public["class"] == int(logits[row].argmax())
