"""The benchmark's report: ratios to the baseline, the issues' targets
against the figures, the text table (OUT/bench.txt) and the plot
(OUT/bench.png, gnuplot).  Used by bench.py."""
import os
import shutil
import subprocess
import sys

CLIENTS = ("baseline", "roomctl", "slixmpp")


def log(text):
    print(text, file=sys.stderr, flush=True)


def ratios(results):
    """Each client's figures over the baseline's at the same N."""
    base = {r["n"]: r for r in results if r["client"] == "baseline"}
    for r in results:
        b = base.get(r["n"])
        if not b:
            continue
        r["events_ratio"] = r["events_per_s"] / b["events_per_s"] if b["events_per_s"] else None
        r["cpu_ratio"] = r["cpu_s_per_1k"] / b["cpu_s_per_1k"] if b["cpu_s_per_1k"] else None
        r["p99_delta_ms"] = r["p99_ms"] - b["p99_ms"]


def targets(report):
    """The issue's targets against the figures: (text, figure, met)."""
    rows = []
    fan = report["fanout"]
    rc = [r for r in fan if r["client"] == "roomctl" and r.get("events_ratio") is not None
          and r.get("cpu_ratio") is not None]
    sx = {r["n"]: r for r in fan if r["client"] == "slixmpp"}
    if rc:
        worst = min(rc, key=lambda r: r.get("events_ratio") or 0)
        rows.append(("roomctl events/s >= 0.95x baseline at every N",
                     "min %.2fx (N=%d)" % (worst.get("events_ratio") or 0, worst["n"]),
                     (worst.get("events_ratio") or 0) >= 0.95))
        worst = max(rc, key=lambda r: r.get("cpu_ratio") or 99)
        rows.append(("roomctl CPU/event <= 1.1x baseline",
                     "max %.2fx (N=%d)" % (worst.get("cpu_ratio") or 99, worst["n"]),
                     (worst.get("cpu_ratio") or 99) <= 1.1))
        worst = max(rc, key=lambda r: r.get("p99_delta_ms", 99))
        rows.append(("roomctl p99 within 1 ms of baseline",
                     "max %+.2f ms (N=%d)" % (worst.get("p99_delta_ms", 99), worst["n"]),
                     worst.get("p99_delta_ms", 99) <= 1.0))
        one = [r for r in rc if r["n"] == 1]
        if one:
            rows.append(("client RSS <= 8 MB (roomctl subscriber, N=1)",
                         "%.1f MB" % (one[0]["peak_rss_kb"] / 1024),
                         one[0]["peak_rss_kb"] <= 8 * 1024))
        pairs = [(sx[r["n"]]["cpu_s_per_1k"] / r["cpu_s_per_1k"], r["n"])
                 for r in rc if r["n"] in sx and r["cpu_s_per_1k"]]
        if pairs:
            worst = min(pairs)
            rows.append(("slixmpp CPU/event >= 5x roomctl's", "min %.1fx (N=%d)" % worst,
                         worst[0] >= 5))
    if report.get("agent"):
        rows.append(("roomctl-agent RSS <= 8 MB (empty room, live events)",
                     "%.1f MB" % (report["agent"]["rss_kb"] / 1024),
                     report["agent"]["rss_kb"] <= 8 * 1024))
    if report.get("agent_keys"):
        a = report["agent_keys"]
        rows.append(("roomctl-agent RSS <= 8 MB (%d-key room)" % a["keys"],
                     "%.1f MB" % (a["rss_kb"] / 1024), a["rss_kb"] <= 8 * 1024))
    if report.get("micro"):
        worst = min(report["micro"], key=lambda m: m["items_per_cpu_s"])
        rows.append(("decode+validate+dispatch >= 1,000,000 items/s per core",
                     "min %.0f (%s)" % (worst["items_per_cpu_s"], worst["type"]),
                     worst["items_per_cpu_s"] >= 1e6))
    if report.get("late_join"):
        lj = report["late_join"]
        rows.append(("%d-key late join <= 100 ms" % lj["keys"], "%.1f ms (median of %d)"
                     % (lj["join_ms_median"], lj["runs"]), lj["join_ms_median"] <= 100))
    if report.get("sync"):
        sizes = report["sync"]["sizes"]
        # The marginal cost of each step up in size: quadratic work shows as
        # steps that grow.  (CPU is read in 10 ms ticks, too coarse for a
        # per-key figure at 1,000 keys taken alone.)
        steps = sorted(sizes, key=lambda r: r["keys"])
        marginal = [(b["cpu_s"] - a["cpu_s"]) * 1e6 / (b["keys"] - a["keys"])
                    for a, b in zip(steps, steps[1:])]
        if marginal:
            rows.append(("agent sync CPU linear in keys (us/key between sizes within 2x)",
                         " / ".join("%.1f" % x for x in marginal) + " (per key: " +
                         " / ".join("%.1f" % r["cpu_us_per_key"] for r in steps) + ")",
                         max(marginal) <= 2 * max(min(marginal), 1e-3)))
        big = [r for r in sizes if r["keys"] == 10000]
        if big:
            server = big[0].get("join_server_cpu_ms")
            rows.append(("10000-key late join <= 1 s", "%.1f ms (median)%s"
                         % (big[0]["join_ms_median"],
                            "; Prosody's CPU alone %.0f ms" % server if server else ""),
                         big[0]["join_ms_median"] <= 1000))
    return rows


def table(report):
    m = report["machine"]
    lines = [
        "roomctl benchmarks, %s" % report["date"],
        "machine: %d cores, %s; load average at start %s, at end %s" %
        (m["cores"], m["server"], m["load_start"], m["load_end"]),
        "fan-out: one publisher (bare libstrophe, %d publishes in flight, %g s or %d events "
        "per run), N subscriber connections in one process, best of %d" %
        (report["window"], report["duration"], report["max_events"], report["repeat"]),
        "latency: publish to handler, with one publish in flight (%g s); p99@load: with %d" %
        (report["latency_duration"], report["window"]),
        "CPU and RSS are the subscriber process's; ratios are to the baseline at the same N;",
        "ready s: from start to every subscriber subscribed (roomctl: joined and synced)",
        "",
        "%-9s %5s %8s %9s %8s %8s %9s %9s %8s %8s %7s %8s %5s %7s" %
        ("client", "N", "items/s", "events/s", "p50 ms", "p99 ms", "p99@load", "CPU ms/1k",
         "RSS MB", "events×", "CPU×", "p99 Δms", "lost", "ready s"),
    ]
    for r in report["fanout"]:
        lines.append("%-9s %5d %8.0f %9.0f %8.2f %8.2f %9.1f %9.2f %8.1f %8s %7s %8s %5d %7.1f" % (
            r["client"], r["n"], r["items_per_s"], r["events_per_s"], r["p50_ms"], r["p99_ms"],
            r["p99_load_ms"],
            r["cpu_s_per_1k"] * 1000, r["peak_rss_kb"] / 1024,
            "%.2f" % r["events_ratio"] if r.get("events_ratio") is not None else "-",
            "%.2f" % r["cpu_ratio"] if r.get("cpu_ratio") is not None else "-",
            "%+.2f" % r["p99_delta_ms"] if "p99_delta_ms" in r else "-", r["lost"],
            r["connect_s"]))
    if report.get("micro"):
        lines += ["", "decode+validate+dispatch (roomctl_host_dispatch, no-op plugin), one thread:",
                  "%-16s %14s %14s %7s" % ("type", "items/s", "items/CPU-s", "bytes")]
        for mm in report["micro"]:
            lines.append("%-16s %14.0f %14.0f %7d" % (mm["type"], mm["items_per_s"],
                                                      mm["items_per_cpu_s"], mm["bytes"]))
    if report.get("late_join"):
        lj = report["late_join"]
        lines += ["", "late join of a room with %d state keys: join to synced %.1f ms median "
                  "(min %.1f, max %.1f, %d runs); connect + join %.1f ms median" %
                  (lj["keys"], lj["join_ms_median"], lj["join_ms_min"], lj["join_ms_max"],
                   lj["runs"], lj["connect_join_ms_median"])]
        if lj.get("server_cpu_ms_per_join") is not None:
            lines.append("  CPU per join: the client %.1f ms, Prosody %.1f ms (the server's "
                         "answer alone)" % (lj["client_cpu_ms_per_join"],
                                            lj["server_cpu_ms_per_join"]))
    for key in ("agent", "agent_keys"):
        a = report.get(key)
        if a:
            lines += ["roomctl-agent (ui-state plugin) in a room of %d keys, then %d live "
                      "events: peak RSS %.1f MB (%.1f MB once synced), %.2f ms CPU per 1k events"
                      % (a["keys"], a["events"], a["rss_kb"] / 1024, a["rss_synced_kb"] / 1024,
                         a["cpu_s_per_1k"] * 1000)]
    if report.get("sync"):
        s = report["sync"]
        lines += ["", "roomctl-agent (ui-state plugin) syncing a room, CPU from start to the "
                  "plugin's file written, over the start-up (%.3f s CPU, %.1f MB in an empty "
                  "room):" % (s["startup_cpu_s"], s["startup_rss_kb"] / 1024),
                  "%8s %10s %12s %9s %10s %12s" % ("keys", "CPU s", "CPU us/key", "wall s",
                                                  "join ms", "bytes/key")]
        for r in s["sizes"]:
            lines.append("%8d %10.3f %12.1f %9.2f %10.1f %12.0f" % (
                r["keys"], r["cpu_s"], r["cpu_us_per_key"], r["wall_s"], r["join_ms_median"],
                r["bytes_per_key"]))
    if report.get("failures"):
        lines += ["", "FAILED (no figures):"] + ["  " + f for f in report["failures"]]
    lines += ["", "targets:"]
    for text, figure, met in report["targets"]:
        lines.append("  %-4s %-56s %s" % ("ok" if met else "MISS", text, figure))
    return "\n".join(lines) + "\n"


def plot(report, out_dir):
    if not shutil.which("gnuplot"):
        log("gnuplot missing: no plot")
        return
    if not report["fanout"]:
        return
    data = os.path.join(out_dir, "bench.dat")
    with open(data, "w") as f:
        for client in CLIENTS:
            f.write("# %s\n" % client)
            for r in report["fanout"]:
                if r["client"] == client:
                    f.write("%d %.3f %.3f\n" % (r["n"], r["cpu_s_per_1k"] * 1000, r["p99_ms"]))
            f.write("\n\n")
    script = """
set terminal pngcairo size 1100,460 font ',10'
set output '%(png)s'
set multiplot layout 1,2 title 'roomctl fan-out on Prosody 0.12 (%(cores)d cores, loopback): %(date)s'
set logscale x
set xlabel 'subscribers N'
set key top left
set grid
set xrange [0.7:1500]
set ylabel 'subscriber CPU per event (ms per 1,000 events)'
set yrange [0:*]
plot for [i=0:2] '%(data)s' index i using 1:2 with linespoints lw 2 title word('baseline roomctl slixmpp', i+1)
set ylabel 'p99 latency publish to receipt (ms)'
set logscale y
set yrange [*:*]
plot for [i=0:2] '%(data)s' index i using 1:3 with linespoints lw 2 title word('baseline roomctl slixmpp', i+1)
unset multiplot
""" % {"png": os.path.join(out_dir, "bench.png"), "data": data,
       "cores": report["machine"]["cores"], "date": report["date"]}
    subprocess.run(["gnuplot"], input=script, text=True, check=True)
    os.unlink(data)
