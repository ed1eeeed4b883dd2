#!/usr/bin/env bash
# The main job: install dependencies, build, and schedule one attention head of
# Llama-2-7B (n = 4096, d = 128, causal) on a ring of 64 PEs; the schedule is
# generated, validated and simulated on real numbers. Extra arguments go to
# `attnsched generate` (e.g. --json, --out FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
scripts/build.sh -DATTNSCHED_BUILD_TESTS=OFF -DATTNSCHED_BUILD_BENCH=OFF
exec build/client/attnsched generate --model llama-2-7b --pes 64 "$@"
