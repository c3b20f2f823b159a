#!/usr/bin/env bash
# Installs what nnp needs on a fresh Debian 12 machine: the npm dependencies (npm ci) and, when
# Dawn finds no WebGPU adapter, Vulkan's CPU driver lavapipe (needs root).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v node >/dev/null || ! node -e 'process.exit(Number(process.versions.node.split(".")[0]) >= 20 ? 0 : 1)'; then
  echo "nnp: Node.js >= 20 is required" >&2
  exit 1
fi
# npm ci unless node_modules is already exactly the lock file's (saves a reinstall on every run)
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp/nnp-xdg-$(id -u)}"
mkdir -p "$XDG_RUNTIME_DIR"
if ! node scripts/probe-webgpu.mjs 2>/dev/null; then
  echo "nnp: no WebGPU adapter found; installing lavapipe (Mesa's Vulkan CPU driver)"
  bash scripts/install-webgpu-driver.sh
  node scripts/probe-webgpu.mjs
fi
