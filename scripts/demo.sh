#!/usr/bin/env bash
# The main job: install, build, then the end-to-end path that exists today — check every example,
# compile the water model to its IR, and run a generated kernel on WebGPU (GPU or lavapipe).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/nnp-xdg-$(id -u)}"
npm run build
node bin/nnp.js check examples/*/model.nnp
node bin/nnp.js compile examples/water/model.nnp -o out/water
node -e '
  const ir = require("./out/water/ir.json");
  for (const m of ir.models) for (const n of m.networks)
    console.log(`${m.name}: ${n.element} ${n.inputs}-${n.layers.map((l) => l.size).join("-")} (${n.parameters} parameters)`);
'
node bin/nnp.js gpu
