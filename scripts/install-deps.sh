#!/usr/bin/env bash
# Installs every Debian 12 package that attnsched's build, tests, benchmarks, demo and
# fuzzing (scripts/fuzz.sh: clang, libFuzzer and the sanitizers' runtimes, llvm-symbolizer) need.
# librsvg2-bin renders the SVG pictures to PNG (scripts/render-pictures.sh, tests/pictures_test.py).
# Idempotent: packages already present are skipped by apt; safe to run on every build.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config git
  libabsl-dev
  libprotobuf-dev protobuf-compiler
  libgrpc++-dev protobuf-compiler-grpc libssl-dev
  libcadical-dev libcryptominisat5-dev
  libgtest-dev libgmock-dev googletest
  libbenchmark-dev
  nlohmann-json3-dev libcpp-httplib-dev
  clang-14 libclang-rt-14-dev llvm-14
  python3 python3-grpcio python3-protobuf python3-yaml openssl
  librsvg2-bin
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q '^install ok installed$' || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
