#!/usr/bin/python3
"""Driver of the roomctl benchmarks; bench/run.sh builds and runs it.

Starts its own Prosody on 127.0.0.1 (the test harness's rc-test-prosody with
bench/prosody-extra.cfg.lua), then for each
N and each client (the bare libstrophe baseline, libroomctl, slixmpp) makes a
fresh node, starts the subscriber program with N connections, waits for
"ready", runs the one publisher (rc-bench-pub), tells the subscribers how
many items to expect and reads their JSON line.  Then the in-process
micro-benchmarks and the late-join measurement.  Writes OUT/bench.json,
OUT/bench.txt and OUT/bench.png (gnuplot).  Every step is bounded in time.
"""
import argparse
import datetime
import glob
import json
import os
import select
import subprocess
import sys
import tempfile
import time

from bench_report import CLIENTS, log, plot, ratios, table, targets

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.dirname(HERE)
MODERATOR = ("moderator", "pw-moderator")
ANON = "anon.localhost"


class Prosody:
    """The test harness's throwaway Prosody (rc-test-prosody) with the
    benchmark's additions (bench/prosody-extra.cfg.lua); stop() ends it."""

    def __init__(self, build, max_items=1000):
        cmd = [os.path.join(build, "tests", "rc-test-prosody"),
               "--account", "%s:%s" % MODERATOR, "--pubsub-max-items", str(max_items),
               "--config-extra", os.path.join(HERE, "prosody-extra.cfg.lua")]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     text=True)
        line = read_line(self.proc, 60) or ""
        fields = dict(f.split("=", 1) for f in line.split() if "=" in f)
        if "port" not in fields:
            self.stop()
            raise RuntimeError("rc-test-prosody did not start: %r" % line)
        self.port = int(fields["port"])
        self.dir = fields["dir"]

    def pid(self):
        """Prosody's own process (its pidfile in the harness's folder)."""
        with open(os.path.join(self.dir, "prosody.pid")) as f:
            return int(f.read().split()[0])

    def version(self):
        # Not `prosody --version`: Debian's prosody starts a server then.
        out = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "prosody"],
                             capture_output=True, text=True)
        return "Prosody " + (out.stdout.strip() or "?")

    def stop(self):
        """End of stdin: the harness stops Prosody and removes its folder."""
        try:
            self.proc.stdin.close()
            self.proc.wait(20)
        except subprocess.TimeoutExpired:
            self.proc.terminate()
            self.proc.wait()


def read_line(proc, seconds):
    """One line of the child's stdout within @seconds, or None."""
    deadline = time.monotonic() + seconds
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            return None
        ready, _, _ = select.select([proc.stdout], [], [], left)
        if ready:
            line = proc.stdout.readline()
            return line.strip() if line else None


def stop_child(proc):
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


class Bench:
    def __init__(self, args, server):
        self.args = args
        self.server = server
        self.bin = os.path.join(args.build, "bench")

    def common(self):
        return ["--port", str(self.server.port), "--pubsub", "pubsub.localhost"]

    def moderator(self):
        return ["--jid", "%s@localhost" % MODERATOR[0], "--password", MODERATOR[1]]

    def pub(self, action, node, extra=(), timeout=120):
        cmd = [os.path.join(self.bin, "rc-bench-pub"), action, "--node", node] + \
            self.common() + self.moderator() + list(extra)
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        if out.returncode != 0:
            raise RuntimeError("rc-bench-pub %s: %s" % (action, out.stderr.strip()[:500]))
        return out.stdout

    def subscriber_cmd(self, client, n, room, node):
        limits = ["--idle", str(self.args.idle), "--timeout", str(self.args.timeout)]
        if client == "baseline":
            return [os.path.join(self.bin, "rc-bench-baseline"), "--jid", ANON, "--node", node,
                    "-n", str(n)] + self.common() + limits
        if client == "roomctl":
            return [os.path.join(self.bin, "rc-bench-roomctl"), "--jid", ANON, "--room", room,
                    "-n", str(n), "--plugin-dir", self.bin,
                    "--schemas", os.path.join(SOURCE, "schemas")] + self.common() + limits
        return [self.args.python, os.path.join(HERE, "slixmpp_peer.py"), "--jid", ANON,
                "--node", node, "-n", str(n)] + self.common() + limits

    def fanout_once(self, client, n, attempt):
        room = "bench-%s-%d-%d@conference.localhost" % (client, n, attempt)
        node = "roomctl/" + room
        self.pub("create", node, ["--max-items", "100"])
        errors = open(os.path.join(self.args.logs, "%s-%d.log" % (client, n)), "a")
        cmd = self.subscriber_cmd(client, n, room, node)
        callgrind = client in self.args.callgrind.split(",")
        if client in self.args.profile.split(","):
            cmd = ["perf", "record", "-q", "-F", "2000", "-g", "-o",
                   os.path.join(self.args.logs, "perf-%s-%d.data" % (client, n)), "--"] + cmd
        elif callgrind:
            # Counting starts with the load phase: logging 1,000 connections
            # in at callgrind's full slowness takes longer than Prosody waits.
            cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--callgrind-out-file=" +
                   os.path.join(self.args.logs, "callgrind-%s-%d.%%p" % (client, n))] + cmd
        env = dict(os.environ, RC_BENCH_NO_RECONCILE="1") if callgrind else None
        proc = subprocess.Popen(cmd, text=True, env=env,
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=errors)
        try:
            line = read_line(proc, self.args.connect_timeout)
            if line != "ready":
                raise RuntimeError("%s N=%d: not ready (%r); see %s" %
                                   (client, n, line, errors.name))
            if callgrind:
                callgrind_control(proc, "--instr=on")
                callgrind_control(proc, "--zero")
            loaded = self.phase(proc, errors, client, n, node, self.args.window,
                                self.args.duration)
            if callgrind:
                loaded["instructions_per_event"] = callgrind_dump(
                    proc, loaded["events"],
                    os.path.join(self.args.logs, "callgrind-%s-%d" % (client, n)))
            paced = self.phase(proc, errors, client, n, node, 1, self.args.latency_duration)
            proc.stdin.close()
        finally:
            stop_child(proc)
            errors.close()
            self.pub("delete", node)
        # Throughput and CPU under load; latency with one publish in flight,
        # so that it is the path's and not the queue's.
        result = loaded
        result["p50_load_ms"] = loaded["p50_ms"]
        result["p99_load_ms"] = loaded["p99_ms"]
        result["p50_ms"] = paced["p50_ms"]
        result["p99_ms"] = paced["p99_ms"]
        result["latency_events"] = paced["events"]
        result["lost"] = loaded["expected"] - loaded["events"] + \
            paced["expected"] - paced["events"]
        return result

    def phase(self, proc, errors, client, n, node, window, duration):
        """Publish with @window in flight; the subscribers' JSON line."""
        max_items = max(1, self.args.max_events // n)
        published = json.loads(self.pub("publish", node, [
            "--window", str(window), "--duration", str(duration),
            "--max-items", str(max_items)]))
        proc.stdin.write("expect %d\n" % published["items"])
        proc.stdin.flush()
        line = read_line(proc, self.args.phase_timeout + self.args.idle)
        if not line:
            raise RuntimeError("%s N=%d: no result; see %s" % (client, n, errors.name))
        result = json.loads(line)
        result["items"] = published["items"]
        result["items_per_s"] = published["items_per_s"]
        result["publish_errors"] = published["errors"]
        return result

    def fanout(self, client, n):
        """Best of --repeat runs (by events/s): the machine is shared."""
        best = None
        for attempt in range(self.args.repeat):
            result = self.fanout_once(client, n, attempt)
            log("  %-8s N=%-5d %9.0f events/s  p99 %7.2f ms  %6.2f ms CPU/1k  RSS %5.1f MB%s%s"
                % (client, n, result["events_per_s"], result["p99_ms"],
                   result["cpu_s_per_1k"] * 1000, result["peak_rss_kb"] / 1024,
                   "  LOST %d" % result["lost"] if result["lost"] else "",
                   "  %.0f instructions/event" % result["instructions_per_event"]
                   if result.get("instructions_per_event") else ""))
            if best is None or result["events_per_s"] > best["events_per_s"]:
                best = result
        return best

    def micro(self):
        exe = os.path.join(self.bin, "rc-bench-dispatch")
        if not os.path.exists(exe):
            return None
        out = subprocess.run([exe, "--schemas", os.path.join(SOURCE, "schemas"),
                              "--plugin-dir", self.bin], capture_output=True, text=True,
                             timeout=600)
        if out.returncode != 0:
            raise RuntimeError("rc-bench-dispatch: " + out.stderr[-500:])
        return [json.loads(line) for line in out.stdout.splitlines() if line.startswith("{")]

    def late_join(self, room="bench-latejoin@conference.localhost", keys=None):
        """rc-bench-latejoin's figures, with Prosody's CPU per join (read
        from the line "filled" on, when the room is full)."""
        exe = os.path.join(self.bin, "rc-bench-latejoin")
        if not os.path.exists(exe):
            return None
        keys = keys or self.args.late_join_keys
        proc = subprocess.Popen([exe, "--room", room, "--schemas", os.path.join(SOURCE, "schemas"),
                                 "--max-items", str(keys)] + self.common() + self.moderator(),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        server_start, lines = None, []
        try:
            for line in proc.stdout:
                if line.strip() == "filled":
                    server_start = proc_cpu_s(self.server.pid())
                lines.append(line)
            server_cpu = proc_cpu_s(self.server.pid()) - server_start if server_start else None
            err = proc.stderr.read()
            if proc.wait(600) != 0:
                raise RuntimeError("rc-bench-latejoin: " + err[-800:])
        finally:
            proc.kill()
            proc.wait()
        result = json.loads(lines[-1])
        if server_cpu is not None:
            result["server_cpu_ms_per_join"] = server_cpu * 1000 / result["runs"]
        return result

    def spawn_agent(self, room):
        """roomctl-agent (ui-state plugin) following @room: (process, its
        folder, its log file)."""
        exe = os.path.join(self.args.build, "bus", "agent", "roomctl-agent")
        folder = tempfile.mkdtemp(prefix="rc-bench-agent-", dir=self.args.logs)
        config = os.path.join(folder, "agent.yaml")
        with open(config, "w") as f:
            f.write("""account:
  jid: %s@localhost
  password_env: RC_BENCH_PASSWORD
server:
  host: 127.0.0.1
  port: %d
  pubsub_service: pubsub.localhost
  allow_plaintext: true
rooms: [%s]
schema_dirs: [%s]
plugin_dirs: [%s]
plugins:
  - name: ui-state
    config:
      file: %s/ui.json
log_level: warning
""" % (MODERATOR[0], self.server.port, room, os.path.join(SOURCE, "schemas"),
       os.path.join(self.args.build, "plugins"), folder))
        env = dict(os.environ, RC_BENCH_PASSWORD=MODERATOR[1])
        errors = open(os.path.join(folder, "agent.log"), "w")
        proc = subprocess.Popen([exe, "--config", config], env=env, stdin=subprocess.DEVNULL,
                                stdout=errors, stderr=errors)
        return proc, folder, errors

    def agent(self, room, keys):
        """roomctl-agent (ui-state plugin) following @room (with @keys
        ui.button keys b0000...): peak RSS, and CPU per live event."""
        if not os.path.exists(os.path.join(self.args.build, "bus", "agent", "roomctl-agent")):
            return None
        proc, folder, errors = self.spawn_agent(room)
        try:
            state = os.path.join(folder, "ui.json")
            last_key = "b%04d" % (keys - 1)
            deadline = time.monotonic() + (60 if keys else 3)
            while time.monotonic() < deadline and proc.poll() is None:
                if keys and os.path.exists(state) and last_key in open(state).read():
                    break
                time.sleep(0.05)
            if proc.poll() is not None or (keys and time.monotonic() >= deadline):
                raise RuntimeError("roomctl-agent did not sync; see %s" % errors.name)
            synced_rss = proc_status(proc.pid, "VmHWM:")
            cpu_before = proc_cpu_s(proc.pid)
            published = json.loads(self.pub("publish", "roomctl/" + room, [
                "--window", str(self.args.window), "--duration", str(self.args.duration),
                "--max-items", "5000"]))
            time.sleep(1.0)
            cpu = proc_cpu_s(proc.pid) - cpu_before
            rss = proc_status(proc.pid, "VmHWM:")
        finally:
            stop_child(proc)
            errors.close()
        return {"rss_kb": rss, "rss_synced_kb": synced_rss, "keys": keys,
                "events": published["items"],
                "cpu_s_per_1k": cpu * 1000 / published["items"] if published["items"] else 0}


    def agent_sync(self, room, keys):
        """The CPU roomctl-agent (ui-state plugin) spends from its start until
        ui-state's file holds the last of @keys keys of @room (0: one second
        in the room, the start-up cost), and the wall time."""
        proc, folder, errors = self.spawn_agent(room)
        state = os.path.join(folder, "ui.json")
        last_key = '"b%04d"' % (keys - 1) if keys else None
        start = time.monotonic()
        try:
            deadline = start + 300
            while time.monotonic() < deadline and proc.poll() is None:
                if not keys:
                    time.sleep(1.0)
                    break
                if os.path.exists(state) and last_key in open(state).read():
                    break
                time.sleep(0.02)
            wall = time.monotonic() - start
            if proc.poll() is not None or time.monotonic() >= deadline:
                raise RuntimeError("roomctl-agent did not sync %d keys; see %s" %
                                   (keys, errors.name))
            cpu = proc_cpu_s(proc.pid)
            rss = proc_status(proc.pid, "VmHWM:")
        finally:
            stop_child(proc)
            errors.close()
        return {"keys": keys, "cpu_s": cpu, "wall_s": wall, "rss_kb": rss}

    def sync_scaling(self, sizes):
        """For each size: a room of that many keys, its late join (the
        bus alone) and the agent's CPU to sync it, per key over the
        start-up cost."""
        room = "bench-sync-empty@conference.localhost"
        self.pub("create", "roomctl/" + room, ["--max-items", "100"])
        empty = self.agent_sync(room, 0)
        rows = []
        for keys in sizes:
            room = "bench-sync-%d@conference.localhost" % keys
            join = self.late_join(room, keys)
            agent = self.agent_sync(room, keys)
            agent["join_ms_median"] = join["join_ms_median"]
            agent["join_client_cpu_ms"] = join.get("client_cpu_ms_per_join")
            agent["join_server_cpu_ms"] = join.get("server_cpu_ms_per_join")
            agent["cpu_us_per_key"] = (agent["cpu_s"] - empty["cpu_s"]) * 1e6 / keys
            agent["bytes_per_key"] = (agent["rss_kb"] - empty["rss_kb"]) * 1024 / keys
            log("  sync %6d keys: late join %.1f ms (CPU per join: client %.1f ms, "
                "Prosody %.1f ms); agent %.3f s CPU (%.1f us/key), %.2f s wall, RSS %.1f MB" %
                (keys, join["join_ms_median"], join.get("client_cpu_ms_per_join") or 0,
                 join.get("server_cpu_ms_per_join") or 0, agent["cpu_s"],
                 agent["cpu_us_per_key"], agent["wall_s"], agent["rss_kb"] / 1024))
            rows.append(agent)
        return {"startup_cpu_s": empty["cpu_s"], "startup_rss_kb": empty["rss_kb"],
                "sizes": rows}


def callgrind_control(proc, option):
    subprocess.run(["callgrind_control", option, str(proc.pid)], capture_output=True,
                   text=True, timeout=120)


def callgrind_dump(proc, events, prefix):
    """Dump the counts since the last zero (the load phase: instruction
    counts do not depend on the machine's load, unlike CPU time) to
    PREFIX.PID.K; returns instructions per event."""
    callgrind_control(proc, "--dump=load")
    dumps = sorted(glob.glob("%s.%d.*" % (prefix, proc.pid)), key=os.path.getmtime)
    if not dumps or not events:
        return None
    with open(dumps[-1]) as f:
        for line in f:
            if line.startswith(("summary:", "totals:")):
                return int(line.split()[1]) / events
    return None


def proc_status(pid, key):
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith(key):
                return int(line.split()[1])
    return -1


def proc_cpu_s(pid):
    with open("/proc/%d/stat" % pid) as stat:
        fields = stat.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--build", required=True, help="meson build folder")
    parser.add_argument("--out", default=os.path.join(SOURCE, "docs"))
    parser.add_argument("--ns", default="1,10,100,1000")
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--duration", type=float, default=5.0)
    parser.add_argument("--window", type=int, default=32)
    parser.add_argument("--max-events", type=int, default=60000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--latency-duration", type=float, default=2.0,
                        help="seconds of publishing one item at a time, for latency")
    parser.add_argument("--phase-timeout", type=float, default=180.0)
    parser.add_argument("--timeout", type=float, default=900.0,
                        help="hard limit of one subscriber program")
    parser.add_argument("--connect-timeout", type=float, default=300.0,
                        help="seconds for N subscribers to be ready")
    parser.add_argument("--late-join-keys", type=int, default=1000)
    parser.add_argument("--sync-keys", default="1000,3000,10000",
                        help="room sizes for the agent's sync CPU (empty: skip)")
    parser.add_argument("--only-sync", action="store_true",
                        help="only the sync scaling (no fan-out, micro-benchmarks or agent)")
    parser.add_argument("--python", default="/usr/bin/python3")
    parser.add_argument("--skip-micro", action="store_true",
                        help="fan-out only: no micro-benchmarks, late join or agent")
    parser.add_argument("--callgrind", default="",
                        help="clients to run under callgrind, counts of the load phase "
                             "dumped in the log folder (slow: use with --ns and --clients)")
    parser.add_argument("--profile", default="",
                        help="clients to run under `perf record` (data in the log folder)")
    args = parser.parse_args()
    args.build = os.path.abspath(args.build)
    os.makedirs(args.out, exist_ok=True)
    args.logs = tempfile.mkdtemp(prefix="rc-bench-logs-")

    load_start = "%.2f %.2f %.2f" % os.getloadavg()
    sync_sizes = [int(x) for x in args.sync_keys.split(",") if x]
    server = Prosody(args.build, max(sync_sizes + [1000]))
    bench = Bench(args, server)
    report = {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "window": args.window, "duration": args.duration, "max_events": args.max_events,
        "latency_duration": args.latency_duration,
        "repeat": args.repeat, "fanout": [], "failures": [],
        "machine": {"cores": os.cpu_count(), "server": server.version(),
                    "load_start": load_start},
    }
    log("load average at start: %s; Prosody on port %d; logs in %s" %
        (load_start, server.port, args.logs))
    failed = False
    try:
        if args.only_sync:
            args.ns, args.skip_micro = "", True
        for n in [int(x) for x in args.ns.split(",") if x]:
            for client in args.clients.split(","):
                try:
                    report["fanout"].append(bench.fanout(client, n))
                except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
                    log("FAILED: %s" % error)
                    report["failures"].append(str(error))
                    failed = True
        if not args.skip_micro:
            try:
                report["late_join"] = bench.late_join()
                room = "bench-agent@conference.localhost"
                bench.pub("create", "roomctl/" + room, ["--max-items", "100"])
                report["agent"] = bench.agent(room, 0)
                report["agent_keys"] = bench.agent("bench-latejoin@conference.localhost",
                                                   args.late_join_keys)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError) as error:
                log("FAILED: late join or agent: %s" % error)
                report["failures"].append("late join or agent: %s" % error)
                failed = True
        if sync_sizes:
            try:
                report["sync"] = bench.sync_scaling(sync_sizes)
            except (RuntimeError, subprocess.TimeoutExpired, ValueError, KeyError) as error:
                log("FAILED: sync scaling: %s" % error)
                report["failures"].append("sync scaling: %s" % error)
                failed = True
    finally:
        server.stop()
    if not args.skip_micro:
        report["micro"] = bench.micro()
    report["machine"]["load_end"] = "%.2f %.2f %.2f" % os.getloadavg()
    ratios(report["fanout"])
    report["targets"] = [{"target": t, "figure": f, "met": m} for t, f, m in targets(report)]
    text = table(dict(report, targets=targets(report)))
    with open(os.path.join(args.out, "bench.json"), "w") as f:
        json.dump(report, f, indent=1)
    with open(os.path.join(args.out, "bench.txt"), "w") as f:
        f.write(text)
    plot(report, args.out)
    print(text, end="")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
