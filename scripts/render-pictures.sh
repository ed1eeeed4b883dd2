#!/usr/bin/env bash
# Renders the two pictures of docs/pictures.md from a build's attnsched (default
# build/client/attnsched) with rsvg-convert (librsvg2-bin, scripts/install-deps.sh):
#   docs/gantt-causal-n16-m4.png          the chart of causal n=16, d=2 on 4 PEs
#   docs/heatmap-causal-n16-h8-m16.png    the heat map of a causal layer of 8 heads, one
#                                         token per PE (the gap docs/generators.md names)
set -euo pipefail
cd "$(dirname "$0")/.."
cli=${1:-build/client/attnsched}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$cli" gantt --scheme causal --n 16 --d 2 --pes 4 --out "$tmp/chart.svg"
"$cli" gantt --scheme causal --n 16 --d 4 --pes 16 --heads 8 --style heatmap --bins 96 \
  --out "$tmp/heatmap.svg"
rsvg-convert -o docs/gantt-causal-n16-m4.png "$tmp/chart.svg"
rsvg-convert -o docs/heatmap-causal-n16-h8-m16.png "$tmp/heatmap.svg"
echo "render-pictures: docs/gantt-causal-n16-m4.png docs/heatmap-causal-n16-h8-m16.png"
