#!/usr/bin/env bash
# Validates the generated OpenAPI documents (openapi/*.json) with openapi-spec-validator,
# installed from PyPI into target/tools/openapi (created once).
# Ends with `openapi: N passed, M failed`; exits non-zero when any document is invalid.
set -euo pipefail
cd "$(dirname "$0")/../.."
venv=target/tools/openapi
python=${PYTHON:-python3}
if [ ! -x "$venv/bin/openapi-spec-validator" ]; then
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "openapi-spec-validator==0.9.0"
fi
passed=0
failed=0
for doc in openapi/*.json; do
  if "$venv/bin/openapi-spec-validator" "$doc"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
  fi
done
echo "openapi: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
