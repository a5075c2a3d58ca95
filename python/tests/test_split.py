"""Split proving from Python (docs/split-proving.md): each binding returns what the command returns on
the same files, tampered bundles are refused with their problems named, and the both-private circuit
proves and verifies as the command does. The tiny model (8-6-3) in one part per layer keeps every
program small: three programs and three sub-proofs a statement."""

import copy
import json

import numpy as np
import pytest

import zokml
from conftest import INPUTS, run_command

NEURONS = 6  # the hidden layer in one part: the fewest sub-proofs


def batch_file(path, inputs, labels=None):
    """A zokml-batch file of float inputs (and labels), for the command."""
    document = {"format": "zokml-batch", "version": 1, "inputs": np.asarray(inputs).tolist()}
    if labels is not None:
        document["labels"] = [int(v) for v in labels]
    path.write_text(json.dumps(document))
    return path


@pytest.fixture(scope="module")
def owner(model, tmp_path_factory):
    """The model owner's published layout, and its salt and layout as the command's files."""
    folder = tmp_path_factory.mktemp("owner")
    layout = zokml.publish_layout(model, zokml.Settings(input_bits=8), neurons_per_part=NEURONS)
    layout.commitment.salt.save(folder / "owner.salt")
    layout.save(folder / "layout.json")
    return layout, folder


@pytest.fixture(scope="module")
def batch(model):
    rng = np.random.default_rng(5)
    inputs = rng.uniform(0, 1, size=(4, INPUTS))
    return inputs, np.array([model._model.run(list(x))[0] for x in inputs])


@pytest.fixture(scope="module")
def accuracy(model, owner, batch, tmp_path_factory):
    """A private-model split folder on the batch (one slice), and a bundle proven in it (two sub-proofs at
    a time, with the progress bar: its callback runs in the proving threads)."""
    layout, _ = owner
    folder = tmp_path_factory.mktemp("split") / "accuracy"
    setup = zokml.split_setup(layout, folder, *batch, inputs_per_slice=4, progress=False)
    bundle = zokml.split_prove(folder, model, layout.commitment.salt, jobs=2)
    return folder, setup, bundle


def test_publish_layout_gives_the_command_s_layout_for_the_same_salt(owner, model_file, tmp_path):
    layout, files = owner
    _, command = run_command("commit", "--model", model_file, "--salt", files / "owner.salt", "--input-bits", 8, "--split",
                             "--neurons-per-part", NEURONS, "--layout", tmp_path / "layout.json")
    assert int(command["commitment"]) == layout.commitment.value
    assert layout.commitment.hex == f"0x{int(command['commitment']):064x}"
    assert zokml.Layout.load(tmp_path / "layout.json") == layout == zokml.Layout.load(files / "layout.json")
    assert layout.neurons_per_part == NEURONS and [p["count"] for p in layout.parts] == [6, 3]


def test_split_setup_sets_up_the_programs_the_command_sets_up(accuracy, owner, batch, tmp_path):
    folder, setup, _ = accuracy
    _, command = run_command("split-setup", "--layout", owner[1] / "layout.json", "--dir", tmp_path / "split",
                             "--batch", batch_file(tmp_path / "batch.json", *batch), "--inputs-per-slice", 4)
    assert setup["programs"] == command["programs"] and len(setup["programs"]) == 3
    assert (folder / "batch.json").read_text() == (tmp_path / "split" / "batch.json").read_text()


def test_split_prove_states_the_accuracy_and_verify_bundle_gives_the_command_s_verdict(accuracy, owner, tmp_path):
    folder, _, bundle = accuracy
    bundle.save(tmp_path / "bundle.json")
    code, command = run_command("verify", "--dir", folder, "--bundle", tmp_path / "bundle.json")
    verdict = zokml.verify_bundle(folder, zokml.Bundle.load(tmp_path / "bundle.json"), progress=False)
    assert code == 0 and verdict and verdict.verified is True and verdict.problems == command["problems"] == []
    assert bundle.public == verdict.public == command["public"]
    assert bundle.public["variant"] == "private-model" and bundle.proofs == 3
    assert bundle.public["threshold"] == bundle.public["correct"] >= 3
    assert bundle.commitment.value == owner[0].commitment.value
    assert set(bundle.times) == {"reference_s", "witness_s", "prove_s", "wall_s"}


def refused(folder, document):
    """The problems of a tampered bundle's verdict, which must not be verified."""
    verdict = zokml.verify_bundle(folder, document, progress=False)
    assert verdict.verified is False and not verdict
    return verdict.problems


def test_a_bundle_with_another_threshold_is_refused_naming_the_aggregate(accuracy):
    folder, _, bundle = accuracy
    document = copy.deepcopy(bundle.json)
    document["threshold"] -= 1
    problems = refused(folder, document)
    assert any("aggregate" in p and "threshold" in p for p in problems), problems


def test_a_bundle_with_a_changed_proof_is_refused_naming_the_sub_proof(accuracy):
    folder, _, bundle = accuracy
    document = copy.deepcopy(bundle.json)
    member = document["proofs"][0]
    member["proof"]["proof"]["a"], member["proof"]["proof"]["c"] = member["proof"]["proof"]["c"], member["proof"]["proof"]["a"]
    problems = refused(folder, document)
    assert problems == [f"part {member['part']}: the proof does not verify"]


def test_split_prove_with_another_salt_is_an_input_error_before_any_proof(accuracy, model):
    folder, _, _ = accuracy
    with pytest.raises(zokml.InputError) as error:
        zokml.split_prove(folder, model, zokml.Salt.random(), progress=False)
    assert error.value.field == "(model)" and "salt" in error.value.reason


def test_a_threshold_above_the_count_is_an_input_error_naming_it(accuracy, model, owner):
    folder, _, bundle = accuracy
    with pytest.raises(zokml.InputError) as error:
        zokml.split_prove(folder, model, owner[0].commitment.salt, threshold=bundle.public["correct"] + 1, progress=False)
    assert error.value.field == "threshold"


def test_a_batch_with_fewer_labels_than_inputs_is_refused_naming_the_labels(owner, batch, tmp_path):
    inputs, labels = batch
    with pytest.raises(zokml.InputError) as error:
        zokml.split_setup(owner[0], tmp_path / "split", inputs, labels[:-1], progress=False)
    assert error.value.field == "labels"


def test_an_empty_batch_is_refused_as_an_input_error(owner, tmp_path):
    with pytest.raises(zokml.InputError) as error:
        zokml.split_setup(owner[0], tmp_path / "split", np.zeros((0, INPUTS)), [], progress=False)
    assert error.value.field == "batch" and error.value.reason == "the batch has no input"


@pytest.fixture(scope="module")
def inference(model, owner, batch, tmp_path_factory):
    """An inference split folder for two public inputs (one slice), and a bundle of their classes."""
    layout, _ = owner
    folder = tmp_path_factory.mktemp("split") / "inference"
    zokml.split_setup(layout, folder, batch_size=2, variant="inference", inputs_per_slice=2, progress=False)
    inputs = batch[0][:2]
    return folder, inputs, zokml.split_prove(folder, model, layout.commitment.salt, inputs=inputs, jobs=2, progress=False)


def test_an_inference_bundle_states_the_model_s_classes_and_verifies_on_its_inputs(inference, model):
    folder, inputs, bundle = inference
    assert bundle.public["variant"] == "inference"
    assert bundle.public["classes"] == [model._model.run(list(x))[0] for x in inputs]
    verdict = zokml.verify_bundle(folder, bundle, inputs=inputs, progress=False)
    assert verdict.verified and verdict.problems == [] and verdict.public == bundle.public


def test_an_inference_bundle_on_other_inputs_is_refused(inference):
    folder, inputs, bundle = inference
    verdict = zokml.verify_bundle(folder, bundle, inputs=inputs[::-1], progress=False)
    assert not verdict.verified and any("input" in p for p in verdict.problems), verdict.problems


def test_an_inference_bundle_without_its_inputs_is_an_input_error(inference):
    folder, _, bundle = inference
    with pytest.raises(zokml.InputError) as error:
        zokml.verify_bundle(folder, bundle, progress=False)
    assert error.value.field == "inputs"


def test_a_both_private_proof_reveals_the_class_and_commitment_and_verifies_as_by_the_command(model, tmp_path):
    settings = zokml.Settings("both-private", input_bits=8)
    commitment = zokml.commit(model, settings)
    circuit = zokml.generate(model, tmp_path / "both", settings)
    circuit.setup(progress=False)
    x = np.linspace(0.9, 0.1, INPUTS)
    proof = circuit.prove(x, salt=commitment.salt, progress=False)
    assert int(proof.public["commitment"], 0) == commitment.value
    assert proof.public["class"] == model._model.run(list(x))[0]
    proof.save(tmp_path / "proof.json")
    code, command = run_command("verify", "--dir", circuit.folder, "--proof", tmp_path / "proof.json")
    verdict = circuit.verify_details(proof)
    assert code == 0 and command["verified"] is True and verdict["verified"] is True
    assert verdict["public"] == command["public"] == proof.public
