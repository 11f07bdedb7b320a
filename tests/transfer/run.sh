#!/usr/bin/env bash
# `renderbus transfer` against rayvision_sync 3.1.8 as the oracle (oracle.py, with a fake
# transfer program), then against the real rayvision_transmitter from the wheel pointed at a
# closed loopback port: renderbus retries it, then exits 12 naming its log. Loopback only.
# Ends with `transfer: N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
py=$(bash tests/transfer/venv.sh)
cargo build --quiet --locked -p render-cli
renderbus=target/debug/renderbus
passed=0
failed=0
status=0
# rayvision_sync runs `setx` (a Windows command) through the shell: its complaint is noise.
"$py" tests/transfer/oracle.py --renderbus "$renderbus" 2>&1 | grep -v "setx: not found" | tee target/transfer/oracle.log || true
counts=$(tail -n 1 target/transfer/oracle.log | grep -oE '[0-9]+ passed, [0-9]+ failed' || echo "0 passed, 1 failed")
passed=$((passed + $(echo "$counts" | cut -d' ' -f1)))
failed=$((failed + $(echo "$counts" | cut -d' ' -f3)))

echo "== the real transfer program against a closed port: retried, then exit 12 naming its log"
"$py" tests/transfer/real_transmitter.py --renderbus "$renderbus" || status=$?
if [ "$status" -eq 0 ]; then passed=$((passed + 1)); else failed=$((failed + 1)); fi

echo "transfer: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
