/* What every subscriber program of the fan-out benchmark measures, and the
 * one line of JSON it prints, so the baseline, roomctl and (in Python) the
 * slixmpp peer report the same figures the same way.
 *
 * Latency: the publisher writes "SEQ T" in the item, T its CLOCK_MONOTONIC
 * time in nanoseconds when it sent the publish; the receiver subtracts T from
 * its own CLOCK_MONOTONIC time when the item reaches its handler (one clock
 * for every process of the machine).  Latencies go into a log-linear
 * histogram (64 buckets per octave: ~1.5 % error), so memory stays constant
 * whatever the number of events and does not inflate the peak RSS. */
#ifndef RC_BENCH_STATS_H
#define RC_BENCH_STATS_H

#include <stdint.h>
#include <stdio.h>
#include <sys/resource.h>

#define RC_BENCH_BUCKETS (64 * 40)

typedef struct rc_bench_stats {
    uint64_t events;
    uint64_t expected;      /* 0 until the driver says how many to wait for */
    int64_t first_sent_ns;  /* earliest publish time seen in a payload */
    int64_t last_rx_ns;     /* when the last event arrived */
    int64_t ready_ns;       /* when every subscriber was subscribed */
    double connect_s;       /* start to ready */
    struct rusage ready_usage;
    struct rusage end_usage;
    uint32_t histogram[RC_BENCH_BUCKETS]; /* latency in microseconds */
    uint64_t bad_payloads;
} rc_bench_stats;

/* CLOCK_MONOTONIC in nanoseconds. */
int64_t rc_bench_now_ns(void);

void rc_bench_stats_init(rc_bench_stats *stats);
/* Parse "SEQ T" and count one event received now. */
void rc_bench_stats_event(rc_bench_stats *stats, const char *payload);
/* Record the CPU use when every subscriber is ready / when the run ends. */
void rc_bench_stats_ready(rc_bench_stats *stats, int64_t start_ns);
void rc_bench_stats_end(rc_bench_stats *stats);
/* Start the next phase on the same connections: counters back to zero,
 * CPU counted from the end of the last phase. */
void rc_bench_stats_next(rc_bench_stats *stats);
/* TRUE-ish (1) once the expected number of events has arrived. */
int rc_bench_stats_done(const rc_bench_stats *stats);
/* The latency in milliseconds below which @fraction of the events arrived. */
double rc_bench_stats_percentile_ms(const rc_bench_stats *stats, double fraction);

/* The peak RSS of this process in KiB (VmHWM: unlike ru_maxrss, it does
 * not inherit the parent's peak across fork and exec). */
long rc_bench_peak_rss_kb(void);

/* Print the result line: {"client": ..., "n": ..., ...}. */
void rc_bench_stats_print(const rc_bench_stats *stats, FILE *out, const char *client,
                          unsigned subscribers);

/* Parse "expect K" from the driver: K items were published.  Returns K, or
 * -1 when @line is something else. */
long rc_bench_parse_expect(const char *line);

#endif
