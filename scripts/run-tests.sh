#!/usr/bin/env bash
# Installs dependencies, builds everything (library, CLI, tests, benchmarks) and
# runs the whole test suite with CTest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DATTNSCHED_BUILD_TESTS=ON -DATTNSCHED_BUILD_BENCH=ON
cd build
ctest --output-on-failure -j "$(nproc)" --timeout 600
