#!/usr/bin/env bash
# The whole test suite (`npm test`): setup, build, unit and end-to-end tests (WebGPU on a GPU or
# lavapipe). Extra arguments go to vitest (e.g. a test file).
# Tests that compare with n2p2 read ../shared/data (or NNP_SHARED_DATA).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# ASE (Debian's python3-ase) drives `nnp serve` in an end-to-end test; headless Chromium renders
# `nnp report`'s page in another
missing=()
/usr/bin/python3 -c 'import ase' 2>/dev/null || missing+=(python3-ase)
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "nnp: installing ${missing[*]} (Debian packages) for the end-to-end tests"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    echo "nnp: the end-to-end tests need Debian's ${missing[*]} (apt-get install ${missing[*]} as root)" >&2
  fi
fi
npm run build
export NNP_SHARED_DATA="${NNP_SHARED_DATA:-$(cd .. && pwd)/shared/data}"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/nnp-xdg-$(id -u)}"
mkdir -p out
status=0
npx vitest run --reporter=default --reporter=json --outputFile.json=out/test-results.json "$@" || status=$?
# One plain closing line that any CI reads: "N passed, N failed".
node -e '
  const r = JSON.parse(require("fs").readFileSync("out/test-results.json", "utf8"));
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' || true
exit $status
