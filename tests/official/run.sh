#!/usr/bin/env bash
# Proves the SDK against the service's own Python clients (rayvision-api 0.4.4 for API 1.0.0,
# 3.0.4.3 for API 2.0.0), each installed from PyPI into its own virtualenv by venv.sh:
#
#   1. differential signing: fresh random requests signed by each official signer; ours must
#      give the same string to sign and signature byte for byte.
#
# Usage: tests/official/run.sh [COUNT]   (COUNT vectors per API generation, default 1000)
# Ends with one line `official: N passed, M failed`; exits non-zero when anything failed.
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

echo "official: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
