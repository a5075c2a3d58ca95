"""Errors map to the command's exception classes, with the file and the field named; inputs are refused, never clamped."""

import json

import numpy as np
import pytest

import zokml
from conftest import INPUTS


@pytest.mark.parametrize("value, field", [(np.nan, "inputs[0][3]"), (np.inf, "inputs[0][3]"), (1.5, "inputs[0][3]"),
                                          (-0.1, "inputs[0][3]")])
def test_an_input_with_nan_or_out_of_range_is_refused_naming_the_value(circuit, value, field):
    x = np.full(INPUTS, 0.5, dtype=np.float32)
    x[3] = value
    with pytest.raises(zokml.InputError) as error:
        circuit.prove(x, progress=False)
    assert error.value.field == field and error.value.exit_code == 3
    assert field in str(error.value)


def test_an_input_of_the_wrong_width_is_refused(circuit):
    with pytest.raises(zokml.InputError, match="7 values, the model takes 8") as error:
        circuit.prove(np.zeros(INPUTS - 1), progress=False)
    assert error.value.field == "inputs[0]"


def test_a_batch_file_of_several_records_without_an_index_is_refused_as_the_command_refuses_it(circuit, tmp_path):
    batch = tmp_path / "x.csv"
    batch.write_text("0.5," * (INPUTS - 1) + "0.5\n" + "0.25," * (INPUTS - 1) + "0.25\n")
    with pytest.raises(zokml.UsageError, match="holds 2 inputs: choose one by its index"):
        circuit.prove(batch, progress=False)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_a_numpy_batch_with_nan_is_refused_whatever_its_float_dtype(circuit, dtype):
    batch = np.full((3, INPUTS), 0.5, dtype=dtype)
    batch[2, 5] = np.nan
    with pytest.raises(zokml.InputError) as error:
        circuit.prove_many(batch, progress=False)
    assert error.value.field == "inputs[2][5]" and "not a finite number" in error.value.reason


def test_a_numpy_batch_of_the_wrong_width_or_out_of_range_is_refused(circuit):
    with pytest.raises(zokml.InputError) as error:
        circuit.prove_many(np.zeros((2, INPUTS + 1)), progress=False)
    assert error.value.field == "inputs[0]"
    batch = np.full((2, INPUTS), 0.5)
    batch[1, 0] = 1.7
    with pytest.raises(zokml.InputError, match="outside the model's input range") as error:
        circuit.prove_many(batch, progress=False)
    assert error.value.field == "inputs[1][0]"


def test_a_batch_that_is_not_numbers_is_refused():
    with pytest.raises(zokml.InputError, match="expected numbers"):
        zokml.Circuit(".").prove_many(np.array([["a", "b"]]), progress=False)


def test_a_setting_out_of_range_names_the_option():
    with pytest.raises(zokml.InputError) as error:
        zokml.Settings(input_bits=99)
    assert error.value.field.endswith("input_bits")


def test_an_option_of_another_variant_or_an_unknown_variant_is_a_usage_error():
    with pytest.raises(zokml.UsageError, match="threshold|claimed_class"):
        zokml.Settings("private-model", claimed_class=True)
    with pytest.raises(zokml.UsageError, match="private-input"):
        zokml.Settings("public-everything")


def test_a_missing_model_file_names_the_file(tmp_path):
    with pytest.raises(zokml.InputError) as error:
        zokml.Model.load(tmp_path / "none.json")
    assert error.value.file.endswith("none.json")


def test_a_malformed_model_names_the_field(tmp_path):
    (tmp_path / "m.json").write_text(json.dumps({"format": "zokml-model", "version": 1, "name": "m",
                                                  "input": {"size": 2, "min": 0, "max": 1}, "layers": [{"type": "nope"}]}))
    with pytest.raises(zokml.InputError) as error:
        zokml.Model.load(tmp_path / "m.json")
    assert error.value.field.startswith("layers[0]")


def test_proving_before_setup_is_an_input_error_naming_the_folder(model, tmp_path):
    circuit = zokml.generate(model, tmp_path / "c", zokml.Settings())
    with pytest.raises(zokml.InputError):
        circuit.prove(np.zeros(INPUTS), progress=False)


def test_a_document_that_is_not_a_proof_is_an_input_error(circuit):
    with pytest.raises(zokml.InputError, match="not a proof"):
        circuit.verify({"proof": 1})


def test_every_error_is_a_zokml_error():
    for cls in (zokml.InputError, zokml.UsageError, zokml.ToolchainError, zokml.ZokmlIOError):
        assert issubclass(cls, zokml.Error)


def test_the_salt_never_shows_in_its_repr_or_str():
    salt = zokml.Salt.random()
    commitment = zokml.Commitment(5, salt)
    secret = salt._salt.reveal()
    for text in (repr(salt), str(salt), repr(commitment)):
        assert secret not in text


def test_a_salt_file_is_never_overwritten(tmp_path):
    zokml.Salt.random().save(tmp_path / "s.salt")
    with pytest.raises(zokml.InputError, match="never replaced"):
        zokml.Salt.random().save(tmp_path / "s.salt")
    assert (tmp_path / "s.salt").stat().st_mode & 0o077 == 0


def test_a_toolchain_that_cannot_run_is_a_toolchain_error(circuit, monkeypatch, tmp_path):
    monkeypatch.setenv("ZOKML_ZOKRATES", str(tmp_path / "no-zokrates"))
    with pytest.raises(zokml.ToolchainError, match="no-zokrates is not an executable file") as error:
        circuit.compile(progress=False)
    assert error.value.exit_code == 4 and error.value.step
