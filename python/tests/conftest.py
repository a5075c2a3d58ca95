"""Shared fixtures: a tiny model, this build's zokml command, and one circuit folder set up once."""

import json
import os
import random
import subprocess
from pathlib import Path

import pytest

import zokml

BUILD_DIR = Path(os.environ.get("ZOKML_BUILD_DIR", Path(__file__).resolve().parents[2] / "build"))
SOURCE_DIR = Path(os.environ.get("ZOKML_SOURCE_DIR", Path(__file__).resolve().parents[2]))
INPUTS = 8


def tiny_model(path):
    """8 inputs in [0, 1], 6 hidden ReLU units, 3 classes: a circuit of a few hundred constraints."""
    rng = random.Random(1)
    hidden, classes = 6, 3
    model = {
        "format": "zokml-model", "version": 1, "name": "tiny", "input": {"size": INPUTS, "min": 0.0, "max": 1.0},
        "layers": [
            {"type": "dense", "inputs": INPUTS, "outputs": hidden,
             "biases": [round(rng.uniform(-0.2, 0.2), 3) for _ in range(hidden)],
             "weights": [[round(rng.uniform(-1, 1), 3) for _ in range(INPUTS)] for _ in range(hidden)]},
            {"type": "relu"},
            {"type": "dense", "inputs": hidden, "outputs": classes, "biases": [0.0] * classes,
             "weights": [[round(rng.uniform(-1, 1), 3) for _ in range(hidden)] for _ in range(classes)]},
            {"type": "argmax"},
        ],
    }
    path.write_text(json.dumps(model))
    return path


def run_command(*args, check=True):
    """This build's zokml command with --json: (exit code, its JSON result or None)."""
    done = subprocess.run([str(BUILD_DIR / "zokml"), *map(str, args), "--json"], capture_output=True, text=True)
    if check and done.returncode != 0:
        raise AssertionError(f"zokml {' '.join(map(str, args))}: exit {done.returncode}\n{done.stderr}")
    return done.returncode, (json.loads(done.stdout) if done.stdout.strip() else None)


@pytest.fixture(scope="session")
def model_file(tmp_path_factory):
    return tiny_model(tmp_path_factory.mktemp("model") / "tiny.json")


@pytest.fixture(scope="session")
def model(model_file):
    return zokml.Model.load(model_file)


@pytest.fixture(scope="session")
def circuit(model, tmp_path_factory):
    """A private-input circuit folder of the tiny model, set up once for every test."""
    circuit = zokml.generate(model, tmp_path_factory.mktemp("circuit") / "tiny", zokml.Settings(input_bits=8))
    circuit.setup(progress=False)
    return circuit
