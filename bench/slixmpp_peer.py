#!/usr/bin/python3
"""The slixmpp subscriber of the fan-out benchmark: what a user might pick
instead of libroomctl.  N ClientXMPP connections with the xep_0060 plugin in
one asyncio loop, each subscribing its full JID to the node and timing every
item it receives.  Same protocol and figures as rc-bench-baseline
(bench/baseline.c, bench/bench_stats.h): prints "ready", then for each phase
reads "expect K" on stdin and prints one JSON line; ends at the end of stdin.  The percentiles here are exact; the C
programs' histogram is within 1.5 % of them.

    slixmpp_peer.py --jid DOMAIN|JID [--password PW] --node NODE -n N
                    [--host H] [--port P] [--pubsub SERVICE] [--idle S]

Needs Debian's python3-slixmpp (bench/run.sh installs it); run it with
/usr/bin/python3.
"""
import argparse
import array
import asyncio
import json
import logging
import resource
import sys
import time

import slixmpp

NS_ROOMCTL = "urn:roomctl:0"


def peak_rss_kb():
    """VmHWM: ru_maxrss would carry the parent's peak across fork and exec."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return -1


class Run:
    def __init__(self, args):
        self.args = args
        self.start = time.monotonic_ns()
        self.subscribed = 0
        self.ready_usage = None
        self.connect_s = 0.0
        self.failed = False
        self.done = asyncio.Event()
        self.next_phase()

    def next_phase(self):
        self.latencies = array.array("q")
        self.first_sent = 0
        self.last_rx = 0
        self.bad = 0
        self.expected = 0
        self.expect_at = 0

    def event(self, payload):
        now = time.monotonic_ns()
        text = payload.find("{%s}text" % NS_ROOMCTL) if payload is not None else None
        try:
            _seq, sent = text.text.split(" ")
            sent = int(sent)
        except (AttributeError, ValueError):
            self.bad += 1
            return
        self.latencies.append(now - sent)
        if not self.first_sent or sent < self.first_sent:
            self.first_sent = sent
        self.last_rx = now
        if self.expected and len(self.latencies) >= self.expected:
            self.end_phase()

    def ready(self):
        self.ready_usage = resource.getrusage(resource.RUSAGE_SELF)
        self.connect_s = (time.monotonic_ns() - self.start) / 1e9
        print("ready", flush=True)

    def finish(self):
        self.done.set()

    def end_phase(self):
        end_usage = resource.getrusage(resource.RUSAGE_SELF)
        self.report(end_usage)
        self.ready_usage = end_usage
        self.next_phase()

    def report(self, end_usage):
        events = len(self.latencies)
        ordered = sorted(self.latencies)

        def percentile(fraction):
            if not ordered:
                return 0.0
            return ordered[min(int(fraction * events), events - 1)] / 1e6

        def cpu(u):
            return u.ru_utime + u.ru_stime if u else 0.0

        used = cpu(end_usage) - cpu(self.ready_usage)
        span = (self.last_rx - self.first_sent) / 1e9 if events else 0.0
        print(json.dumps({
            "client": "slixmpp", "n": self.args.subscribers, "events": events,
            "expected": self.expected, "bad_payloads": self.bad,
            "connect_s": round(self.connect_s, 3), "span_s": round(span, 3),
            "events_per_s": round(events / span, 1) if span > 0 else 0.0,
            "p50_ms": round(percentile(0.50), 3), "p99_ms": round(percentile(0.99), 3),
            "cpu_s": round(used, 3),
            "cpu_s_per_1k": round(used * 1000 / events, 5) if events else 0.0,
            "peak_rss_kb": peak_rss_kb(),
        }), flush=True)


class Subscriber(slixmpp.ClientXMPP):
    def __init__(self, run):
        super().__init__(run.args.jid, run.args.password or "")
        self.run = run
        self.register_plugin("xep_0060")
        self.add_event_handler("session_start", self.on_session)
        self.add_event_handler("pubsub_publish", self.on_publish)
        self.add_event_handler("connection_failed", self.on_failure)
        self.add_event_handler("failed_auth", self.on_failure)
        self.add_event_handler("disconnected", self.on_failure)

    async def on_session(self, _event):
        args = self.run.args
        try:
            # The full JID: these clients send no presence.
            await self["xep_0060"].subscribe(args.pubsub, args.node,
                                             subscribee=self.boundjid.full)
        except Exception as error:  # an IqError or IqTimeout
            print("slixmpp_peer: subscribe refused: %s" % error, file=sys.stderr)
            self.on_failure(None)
            return
        self.run.subscribed += 1
        if self.run.subscribed == args.subscribers:
            self.run.ready()

    def on_publish(self, message):
        # Not `for item in items`: xep_0060 is iterating the same stanza
        # object around this call, and a nested iteration resets its index.
        for item in list(message["pubsub_event"]["items"].iterables):
            self.run.event(item["payload"])

    def on_failure(self, _event):
        if not self.run.done.is_set():
            print("slixmpp_peer: a connection failed or was lost", file=sys.stderr)
            self.run.failed = True
            self.run.finish()


async def watch(run, loop):
    """Read "expect K" from stdin; stop when idle or past the time limit."""
    def on_stdin():
        line = sys.stdin.readline()
        if line.startswith("expect "):
            run.expected = int(line.split()[1]) * run.args.subscribers
            run.expect_at = time.monotonic_ns()
            if len(run.latencies) >= run.expected:
                run.end_phase()
        elif not line:
            loop.remove_reader(sys.stdin.fileno())
            run.finish()

    loop.add_reader(sys.stdin.fileno(), on_stdin)
    while not run.done.is_set():
        await asyncio.sleep(0.02)
        now = time.monotonic_ns()
        quiet_since = max(run.last_rx, run.expect_at)
        if run.expect_at and now - quiet_since > run.args.idle * 1e9:
            run.end_phase()
        if now - run.start > run.args.timeout * 1e9:
            run.finish()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jid", required=True)
    parser.add_argument("--password")
    parser.add_argument("--node", required=True)
    parser.add_argument("-n", "--subscribers", type=int, default=1)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5222)
    parser.add_argument("--pubsub", default="pubsub.localhost")
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--timeout", type=float, default=120.0)
    args = parser.parse_args()
    logging.basicConfig(level=getattr(logging, __import__("os").environ.get("SLIX_LOG", "ERROR")))

    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)
    run = Run(args)
    clients = []
    for _ in range(args.subscribers):
        client = Subscriber(run)
        client.connect(address=(args.host, args.port), disable_starttls=True,
                       force_starttls=False)
        clients.append(client)
    loop.run_until_complete(watch(run, loop))
    sys.exit(1 if run.failed else 0)


if __name__ == "__main__":
    main()
