"""Schemathesis hooks: sign every generated request the way the service requires, so that
generated requests reach the mock farm's handlers instead of stopping at verification.

The signature is computed by the project's own `renderbus sign` (RENDERBUS_BIN), over exactly
the JSON text the request will carry, with the credentials and host in RENDERBUS_* variables
and the API version in RENDERBUS_API_VERSION.
"""

import json
import os
import subprocess

import schemathesis


def _signed_headers(path, body):
    out = subprocess.run(
        [os.environ["RENDERBUS_BIN"], "sign", "--path", path, "--body", json.dumps(body)],
        capture_output=True, text=True, check=True,
    )
    headers = {}
    in_headers = False
    for line in out.stdout.splitlines():
        if line == "headers:":
            in_headers = True
        elif in_headers and line.startswith("  ") and ": " in line:
            name, value = line.strip().split(": ", 1)
            headers[name] = value
    return headers


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    """Replace the generated signed headers by a real signature of the generated body."""
    body = case.body if isinstance(case.body, dict) else {}
    case.body = body
    if case.headers is None:
        case.headers = {}
    case.headers.update(_signed_headers(case.formatted_path, body))
