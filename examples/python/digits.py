#!/usr/bin/python3
"""The flow of digits.ipynb as a plain script: train a digit classifier, then prove with zokml.

    PYTHONPATH=build/python /usr/bin/python3 examples/python/digits.py   (or after pip install ./python)

Trains a 64-16-10 MLP on scikit-learn's 8x8 digits, calibrates its quantization, proves the class
of a private test digit, then the committed model's accuracy on 20 public test digits, and
verifies both. The circuit folders digits-circuit/ and accuracy-circuit/ go into the current folder.
Needs Debian's python3-torch, python3-numpy and python3-sklearn (docs/python.md).
"""
import numpy as np
import torch
from sklearn.datasets import load_digits

import zokml

# Train (plain PyTorch): pixels 0..16 scaled to [0, 1]; 1,000 digits train, 400 calibrate, 397 test.
X, y = load_digits(return_X_y=True)
X = (X / 16).astype(np.float32)
train, val, test = np.split(np.random.default_rng(0).permutation(len(y)), [1000, 1400])
X_train, y_train, X_val, y_val, X_test, y_test = X[train], y[train], X[val], y[val], X[test], y[test]
torch.manual_seed(0)
net = torch.nn.Sequential(torch.nn.Linear(64, 16), torch.nn.ReLU(), torch.nn.Linear(16, 10))
optimizer = torch.optim.Adam(net.parameters(), lr=0.01)
for epoch in range(200):
    optimizer.zero_grad()
    torch.nn.functional.cross_entropy(net(torch.from_numpy(X_train)), torch.from_numpy(y_train)).backward()
    optimizer.step()
net.eval()

# Calibrate: the smallest circuit that agrees with the float model on 99.5% of the records.
model = zokml.Model.from_torch(net, example=X_test[:1])
cal = zokml.calibrate(model, X_val, y_val, activation_bits=0)
print(f"calibrated: {cal.settings} (float accuracy {cal.float_accuracy:.2%})")

# A private record's class.
circuit = zokml.generate(model, "digits-circuit", cal.settings)
circuit.setup()
proof = circuit.prove(X_test[0])
print(f"proven: {proof.public} (label {y_test[0]})")
print(f"verified: {circuit.verify(proof)}")

# The committed model's accuracy on a public batch of 20 test digits (the private-model circuit
# rescales no activation: calibrate kept activation_bits 0).
owner = cal.settings.with_variant("private-model")
commitment = zokml.commit(model, owner)
batch = zokml.generate(model, "accuracy-circuit", owner, batch=X_test[:20], labels=y_test[:20])
batch.setup()
accuracy = batch.prove(threshold=18, salt=commitment.salt)
print(f"published commitment: {commitment.value}")
print(f"proven: {accuracy.public}")
print(f"verified: {batch.verify(accuracy)}")
