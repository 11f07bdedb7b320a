#!/usr/bin/env bash
# The Python package (crates/render-py), as a user gets it: built by pip (maturin, from PyPI)
# and installed into a fresh virtualenv with pytest, mypy and the official client
# rayvision-api 3.0.4.3; then
#   1. its pytest suite (crates/render-py/tests), the side-by-side comparison of
#      renderbus.compat with rayvision-api 3.0.4.3 included (it must not skip);
#   2. mypy --strict on its own source and on its examples, which then run;
#   3. the benchmark of calls per second against rayvision-api (printed, never asserted).
# Ends with `python: ok`.
set -euo pipefail
cd "$(dirname "$0")/../.."
python=${PYTHON:-python3}
venv=target/python/venv
rm -rf "$venv"
"$python" -m venv "$venv"
pip=("$venv/bin/pip" --quiet --disable-pip-version-check)
"${pip[@]}" install "pytest>=7" "mypy>=1.10" "rayvision-api==3.0.4.3"
echo "== pip install crates/render-py (a wheel built by maturin, installed into a fresh virtualenv)"
"${pip[@]}" install crates/render-py
"$venv/bin/python" -c "import renderbus, sys; print('renderbus', renderbus.Client.__module__, 'on Python', sys.version.split()[0])"

echo "== the package's tests"
# Run from the tests' folder against the installed package (not the source tree).
(cd crates/render-py/tests && RENDERBUS_REQUIRE_OFFICIAL=1 "../../../$venv/bin/python" -m pytest -q -p no:cacheprovider -s \
  -k "not side_by_side" .)
(cd crates/render-py/tests && RENDERBUS_REQUIRE_OFFICIAL=1 "../../../$venv/bin/python" -m pytest -q -p no:cacheprovider -s \
  test_compat_side_by_side.py 2>&1 | grep -E "^(compat:|difference|  (rayvision|renderbus)|[0-9]+ passed|FAILED|E )" ; test "${PIPESTATUS[0]}" -eq 0)

echo "== mypy --strict on the package's own source and on the examples (against the generated stubs), then the examples"
(cd crates/render-py/python && "../../../$venv/bin/mypy" --strict --no-incremental renderbus)
(cd crates/render-py && "../../$venv/bin/mypy" --strict --no-incremental examples/)
for example in crates/render-py/examples/*.py; do
  "$venv/bin/python" "$example" > /dev/null
  echo "$example: exit 0"
done

echo "== calls per second: renderbus and rayvision-api 3.0.4.3 against one mock farm"
"$venv/bin/python" crates/render-py/bench/calls_per_second.py
echo "python: ok"
