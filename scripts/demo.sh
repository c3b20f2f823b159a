#!/usr/bin/env bash
# The main job: install, build, then the end-to-end path that exists today — check every example,
# compile the water model to its IR and kernels, run a generated kernel on WebGPU (GPU or lavapipe),
# train the silicon example on data it samples itself from the Stillinger–Weber potential and compare
# the trained model with that reference, run MD and phonons with it, and import + evaluate an n2p2 potential.
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
# Train: 300 frames sampled from Stillinger–Weber silicon (MD 300-1500 K + rattled crystals), Adam on WebGPU.
node bin/nnp.js train examples/silicon/model.nnp
# A rattled 64-atom diamond cell the model has not seen: the trained network against the reference potential.
node -e '
  const a = 5.431, basis = [[0,0,0],[0,.5,.5],[.5,0,.5],[.5,.5,0],[.25,.25,.25],[.25,.75,.75],[.75,.25,.75],[.75,.75,.25]];
  let seed = 42; const r = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5) * 0.2;
  const lines = [];
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) for (const b of basis)
    lines.push(`Si ${((i + b[0]) * a + r()).toFixed(5)} ${((j + b[1]) * a + r()).toFixed(5)} ${((k + b[2]) * a + r()).toFixed(5)}`);
  require("fs").writeFileSync("out/si-rattled.xyz", `${lines.length}\nLattice="${2*a} 0 0 0 ${2*a} 0 0 0 ${2*a}" Properties=species:S:1:pos:R:3 pbc="T T T"\n${lines.join("\n")}\n`);
'
echo "== trained network (WebGPU)"; node bin/nnp.js eval examples/silicon/model.nnp out/si-rattled.xyz | head -3
echo "== Stillinger-Weber reference"; node bin/nnp.js eval examples/silicon/model.nnp out/si-rattled.xyz --potential sw | head -3
# MD with the trained model on WebGPU: 216 atoms, Langevin at 1200 K (thermo log, trajectory, summary.json).
node bin/nnp.js run examples/silicon/model.nnp melt
# Lattice dynamics: phonons of the 3×3×3 diamond cell with the reference and the trained model, VDOS overlap.
node bin/nnp.js run examples/silicon/model.nnp reference_phonons
# One self-contained HTML page of it all: learning curve, parity plots, thermo traces, phonons, VDOS.
node bin/nnp.js report examples/silicon/out
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
