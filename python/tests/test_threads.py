"""The GIL is released while proving: Python keeps running, and two threads prove at once."""

import threading
import time

import numpy as np

from conftest import INPUTS


def test_python_keeps_running_while_a_proof_runs(circuit):
    ticks = []
    proving = threading.Event()
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            if proving.is_set():
                ticks.append(time.monotonic())
            time.sleep(0.002)

    ticker = threading.Thread(target=tick)
    ticker.start()
    proving.set()
    started = time.monotonic()
    proof = circuit.prove(np.full(INPUTS, 0.5), progress=False)
    ended = time.monotonic()
    proving.clear()
    stop.set()
    ticker.join()
    during = [t for t in ticks if started < t < ended]
    assert proof.public["class"] in (0, 1, 2)
    # a tick every ~2 ms while the proof ran (seconds): with the GIL held there would be none
    assert len(during) > 0.25 * (ended - started) / 0.002


def test_two_threads_prove_at_once_and_both_finish(circuit):
    x = [np.full(INPUTS, 0.2), np.full(INPUTS, 0.8)]
    expected = [circuit.prove(v, progress=False).public for v in x]
    results, spans = [None, None], [None, None]

    def prove(i):
        started = time.monotonic()
        results[i] = circuit.prove(x[i], progress=False).public
        spans[i] = (started, time.monotonic())

    threads = [threading.Thread(target=prove, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == expected
    # the proofs overlapped: each started before the other ended
    assert spans[0][0] < spans[1][1] and spans[1][0] < spans[0][1]


def test_prove_many_proves_a_batch_with_two_sessions(circuit):
    batch = np.linspace(0, 1, 2 * INPUTS).reshape(2, INPUTS)
    proofs = circuit.prove_many(batch, jobs=2, progress=False)
    assert [p.public for p in proofs] == [circuit.prove(x, progress=False).public for x in batch]
    assert all(circuit.verify(p) for p in proofs[:1])
