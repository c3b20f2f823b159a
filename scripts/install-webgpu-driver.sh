#!/usr/bin/env bash
# Installs Vulkan's CPU driver (lavapipe) when no WebGPU adapter is available.
# Dawn refuses Debian bookworm's own Mesa 22 ("shaderUniform*ArrayDynamicIndexing required"),
# so Mesa >= 25 comes from bookworm-backports (same Debian archive).
# Idempotent: does nothing when a Vulkan ICD from Mesa >= 25 is already installed.
set -euo pipefail

have_mesa25() {
  local v
  v=$(dpkg-query -W -f='${Version}' mesa-vulkan-drivers 2>/dev/null || true)
  [ -n "$v" ] && dpkg --compare-versions "$v" ge 25 && dpkg-query -W libvulkan1 >/dev/null 2>&1
}

if have_mesa25; then
  exit 0
fi
if [ "$(id -u)" != 0 ]; then
  echo "nnp: lavapipe (mesa-vulkan-drivers >= 25 from bookworm-backports) is missing; run this script as root." >&2
  exit 1
fi
src=/etc/apt/sources.list.d/nnp-bookworm-backports.sources
if ! grep -rqs "bookworm-backports" /etc/apt/sources.list /etc/apt/sources.list.d/; then
  cat >"$src" <<'SRC'
Types: deb
URIs: http://deb.debian.org/debian
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq libvulkan1 >/dev/null
apt-get install -y -qq -t bookworm-backports mesa-vulkan-drivers >/dev/null
have_mesa25 || { echo "nnp: failed to install mesa-vulkan-drivers >= 25" >&2; exit 1; }
