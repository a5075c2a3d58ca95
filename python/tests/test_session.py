"""A circuit's prover kept warm: the same proofs as one-shot proving, each checked and verified."""

import numpy as np
import pytest

import zokml
from conftest import INPUTS


def test_a_session_proves_many_records_warm_as_prove_proves_each(circuit):
    records = np.linspace(0, 1, 3 * INPUTS).reshape(3, INPUTS)
    with circuit.session() as session:
        proofs = [session.prove(x) for x in records]
    assert [p.public for p in proofs] == [circuit.prove(x, progress=False).public for x in records]
    assert all(circuit.verify(p) for p in proofs)
    assert proofs[0].json["proof"] != proofs[1].json["proof"]


def test_a_session_refuses_what_prove_refuses_and_goes_on(circuit):
    with circuit.session() as session:
        outside = np.full(INPUTS, 0.5)
        outside[3] = 1.5
        with pytest.raises(zokml.InputError) as error:
            session.prove(outside)
        assert error.value.field == "inputs[0][3]"
        assert circuit.verify(session.prove(np.full(INPUTS, 0.5)))


def test_a_closed_session_proves_nothing(circuit):
    session = circuit.session()
    session.close()
    with pytest.raises(zokml.UsageError):
        session.prove(np.full(INPUTS, 0.5))
