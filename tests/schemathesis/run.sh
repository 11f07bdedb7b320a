#!/usr/bin/env bash
# Contract tests of the mock farm against the OpenAPI documents, one run per API generation:
# Schemathesis (from PyPI, in target/tools/schemathesis) generates requests from
# openapi/renderbus-vN.json, hooks.py signs them as the service requires, and every reply is
# checked: no server error, the reply conforms to the document, the status is documented.
# Ends with `schemathesis: N passed, M failed` (one per generation).
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/tools/schemathesis
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/st" ]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==4.32.5"
fi
cargo build --quiet --locked -p render-cli
renderbus=$PWD/target/debug/renderbus
scratch=$(mktemp -d)
farm_pid=
cleanup() {
  [ -n "$farm_pid" ] && kill "$farm_pid" 2>/dev/null || true
  rm -rf "$scratch"
}
trap cleanup EXIT
"$renderbus" mock serve --port 0 --speed 60 > "$scratch/farm.out" 2> "$scratch/farm.log" &
farm_pid=$!
for _ in $(seq 1 100); do
  grep -q RENDERBUS_ACCESS_KEY= "$scratch/farm.out" 2>/dev/null && break
  sleep 0.1
done
export RENDERBUS_HOST=$(sed -n 's/^RENDERBUS_HOST=//p' "$scratch/farm.out")
export RENDERBUS_ACCESS_ID=$(sed -n 's/^RENDERBUS_ACCESS_ID=//p' "$scratch/farm.out")
export RENDERBUS_ACCESS_KEY=$(sed -n 's/^RENDERBUS_ACCESS_KEY=//p' "$scratch/farm.out")
export RENDERBUS_BIN=$renderbus
export SCHEMATHESIS_HOOKS=hooks
export PYTHONPATH=$PWD/tests/schemathesis
passed=0
failed=0
for api in 1 2; do
  export RENDERBUS_API_VERSION=$api
  echo "== Schemathesis against the mock farm, API $api"
  if "$venv/bin/st" run "openapi/renderbus-v$api.json" --url "$RENDERBUS_HOST" \
      --mode "${MODE:-all}" --max-examples "${EXAMPLES:-20}" --phases examples,coverage,fuzzing \
      --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance \
      --generation-deterministic --workers 1 --no-color 2>&1 | tee "$scratch/st-$api.log" | tail -n 25; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    grep -A 12 -E "^_{5,}|Undocumented|Received|Documented|Schema" "$scratch/st-$api.log" | head -n 80 || true
  fi
done
# The farm's log: one line per request, `<endpoint> http <status> code <code> <ms> ms`. Requests
# must reach the handlers: a run whose replies were mostly signature refusals proves nothing.
awk '$2 == "http" { codes[$5]++; total++ } END { for (c in codes) printf "farm answered code %s: %d of %d\n", c, codes[c], total }' "$scratch/farm.log" | sort
refused=$(awk '$2 == "http" && ($5 == 611 || $5 == 610 || $5 == 403 || $5 == 602) { n++ } END { print n + 0 }' "$scratch/farm.log")
total=$(awk '$2 == "http" { n++ } END { print n + 0 }' "$scratch/farm.log")
if [ "$total" -eq 0 ] || [ $((refused * 100 / total)) -gt 1 ]; then
  echo "FAIL: $refused of $total requests were refused by verification: the hook does not sign them"
  failed=$((failed + 1))
fi
echo "schemathesis: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
