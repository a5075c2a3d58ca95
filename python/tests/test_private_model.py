"""A private model: its commitment, a proof of its accuracy on a public batch held in arrays, and the command's verdict."""

import numpy as np
import pytest

import zokml
from conftest import INPUTS, run_command


@pytest.fixture(scope="module")
def private_model(model, tmp_path_factory):
    rng = np.random.default_rng(3)
    batch = rng.uniform(0, 1, size=(6, INPUTS))
    labels = np.array([model._model.run(list(x))[0] for x in batch], dtype=int)
    settings = zokml.Settings(input_bits=8).with_variant("private-model")
    commitment = zokml.commit(model, settings)
    circuit = zokml.generate(model, tmp_path_factory.mktemp("pm") / "tiny-pm", settings, batch=batch, labels=labels)
    circuit.setup(progress=False)
    return circuit, commitment


def test_a_private_model_proof_reveals_the_commitment_and_the_count(private_model, tmp_path):
    circuit, commitment = private_model
    proof = circuit.prove(threshold=3, salt=commitment.salt, progress=False)
    assert int(proof.public["commitment"]) == commitment.value
    assert proof.public["threshold"] == 3 and proof.public["correct"] >= 3
    proof.save(tmp_path / "proof.json")
    code, command = run_command("verify", "--dir", circuit.folder, "--proof", tmp_path / "proof.json")
    assert code == 0 and command["public"] == proof.public == circuit.verify_details(proof)["public"]


def test_a_private_model_proof_with_another_salt_reveals_another_commitment(private_model):
    circuit, commitment = private_model
    proof = circuit.prove(threshold=1, salt=zokml.Salt.random(), progress=False)
    assert int(proof.public["commitment"]) != commitment.value


def test_a_public_batch_with_nan_is_refused_naming_the_value(model, tmp_path):
    batch = np.full((2, INPUTS), 0.5)
    batch[1, 2] = np.nan
    with pytest.raises(zokml.InputError) as error:
        zokml.generate(model, tmp_path / "pm", zokml.Settings("private-model"), batch=batch, labels=[0, 1])
    assert "inputs[1][2]" in error.value.field
