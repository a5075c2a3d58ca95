#!/usr/bin/python3
"""Runs the Python example (examples/python/digits.ipynb headless, then digits.py) and checks its outputs.

    scripts/notebook-test.py [--build-dir build] [--work DIR] [--render DIR] [--no-script]

The notebook runs with nbclient in a Jupyter kernel of this interpreter (Debian's python3 with
python3-nbclient and python3-ipykernel), its working folder a fresh temporary one (or --work), the
build's package first on PYTHONPATH (BUILD/python, docs/python.md). Checked, cell by cell:
  - no cell raised, and no cell wrote to stderr but progress bars;
  - a cell that ends with a `.verify(...)` shows True;
  - a cell that draws (plt., ax.) shows a PNG image;
then a cell the test appends (never part of the notebook) checks the values behind them: the proven
class is the float model's prediction, the accuracy proof's public values are the threshold asked
for, a count that reaches it and the published commitment.
The script digits.py then runs in the same folder (its compiled circuits and keys come from zokml's
cache) and must print both proofs verified. --render DIR writes the executed notebook as Markdown
with its plots (DIR/digits.md, DIR/digits_files/), the rendering docs/python.md links to.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK = ROOT / "examples" / "python" / "digits.ipynb"
SCRIPT = ROOT / "examples" / "python" / "digits.py"
CHECKS = """# notebook-test's checks, appended to the notebook by scripts/notebook-test.py
assert cal.goal_met, cal.chosen
assert circuit.verify(proof) is True
assert proof.public["class"] == int(predicted[0]), (proof.public, int(predicted[0]))
assert batch.verify(accuracy) is True
assert accuracy.public["threshold"] == 18, accuracy.public
assert 18 <= accuracy.public["correct"] <= 20, accuracy.public
assert int(accuracy.public["commitment"], 0) == commitment.value, (accuracy.public, commitment)
"""


def text_of(output):
    if output["output_type"] == "stream":
        return output["text"]
    return output.get("data", {}).get("text/plain", "")


def progress_only(output):
    """A progress bar's redraw of its line on stderr (tqdm: "\\r" and the bar, never a newline)."""
    return (output["output_type"] == "stream" and output["name"] == "stderr"
            and output["text"].startswith("\r") and "\n" not in output["text"])


def check_cells(cells):
    """Failures of the executed code cells (index, reason)."""
    failures = []
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        lines = [l for l in cell.source.strip().split("\n") if l and not l.startswith("#")]
        for output in cell.outputs:
            if output["output_type"] == "error":
                failures.append((index, f"raised {output['ename']}: {output['evalue']}"))
            elif output["output_type"] == "stream" and output["name"] == "stderr" and not progress_only(output):
                failures.append((index, f"wrote to stderr: {output['text'].strip()[:300]!r}"))
        if re.search(r"\.verify\(.*\)$", lines[-1]):
            shown = [text_of(o) for o in cell.outputs if o["output_type"] == "execute_result"]
            if shown != ["True"]:
                failures.append((index, f"{lines[-1]} shows {shown}, not True"))
        if re.search(r"\b(plt|ax)\.", cell.source):
            if not any("image/png" in o.get("data", {}) for o in cell.outputs):
                failures.append((index, "draws but shows no image"))
    return failures


def run_notebook(work, render):
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.read(NOTEBOOK, as_version=4)
    shown = len(notebook.cells)
    notebook.cells.append(nbformat.v4.new_code_cell(CHECKS))
    client = NotebookClient(notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": str(work)}})
    started = time.monotonic()
    try:
        client.execute()
    except Exception as e:  # nbclient raises on the first failing cell; its outputs are in the notebook
        print(f"notebook-test: {NOTEBOOK.relative_to(ROOT)}: {type(e).__name__}", file=sys.stderr)
    for index, cell in enumerate(notebook.cells):
        timing = cell.metadata.get("execution", {})
        if "iopub.execute_input" in timing and "shell.execute_reply" in timing:
            seconds = (datetime.fromisoformat(timing["shell.execute_reply"].rstrip("Z"))
                       - datetime.fromisoformat(timing["iopub.execute_input"].rstrip("Z"))).total_seconds()
            print(f"  cell {index:2}  {seconds:6.1f} s  {cell.source.split(chr(10))[0][:70]}")
    print(f"notebook: {time.monotonic() - started:.1f} s")
    failures = check_cells(notebook.cells)
    unrun = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and c.execution_count is None]
    if unrun:
        failures.append((unrun[0], "did not run"))
    if render and not failures:
        from nbconvert import MarkdownExporter

        notebook.cells = notebook.cells[:shown]
        for cell in notebook.cells:  # progress bars redraw and then clear their line: none is left to show
            if cell.cell_type == "code":
                cell.outputs = [o for o in cell.outputs if not progress_only(o)]
        body, resources = MarkdownExporter().from_notebook_node(notebook, resources={"output_files_dir": "digits_files"})
        out = Path(render)
        shutil.rmtree(out / "digits_files", ignore_errors=True)
        (out / "digits_files").mkdir(parents=True)
        note = (f"<!-- {NOTEBOOK.relative_to(ROOT)} as scripts/notebook-test.py ran it (--render {render}): "
                "edit the notebook, not this file -->\n\n")
        (out / "digits.md").write_text(note + "\n".join(l.rstrip() for l in body.strip().split("\n")) + "\n", encoding="utf-8")
        for name, data in resources["outputs"].items():
            (out / name).write_bytes(data)
        print(f"rendered: {out / 'digits.md'} and {len(resources['outputs'])} images")
    return [f"{NOTEBOOK.relative_to(ROOT)}: cell {i}: {why}" for i, why in failures]


def run_script(work):
    started = time.monotonic()
    result = subprocess.run([sys.executable, str(SCRIPT)], cwd=work, stdin=subprocess.DEVNULL,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=900)
    print(f"script: {time.monotonic() - started:.1f} s")
    where = SCRIPT.relative_to(ROOT)
    if result.returncode != 0:
        return [f"{where}: exited with code {result.returncode}\n{result.stdout[-3000:]}"]
    verified = re.findall(r"^verified: (\w+)$", result.stdout, re.M)
    if verified != ["True", "True"]:
        return [f"{where}: printed 'verified: ...' {verified}, not True twice\n{result.stdout[-3000:]}"]
    return []


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", default=str(ROOT / "build"), help="the build folder, with python/zokml")
    parser.add_argument("--work", help="the working folder (default: a temporary one, removed)")
    parser.add_argument("--render", metavar="DIR", help="write the executed notebook as Markdown into DIR")
    parser.add_argument("--no-script", action="store_true", help="run the notebook only")
    args = parser.parse_args()
    package = Path(args.build_dir).resolve() / "python"
    if not (package / "zokml" / "__init__.py").is_file():
        sys.exit(f"notebook-test: no Python package in {package} (build with ZOKML_PYTHON on)")
    work = Path(args.work or tempfile.mkdtemp(prefix="zokml-notebook-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.update(
        PYTHONPATH=os.pathsep.join([str(package), *filter(None, [os.environ.get("PYTHONPATH")])]),
        ZOKML_CACHE_DIR=os.environ.get("ZOKML_CACHE_DIR", str(work / "cache")),  # a first run's times
        # Debian's torch imports tqdm.auto (torch.hub), which warns in a kernel without ipywidgets
        # (Debian 12's ipywidgets 6 does not work with its nbclient 0.7): only that module's warning
        PYTHONWARNINGS="ignore::Warning:tqdm.auto",
        PYDEVD_DISABLE_FILE_VALIDATION="1")  # the kernel's debugger's note on frozen modules
    try:
        failures = run_notebook(work, args.render)
        if not failures and not args.no_script:
            failures = run_script(work)
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print(f"FAIL  {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
