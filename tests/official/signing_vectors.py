"""Signing vectors computed by the official client's own signer.

Run with the interpreter of a virtualenv holding rayvision-api (see venv.sh):

    python signing_vectors.py --api 2 --count 500 --seed 7 --out vectors.json

Writes random requests of the shapes the service's clients send (strings with unicode and
the separators `&` and `=`, integers, nested objects and lists, empty containers, body keys
equal to header names) with the string to sign and the signature the official signer
computes for each, in the format of tests/vectors/signing.json. Our signer must agree byte
for byte (`RENDER_SIGN_VECTORS=vectors.json cargo test --test signing_vectors`).

Values are limited to what the official clients send: no booleans, nulls or floats (the
official signer writes those with Python's str(), which no call relies on).
"""

import argparse
import importlib.metadata
import json
import random

VERSION_HEADER = {"1": "1.0.0", "2": "2.0.0"}
HEADER_NAMES = ["accessId", "channel", "platform", "UTCTimestamp", "nonce", "version"]
PATHS = {
    "1": ["/api/render/common/queryPlatforms", "/api/render/task/getTaskList",
          "/api/render/common/addRenderEnv", "/api/render/task/restartFrame"],
    "2": ["/api/render/common/queryPlatforms", "/api/render/handle/getTaskList/v2",
          "/api/render/plugin/addUserPluginConfig", "/api/render/handle/operate/sdk/taskRecord"],
}
HOSTS = ["task.renderbus.com", "task.foxrenderfarm.com", "127.0.0.1:8080", "[::1]:9000"]
KEY_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_名称渲染é"
TEXT_CHARS = "aZ09 &=\"\\/.:,-_衣帽间é😀\t中文"


def signer(api):
    """The official functions: (string to sign, signature)."""
    if api == "1":
        from rayvision_api import utils as module  # rayvision-api 0.4.4
    else:
        from rayvision_api import signature as module  # rayvision-api 3.x
    return module.generate_headers_body_str, module.generate_signature


def key(rng):
    return "".join(rng.choice(KEY_CHARS) for _ in range(rng.randint(1, 8)))


def text(rng):
    return "".join(rng.choice(TEXT_CHARS) for _ in range(rng.randint(0, 12)))


def integer(rng):
    return rng.choice([0, -1, 1, 2 ** 63 - 1, -(2 ** 63), rng.randint(1, 100),
                       rng.randint(10_000, 100_000_000)])


def value(rng, depth):
    kind = rng.randint(0, 9 if depth < 3 else 5)
    if kind <= 2:
        return text(rng)
    if kind <= 5:
        return integer(rng)
    if kind <= 7:
        return [value(rng, depth + 1) for _ in range(rng.randint(0, 4))]
    return obj(rng, depth + 1)


def obj(rng, depth):
    out = {}
    for _ in range(rng.randint(0, 4)):
        out[key(rng)] = value(rng, depth)
    return out


def body(rng):
    out = obj(rng, 0)
    if rng.random() < 0.3:
        # A body key equal to a header name (taskRecord sends `platform`).
        out[rng.choice(HEADER_NAMES)] = value(rng, 1)
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--api", choices=["1", "2"], required=True)
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    string_to_sign, signature = signer(args.api)
    package = importlib.metadata.version("rayvision-api")
    vectors = []
    for i in range(args.count):
        headers = {
            "accessId": "AKID" + "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(20)),
            "channel": "4",
            "platform": str(rng.choice([2, 3, 6, 9, 21])),
            "UTCTimestamp": str(rng.randint(1_500_000_000, 1_900_000_000)),
            "nonce": str(rng.randrange(100000, 999999)),
            "version": VERSION_HEADER[args.api],
        }
        access_key = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(32))
        host = rng.choice(HOSTS)
        path = rng.choice(PATHS[args.api])
        data = body(rng)
        # The official client signs a copy of its headers that still holds these two.
        sent = dict(headers, signature="", **{"Content-Type": "application/json"})
        text_to_sign = string_to_sign(host, path, sent, data)
        digest = signature(access_key, text_to_sign)
        vectors.append({
            "name": f"rayvision-api-{package}-{args.seed}-{i}",
            "accessKey": access_key,
            "host": host,
            "path": path,
            "headers": headers,
            "body": data,
            "stringToSign": text_to_sign,
            "signature": digest.decode() if isinstance(digest, bytes) else digest,
        })
    with open(args.out, "w", encoding="utf-8") as f:
        json.dump(vectors, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
