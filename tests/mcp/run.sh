#!/usr/bin/env bash
# `renderbus mcp` against a real MCP client: the `mcp` package from PyPI (with `jsonschema` to
# check the tools' input schemas), in target/tools/mcp. See client.py for what is checked.
# Ends with `mcp: N passed, M failed`.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/tools/mcp
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import mcp, jsonschema" 2>/dev/null; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "mcp==2.3.0" "jsonschema==4.26.0"
fi
cargo build --quiet --locked -p render-cli
RENDERBUS_BIN=$PWD/target/debug/renderbus "$venv/bin/python" tests/mcp/client.py
