#!/usr/bin/env bash
# Installs what weft's build, tests and demo need on Debian 12, as root.
# Guarded: when every package is already present it installs nothing and
# touches no package list.
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config
  libboost1.81-dev libfmt-dev catch2 libbenchmark-dev zlib1g-dev libzstd-dev libsqlite3-dev
  libssl-dev openssl tmux
  clang-16 libclang-rt-16-dev
)
# Optional extras the fuller test suite uses, installed when later layers need them.
if [[ -n ${WEFT_EXTRA_PACKAGES:-} ]]; then
  read -r -a extra <<<"$WEFT_EXTRA_PACKAGES"
  packages+=("${extra[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if ((${#missing[@]} == 0)); then
  exit 0
fi

echo "weft: installing ${missing[*]}" >&2
sudo=""
if [[ $(id -u) -ne 0 ]]; then sudo="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# --no-install-recommends keeps Boost 1.74's dev packages (which conflict with 1.81) out.
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
