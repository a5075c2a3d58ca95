"""zokml.calibrate runs the command's search on the same data and chooses the same candidate."""

import numpy as np
import pytest

import zokml
from conftest import INPUTS, run_command


@pytest.fixture(scope="module")
def labelled(model):
    rng = np.random.default_rng(7)
    inputs = rng.uniform(0, 1, size=(60, INPUTS))
    labels = np.array([model._model.run(list(x))[0] for x in inputs], dtype=int)  # the float model's classes
    return inputs, labels


def test_calibrate_gives_the_command_s_candidates_and_choice(model, model_file, labelled, tmp_path):
    inputs, labels = labelled
    np.save(tmp_path / "x.npy", inputs)
    np.save(tmp_path / "y.npy", labels)
    _, command = run_command("calibrate", "--model", model_file, "--data", tmp_path / "x.npy", "--labels", tmp_path / "y.npy",
                             "--out", tmp_path / "settings.json")
    cal = zokml.calibrate(model, inputs.astype(np.float32), labels, progress=False)
    assert cal.candidates == command["candidates"]
    assert cal.goal_met == command["goal_met"] and cal.float_accuracy == command["float_accuracy"]
    assert {k: cal.chosen[k] for k in cal.chosen} == {k: command["chosen"][k] for k in cal.chosen}
    assert cal.settings == zokml.Settings.load(tmp_path / "settings.json")


def test_calibrate_refuses_data_outside_the_model_s_range(model, labelled):
    inputs, labels = labelled
    inputs = inputs.copy()
    inputs[4, 2] = 2.0
    with pytest.raises(zokml.InputError) as error:
        zokml.calibrate(model, inputs, labels, progress=False)
    assert error.value.field == "inputs[4][2]"


def test_calibrate_takes_the_range_from_the_data_when_asked(model, labelled):
    inputs, labels = labelled
    cal = zokml.calibrate(model, inputs * 2 - 1, labels, range_from_data=True, progress=False)
    assert cal.input_range["source"] == "data" and cal.settings.input_range[0] < -0.9


def test_a_width_given_is_kept_as_the_command_s_flag_keeps_it(model, model_file, labelled, tmp_path):
    inputs, labels = labelled
    np.save(tmp_path / "x.npy", inputs)
    np.save(tmp_path / "y.npy", labels)
    _, command = run_command("calibrate", "--model", model_file, "--data", tmp_path / "x.npy", "--labels", tmp_path / "y.npy",
                             "--activation-bits", "0", "--out", tmp_path / "settings.json")
    cal = zokml.calibrate(model, inputs, labels, activation_bits=0, progress=False)
    assert cal.candidates == command["candidates"]
    assert {c["activation_bits"] for c in cal.candidates} == {0}
    assert cal.settings == zokml.Settings.load(tmp_path / "settings.json") and cal.settings.activation_bits == 0
