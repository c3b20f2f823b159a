#!/usr/bin/env bash
# The main job: install, build, then the end-to-end path that exists today — check every example,
# compile the water model to its IR and kernels, run a generated kernel on WebGPU (GPU or lavapipe),
# and import + evaluate an n2p2 potential.
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
# With n2p2's example potentials at hand (../shared/data or NNP_SHARED_DATA): import the liquid-water
# potential and evaluate energy and forces of a 48-molecule box on WebGPU and with the float64 oracle.
data="${NNP_SHARED_DATA:-$(cd .. && pwd)/shared/data}"
if [ -d "$data/n2p2/potentials/H2O_RPBE-D3" ]; then
  node bin/nnp.js import n2p2 "$data/n2p2/potentials/H2O_RPBE-D3" -o out/h2o/h2o.nnp --length-unit bohr --energy-unit Ha
  for backend in webgpu reference; do
    echo "== nnp eval ($backend)"
    node bin/nnp.js eval out/h2o/h2o.nnp "$data/n2p2/structures/H2O_48.data" --length-unit bohr --energy-unit Ha --backend "$backend"
  done
else
  echo "(n2p2 example data not found at $data: skipping the import/eval step)"
fi
