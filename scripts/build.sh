#!/usr/bin/env bash
# Configures and builds attnsched in ./build (Release, ccache, Ninja).
# Usage: scripts/build.sh [cmake -D options...]   Honours CI=true (warnings are errors).
set -euo pipefail
cd "$(dirname "$0")/.."
werror=OFF
[[ "${CI:-}" == "true" ]] && werror=ON
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DATTNSCHED_WERROR="$werror" "$@" >/dev/null
cmake --build build -j "$(nproc)"
