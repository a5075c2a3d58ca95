#!/usr/bin/env bash
# From PyTorch to a verified proof with the zokml command alone:
#
#   examples/pytorch/prove.sh [OUT [ZOKML]]      (defaults: work/pytorch, zokml on PATH or build/zokml)
#
# 1. train_tabular.py trains a small classifier on tabular records, exports it with
#    torch.onnx.export and saves held-out records and labels with numpy.save;
# 2. `zokml calibrate` chooses the quantization on the labelled .npy records and writes
#    OUT/settings.json (the inputs' range, [-1, 1], is given once: ONNX files do not record it);
# 3. `zokml run` generates, compiles and sets up the private-input circuit of those settings and
#    proves the class of the first record of OUT/inputs.npy (a private input: it stays in the file);
# 4. `zokml verify` checks the proof with the verification key alone.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-work/pytorch}
zokml=${2:-$(command -v zokml || echo "$here/../../build/zokml")}
python=${PYTHON:-/usr/bin/python3}  # Debian's, with python3-torch and python3-numpy

set -x
"$python" "$here/train_tabular.py" --out "$out"
"$zokml" calibrate --model "$out/risk-mlp.onnx" --input-min -1 --input-max 1 \
  --data "$out/calibration.npy" --labels "$out/calibration-labels.npy" --out "$out/settings.json"
"$zokml" run --model "$out/risk-mlp.onnx" --settings "$out/settings.json" --input "$out/inputs.npy" --index 0 --dir "$out/circuit"
"$zokml" verify --dir "$out/circuit"
