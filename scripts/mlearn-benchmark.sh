#!/usr/bin/env bash
# Trains one model per element on the mlearn DFT benchmark (Zuo et al., J. Phys. Chem. A 124, 731
# (2020)): their training file (90 % fitted, 10 % validation for early stopping) and their test
# file held out, with the same settings for Si and Ge. Prints the test errors per config_type from
# the training report (<out>/<El>.report.md). Usage: bash scripts/mlearn-benchmark.sh [out-dir] [epochs]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DATA="${NNP_SHARED_DATA:-$ROOT/../shared/data}/mlearn"
OUT="$(realpath -m "${1:-$ROOT/out/mlearn}")"
EPOCHS="${2:-800}"
mkdir -p "$OUT"
for EL in Si Ge; do
  cat > "$OUT/$EL.nnp" <<SPEC
// mlearn benchmark, $EL: settings shared by every element (only the symbol changes).
dataset fit {
  from "$DATA/$EL-training.extxyz"
  split train 90% validation 10% seed 1
}
dataset held_out {
  from "$DATA/$EL-test.extxyz"
  split test 100%
}
model nnp {
  element $EL
  cutoff cosine 6.0 A
  descriptors for $EL {
    radial $EL grid shifted 16 from 1.8 A to 5.8 A
    angular narrow $EL $EL eta [0.003 0.01 0.03 0.08] /A^2 lambda [-1 1] zeta [1 2 4 16]
  }
  network for $EL { hidden 24 24 activation tanh }
  scaling scale range -1 to 1
  normalization auto
}
train nnp on fit, held_out {
  loss energy 10 forces 1
  optimizer adam lr 5e-3
  schedule cosine
  epochs $EPOCHS
  batch 4
  seed 1
  save "$EL.weights.json"
}
SPEC
  node "$ROOT/bin/nnp.js" train "$OUT/$EL.nnp"
  echo "--- $EL: test set per config_type (meV/atom, meV/Å) ---"
  grep -E '^\| test \|' "$OUT/$EL.report.md" || true
done
