"""Shared test helpers: a relay in front of a mock farm that can change or drop replies."""

import http.client
import http.server
import json
import threading
from typing import Callable, Iterator, Optional, Tuple

import pytest

import renderbus

# What a relay does with a reply: (path, status, body) -> a new body, or None to drop it (the
# request reached the farm; its reply is lost).
Change = Callable[[str, int, bytes], Optional[bytes]]


class Relay:
    """An HTTP relay on 127.0.0.1 that passes requests to the farm as they came (the `Host`
    header too, so signatures still verify) and replies with what `change` makes of each reply."""

    def __init__(self, farm: renderbus.MockFarm, change: Change) -> None:
        target = farm.url.split("//", 1)[1]
        seen = self.seen = []  # type: list

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                seen.append(self.path)
                conn = http.client.HTTPConnection(target, timeout=10)
                conn.putrequest("POST", self.path, skip_host=True, skip_accept_encoding=True)
                for name, value in self.headers.items():
                    if name.lower() != "content-length":
                        conn.putheader(name, value)
                conn.putheader("Content-Length", str(len(body)))
                conn.endheaders(body)
                reply = conn.getresponse()
                data = reply.read()
                conn.close()
                changed = change(self.path, reply.status, data)
                if changed is None:
                    self.close_connection = True
                    self.connection.shutdown(2)
                    return
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(changed)))
                self.end_headers()
                self.wfile.write(changed)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def data_changed(endpoint: str, edit: Callable[[dict], None]) -> Change:
    """A change that edits the envelope of every reply of `endpoint` (by the path's name)."""

    def change(path: str, status: int, body: bytes) -> Optional[bytes]:
        if endpoint not in path.split("/"):
            return body
        envelope = json.loads(body)
        edit(envelope)
        return json.dumps(envelope).encode()

    return change


@pytest.fixture
def farm() -> Iterator[renderbus.MockFarm]:
    with renderbus.MockFarm(speed=600.0, frames=4, fail_frames=[3]) as farm:
        yield farm


@pytest.fixture
def client(farm: renderbus.MockFarm) -> renderbus.Client:
    return farm.client()


@pytest.fixture
def relay(farm: renderbus.MockFarm) -> Iterator[Callable[[Change], Tuple[Relay, renderbus.Client]]]:
    relays = []

    def make(change: Change) -> Tuple[Relay, renderbus.Client]:
        r = Relay(farm, change)
        relays.append(r)
        return r, renderbus.Client(farm.access_id, farm.access_key, r.url, retries=1)

    yield make
    for r in relays:
        r.close()
