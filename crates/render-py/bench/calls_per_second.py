"""Calls per second of renderbus and of rayvision-api 3.0.4.3 against one mock farm, in one run.

    python crates/render-py/bench/calls_per_second.py [--seconds 0.5] [--rounds 15]

Both clients make the same read (queryUserProfile) on the same farm (`renderbus.MockFarm`, in
this process, on its own threads), single-threaded and from 8 threads. Each round starts a
fresh farm and measures both clients on it, one after the other, so that a busy moment of the
machine falls on both; each rate is the median of the rounds, and the ratio the median of the
rounds' ratios. renderbus shares one client
between the threads (it is made to be shared); the official client gets one per thread. The
ratio printed is renderbus over rayvision-api.

A fresh farm per round, and short rounds, are for the official client's sake: its nonce is six
random digits, and a farm refuses a nonce it has seen within its five-minute window, as the
service does. At a few hundred calls per second its nonces soon collide, and each collision
costs it a refused call and a retry after 1-2 s: over minutes of calls its rate falls to a
fraction of what is printed here. The figures are its best case.
"""

import argparse
import logging
import statistics
import threading
import time
from typing import Callable, List

import renderbus


def rate(calls: Callable[[int], Callable[[], object]], threads: int, seconds: float) -> float:
    """Calls per second made by `threads` threads, thread i calling `calls(i)` for `seconds`."""
    counts: List[int] = [0] * threads
    start = threading.Barrier(threads + 1)
    stop = threading.Event()

    def work(i: int) -> None:
        call = calls(i)
        start.wait()
        n = 0
        while not stop.is_set():
            call()
            n += 1
        counts[i] = n

    pool = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for t in pool:
        t.join()
    return sum(counts) / (time.perf_counter() - began)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=0.5)
    parser.add_argument("--rounds", type=int, default=15)
    args = parser.parse_args()
    logging.disable(logging.CRITICAL)  # the official client logs every request at DEBUG
    from rayvision_api import RayvisionAPI

    print("calls per second, queryUserProfile, one mock farm per round (median of %d rounds of %.1f s)"
          % (args.rounds, args.seconds))
    for threads in (1, 8):
        mine: List[float] = []
        theirs: List[float] = []
        ratios: List[float] = []
        for round in range(args.rounds + 1):
            with renderbus.MockFarm(speed=0) as farm:
                ours = farm.client()
                options = dict(access_id=farm.access_id, access_key=farm.access_key,
                               domain=farm.url.split("://", 1)[1], platform="2", protocol="http")
                official = [RayvisionAPI(**options) for _ in range(threads)]
                a = rate(lambda i: ours.query_user_profile, threads, args.seconds)
                b = rate(lambda i: official[i].user.query_user_profile, threads, args.seconds)
            if round:  # the first round warms both up
                mine.append(a)
                theirs.append(b)
                ratios.append(a / b)
        a, b = statistics.median(mine), statistics.median(theirs)
        print("%d thread%s: renderbus %7.0f/s   rayvision-api 3.0.4.3 %5.0f/s   ratio %.2f"
              % (threads, "" if threads == 1 else "s", a, b, statistics.median(ratios)))


if __name__ == "__main__":
    main()
