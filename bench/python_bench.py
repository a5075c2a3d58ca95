#!/usr/bin/python3
"""Benchmark of the Python package against the C++ library, in one run (issue 23's targets):

  import_s              `import zokml` in a fresh interpreter (median of --imports runs; target <= 0.3 s)
  session_prove_s       a private-input proof of 784-56-10 from a NumPy array in a warm Python session
                        (Circuit.session), median of --samples proofs
  cpp_session_prove_s   the same proofs of the same records through the C++ library's prover session
                        (`zokml prove --inputs` with one session: prove_folder_batch), median
  python_vs_cpp         session_prove_s / cpp_session_prove_s (target <= 1.05)

Both sides prove the same records (uniform in [0, 1], fixed seed) with the same folder and keys,
alternating rounds so that a change of machine load falls on both. Merges the row ("784-56-10",
"python") into bench/results.json (--results).

  PYTHONPATH=build/python bench/python_bench.py [--build build] [--samples 30] [--imports 10] [--results FILE]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def import_seconds(runs, env):
    code = "import time; t = time.perf_counter(); import zokml; print(time.perf_counter() - t)"
    return statistics.median(float(subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                                                  text=True).stdout) for _ in range(runs))


def cpp_session(zokml_command, folder, records, work):
    inputs = os.path.join(work, "records.json")
    with open(inputs, "w") as f:
        json.dump({"format": "zokml-batch", "version": 1, "inputs": records.tolist()}, f)
    result = subprocess.run([zokml_command, "prove", "--dir", folder, "--inputs", inputs, "--jobs", "1", "--json"], check=True,
                            capture_output=True, text=True)
    proofs = sorted(json.loads(result.stdout)["proofs"], key=lambda p: p["index"])
    return [p["seconds"] for p in proofs[1:]]  # the first proof starts the session


def python_session(circuit, records):
    each = []
    with circuit.session() as session:
        session.prove(records[0])  # starts the session, as on the C++ side
        for x in records[1:]:
            started = time.perf_counter()
            session.prove(x)
            each.append(time.perf_counter() - started)
    return each


def merge(results, row):
    rows = json.load(open(results)) if os.path.exists(results) else []
    rows = [r for r in rows if (r.get("model"), r.get("variant")) != (row["model"], row["variant"])] + [row]
    with open(results + ".tmp", "w") as f:
        f.write(json.dumps(rows, indent=2) + "\n")
    os.replace(results + ".tmp", results)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--build", default=os.path.join(ROOT, "build"))
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--imports", type=int, default=10)
    parser.add_argument("--results", default=os.path.join(ROOT, "bench", "results.json"))
    args = parser.parse_args()
    env = dict(os.environ, PYTHONPATH=os.path.join(args.build, "python"))
    sys.path.insert(0, env["PYTHONPATH"])
    import numpy as np

    import zokml

    import_s = import_seconds(args.imports, env)
    with tempfile.TemporaryDirectory(prefix="zokml-python-bench-") as work:
        model = zokml.Model.load(os.path.join(ROOT, "examples", "models", "mnist-784-56-10.json"))
        circuit = zokml.generate(model, os.path.join(work, "circuit"), zokml.Settings("private-input"))
        circuit.setup(progress=False)
        records = np.random.default_rng(1).uniform(0, 1, size=(args.samples // 2 + 1, 784))
        cpp, python = [], []
        for _ in range(2):  # alternating rounds
            cpp += cpp_session(os.path.join(args.build, "zokml"), circuit.folder, records, work)
            python += python_session(circuit, records)
    row = {"model": "784-56-10", "variant": "python", "import_s": import_s, "session_prove_s": statistics.median(python),
           "cpp_session_prove_s": statistics.median(cpp), "session_samples": len(python)}
    row["python_vs_cpp"] = row["session_prove_s"] / row["cpp_session_prove_s"]
    print(f"{'import_s':>10} {'python_s':>10} {'cpp_s':>10} {'ratio':>7} {'samples':>8}")
    print(f"{import_s:10.3f} {row['session_prove_s']:10.3f} {row['cpp_session_prove_s']:10.3f} {row['python_vs_cpp']:7.3f} "
          f"{len(python):8d}")
    merge(args.results, row)
    print(f"row written to {args.results}")


if __name__ == "__main__":
    main()
