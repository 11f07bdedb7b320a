#!/usr/bin/env bash
# Creates (once) target/transfer/venv with the official client and transfer wrapper from PyPI:
# rayvision-api 3.0.4.3 and rayvision-sync 3.1.8 (which ships rayvision_transmitter).
# Prints the interpreter's path.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/transfer/venv
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('rayvision-sync') != '3.1.8' or m.version('rayvision-api') != '3.0.4.3')" 2>/dev/null; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "rayvision-api==3.0.4.3" "rayvision-sync==3.1.8"
fi
echo "$venv/bin/python"
