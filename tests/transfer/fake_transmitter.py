#!/usr/bin/env python3
"""A stand-in for rayvision_transmitter that records what it was handed.

Appends one JSON line to the file named by FAKE_TRANSMITTER_RECORD: its argv (without its own
path), what it read on standard input, and the text of each file it was handed that exists
(`-L` when it is a file, `-C`). Exits with FAKE_TRANSMITTER_EXIT (default 0). With `-T
download_path`, makes the file it was asked for under `-L`, so a follower sees it arrive.
"""
import json
import os
import sys

args = sys.argv[1:]
stdin = sys.stdin.read()
flags = dict(zip(args[0::2], args[1::2]))
files = {}
for flag in ("-L", "-C"):
    path = flags.get(flag)
    if path and os.path.isfile(path):
        with open(path, encoding="utf-8") as f:
            files[flag] = f.read()
record = os.environ.get("FAKE_TRANSMITTER_RECORD")
if record:
    with open(record, "a", encoding="utf-8") as f:
        f.write(json.dumps({"argv": args, "stdin": stdin, "files": files}) + "\n")
if flags.get("-T") == "download_path" and flags.get("-L"):
    target = os.path.join(flags["-L"], flags.get("-R", "").lstrip("/"))
    if "." in os.path.basename(target):
        os.makedirs(os.path.dirname(target), exist_ok=True)
        open(target, "w").close()
    print("download file done (%s)" % flags.get("-R", ""))
sys.exit(int(os.environ.get("FAKE_TRANSMITTER_EXIT", "0")))
