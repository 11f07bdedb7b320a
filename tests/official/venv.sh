#!/usr/bin/env bash
# Creates (once) one virtualenv per official client under target/official/, each with the
# official rayvision-api release of its API generation installed from PyPI:
#   target/official/v1  rayvision-api 0.4.4   (API 1.0.0)
#   target/official/v2  rayvision-api 3.0.4.3 (API 2.0.0)
# Prints nothing on success but the two interpreters' paths.
set -euo pipefail
cd "$(dirname "$0")/../.."
root=target/official
python=${PYTHON:-python3}
if ! command -v "$python" >/dev/null; then
  echo "error: $python is not installed (the official clients are Python)" >&2
  exit 1
fi
for spec in v1=0.4.4 v2=3.0.4.3; do
  gen=${spec%%=*}
  version=${spec#*=}
  venv=$root/$gen
  if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('rayvision-api') != '$version')" 2>/dev/null; then
    rm -rf "$venv"
    "$python" -m venv "$venv"
    "$venv/bin/pip" install --quiet --disable-pip-version-check "rayvision-api==$version"
  fi
  echo "$venv/bin/python"
done
