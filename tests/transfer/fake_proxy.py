#!/usr/bin/env python3
"""A stand-in for the local Raysync proxy that records the requests it gets.

    python fake_proxy.py --port PORT --record FILE

Listens on 127.0.0.1:PORT. Each POST is appended to FILE as one JSON line: its path and its
JSON body, and for `/create-task` with a `file-list`, that file's text. Answers as the proxy
does, with `code` 0: a transfer task is made and ends `successful` at its first status query.
"""
import argparse
import json
import os
from urllib.parse import urlsplit
from http.server import BaseHTTPRequestHandler, HTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--record", required=True)
    args = parser.parse_args()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            # rayvision_sync sends through the proxy as an HTTP proxy: an absolute URL.
            path = urlsplit(self.path).path
            entry = {"path": path, "body": body}
            if path == "/create-task" and os.path.isfile(str(body.get("file-list", ""))):
                with open(body["file-list"], encoding="utf-8") as f:
                    entry["file-list"] = f.read()
            with open(args.record, "a", encoding="utf-8") as f:
                f.write(json.dumps(entry) + "\n")
            reply = {"code": 0, "message": "success"}
            if path == "/create-task":
                reply["task-id"] = 7
            elif path == "/get-task-status":
                reply["task-list"] = [{"task-state": "successful", "file-max": 1, "file-pos": 1,
                                       "speed": 0}]
            elif path == "/get-file-list":
                reply["file-list"] = []
            data = json.dumps(reply).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_):
            pass

    HTTPServer(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
