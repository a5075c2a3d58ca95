"""The package imports from an installed prefix that was moved, and proves with the toolchain found there."""

import json
import os
import shutil
import subprocess
import sys

import numpy as np

from conftest import BUILD_DIR, INPUTS, SOURCE_DIR

SCRIPT = """
import json, sys, numpy as np, zokml, zokml._zokml as z
proof = zokml.Circuit(sys.argv[1]).prove(np.full({inputs}, 0.5), progress=False)
print(json.dumps({{"file": zokml.__file__, "share": str(z.installation_dir()), "toolchain": str(z.toolchain()),
                  "public": proof.public}}))
"""


def test_the_package_proves_from_an_installed_prefix_that_was_moved(circuit, tmp_path):
    prefix = tmp_path / "prefix"
    # everything but the toolchain's node_modules (280 MB): linked in as `npm ci` in <prefix>/share/zokml/tools would make it
    subprocess.run(["cmake", "--install", str(BUILD_DIR), "--prefix", str(prefix), "--component", "Unspecified"],
                   check=True, capture_output=True)
    os.symlink(SOURCE_DIR / "tools" / "node_modules", prefix / "share" / "zokml" / "tools" / "node_modules")
    moved = tmp_path / "moved"
    shutil.move(prefix, moved)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(moved / "lib" / "python3" / "dist-packages")
    done = subprocess.run([sys.executable, "-c", SCRIPT.format(inputs=INPUTS), circuit.folder], env=env, cwd=tmp_path,
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["file"].startswith(str(moved))
    assert found["share"] == str(moved / "share" / "zokml")
    assert found["toolchain"] == str(moved / "share" / "zokml" / "tools" / "zokrates")
    assert found["public"] == circuit.prove(np.full(INPUTS, 0.5), progress=False).public
