"""Each binding returns what the command returns on the same files."""

import json

import numpy as np

import zokml
from conftest import INPUTS, run_command


def test_prove_reveals_what_the_command_proves_for_the_same_input(circuit, tmp_path):
    x = np.linspace(0.05, 0.95, INPUTS)
    batch = tmp_path / "x.json"
    batch.write_text(json.dumps({"format": "zokml-batch", "version": 1, "inputs": [x.tolist()]}))
    _, command = run_command("prove", "--dir", circuit.folder, "--input", batch, "--proof", tmp_path / "proof.json")
    proof = circuit.prove(x, progress=False)
    assert proof.public == command["public"]
    assert set(proof.json) == {"scheme", "curve", "proof", "inputs"}
    assert proof.json["inputs"] == json.loads((tmp_path / "proof.json").read_text())["inputs"]


def test_verify_gives_the_command_verdict_on_the_same_proof(circuit, tmp_path):
    proof = circuit.prove(np.full(INPUTS, 0.5), progress=False)
    proof.save(tmp_path / "proof.json")
    code, command = run_command("verify", "--dir", circuit.folder, "--proof", tmp_path / "proof.json")
    verdict = circuit.verify_details(proof)
    assert code == 0 and command["verified"] is True and verdict["verified"] is True
    assert verdict["public"] == command["public"]
    assert verdict["backend"] == command["backend"] and verdict["setup"] == command["setup"]


def test_a_tampered_proof_fails_as_it_fails_the_command(circuit, tmp_path):
    proof = circuit.prove(np.full(INPUTS, 0.25), progress=False)
    document = json.loads(json.dumps(proof.json))
    document["inputs"][-1] = "0x" + format(int(document["inputs"][-1], 16) ^ 1, "064x")
    (tmp_path / "bad.json").write_text(json.dumps(document))
    code, command = run_command("verify", "--dir", circuit.folder, "--proof", tmp_path / "bad.json", check=False)
    assert code == 1 and command["verified"] is False
    assert circuit.verify(document) is False


def test_commit_gives_the_command_commitment_for_the_same_salt(model, model_file, tmp_path):
    salt_file = tmp_path / "owner.salt"
    _, command = run_command("commit", "--model", model_file, "--salt", salt_file, "--input-bits", 8)
    commitment = zokml.commit(model, zokml.Settings(input_bits=8), zokml.Salt.load(salt_file))
    assert commitment.value == int(command["commitment"])
    assert commitment.hex == f"0x{int(command['commitment']):064x}"


def test_a_saved_salt_gives_the_command_the_same_commitment(model, model_file, tmp_path):
    commitment = zokml.commit(model, zokml.Settings())
    commitment.salt.save(tmp_path / "owner.salt")
    _, command = run_command("commit", "--model", model_file, "--salt", tmp_path / "owner.salt")
    assert command["salt_created"] is False and int(command["commitment"]) == commitment.value


def test_settings_round_trip_through_the_command_s_settings_file(tmp_path):
    settings = zokml.Settings(input_bits=6, weight_bits=8, input_range=(-1, 1))
    settings.save(tmp_path / "s.json")
    assert zokml.Settings.load(tmp_path / "s.json") == settings
    assert settings.input_bits == 6 and settings.input_range == (-1.0, 1.0)
    assert settings.with_variant("private-model").to_dict()["options"]["weight_bits"] == 8


def test_export_verifier_is_the_command_s_contract(circuit, tmp_path):
    run_command("export-verifier", "--dir", circuit.folder, "--out", tmp_path / "v.sol")
    assert circuit.export_verifier() == (tmp_path / "v.sol").read_text()


def test_prove_reads_an_input_file_as_the_command_does(circuit, tmp_path):
    rows = [np.full(INPUTS, 0.25), np.linspace(0.05, 0.95, INPUTS)]
    batch = tmp_path / "x.csv"
    batch.write_text("".join(",".join(str(v) for v in row) + "\n" for row in rows))
    _, command = run_command("prove", "--dir", circuit.folder, "--input", batch, "--index", "1", "--proof", tmp_path / "proof.json")
    assert circuit.prove(batch, index=1, progress=False).public == command["public"]


def test_commit_with_a_settings_range_gives_the_command_commitment_for_that_range(model, model_file, tmp_path):
    salt_file = tmp_path / "owner.salt"
    _, command = run_command("commit", "--model", model_file, "--salt", salt_file, "--input-min", -1, "--input-max", 1)
    commitment = zokml.commit(model, zokml.Settings(input_range=(-1, 1)), zokml.Salt.load(salt_file))
    assert commitment.value == int(command["commitment"])
