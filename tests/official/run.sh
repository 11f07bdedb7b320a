#!/usr/bin/env bash
# Proves the SDK against the service's own Python clients (rayvision-api 0.4.4 for API 1.0.0,
# 3.0.4.3 for API 2.0.0), each installed from PyPI into its own virtualenv by venv.sh:
#
#   1. differential signing: fresh random requests signed by each official signer; ours must
#      give the same string to sign and signature byte for byte;
#   2. each official client, unchanged, drives `renderbus mock serve` through every public
#      method that is an API call; each must succeed, and together they must reach every
#      endpoint of their generation (35 in API 1.0.0, 49 in API 2.0.0).
#
# Usage: tests/official/run.sh [COUNT]   (COUNT vectors per API generation, default 1000)
# Ends with one line `official: N passed, M failed` (signing vectors, then client calls);
# exits non-zero when anything failed.
set -euo pipefail
cd "$(dirname "$0")/../.."
count=${1:-1000}
passed=0
failed=0
pythons=$(bash tests/official/venv.sh)
py_v1=$(echo "$pythons" | sed -n 1p)
py_v2=$(echo "$pythons" | sed -n 2p)
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

seed=${OFFICIAL_SEED:-$(date +%s)}
for api in 1 2; do
  py=$py_v1
  [ "$api" = 2 ] && py=$py_v2
  out=$scratch/vectors-v$api.json
  "$py" tests/official/signing_vectors.py --api "$api" --count "$count" --seed "$seed" --out "$out"
  echo "== signing: $count requests signed by the official signer of API $api (seed $seed)"
  if RENDER_SIGN_VECTORS=$out cargo test --quiet --locked -p render-api-tests --test signing_vectors vectors_named_by_environment; then
    passed=$((passed + count))
  else
    failed=$((failed + count))
  fi
done

echo "== the official clients drive the mock farm"
cargo build --quiet --locked -p render-cli
for spec in 1=35 2=49; do
  api=${spec%%=*}
  endpoints=${spec#*=}
  py=$py_v1
  [ "$api" = 2 ] && py=$py_v2
  status=0
  "$py" tests/official/drive.py --api "$api" --renderbus target/debug/renderbus --expect-endpoints "$endpoints" > "$scratch/drive-v$api.log" 2>&1 || status=$?
  [ "$status" -eq 0 ] || grep -v "^ok" "$scratch/drive-v$api.log" || true
  tail -n 2 "$scratch/drive-v$api.log"
  # Each call counts: `drive-vN (...): P passed, F failed`.
  counts=$(tail -n 1 "$scratch/drive-v$api.log" | grep -oE '[0-9]+ passed, [0-9]+ failed' || echo "0 passed, 1 failed")
  passed=$((passed + $(echo "$counts" | cut -d' ' -f1)))
  failed=$((failed + $(echo "$counts" | cut -d' ' -f3)))
  [ "$status" -eq 0 ] || [ "$(echo "$counts" | cut -d' ' -f3)" -gt 0 ] || failed=$((failed + 1))
done

echo "official: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
