#include "bench_stats.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

int64_t rc_bench_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

void rc_bench_stats_init(rc_bench_stats *stats)
{
    memset(stats, 0, sizeof *stats);
}

/* Values below 64 µs have a bucket each; above, 64 buckets per octave. */
static unsigned bucket_of(uint64_t us)
{
    if (us < 64)
        return (unsigned)us;
    unsigned msb = 63 - (unsigned)__builtin_clzll(us);
    unsigned shift = msb - 5;
    unsigned index = 64 + (shift - 1) * 32 + (unsigned)((us >> shift) - 32);
    return index < RC_BENCH_BUCKETS ? index : RC_BENCH_BUCKETS - 1;
}

/* The middle of a bucket, in microseconds. */
static double value_of(unsigned index)
{
    if (index < 64)
        return index + 0.5;
    unsigned shift = (index - 64) / 32 + 1;
    uint64_t low = ((uint64_t)((index - 64) % 32) + 32) << shift;
    return (double)low + (double)((uint64_t)1 << shift) / 2.0;
}

void rc_bench_stats_event(rc_bench_stats *stats, const char *payload)
{
    int64_t now = rc_bench_now_ns();
    char *end = NULL;
    if (payload)
        strtoull(payload, &end, 10);
    if (!payload || !end || *end != ' ') {
        stats->bad_payloads++;
        return;
    }
    int64_t sent = strtoll(end + 1, NULL, 10);
    int64_t latency = now - sent;
    stats->histogram[bucket_of(latency > 0 ? (uint64_t)latency / 1000 : 0)]++;
    if (!stats->first_sent_ns || sent < stats->first_sent_ns)
        stats->first_sent_ns = sent;
    stats->last_rx_ns = now;
    stats->events++;
}

void rc_bench_stats_ready(rc_bench_stats *stats, int64_t start_ns)
{
    stats->ready_ns = rc_bench_now_ns();
    stats->connect_s = (stats->ready_ns - start_ns) / 1e9;
    getrusage(RUSAGE_SELF, &stats->ready_usage);
}

void rc_bench_stats_end(rc_bench_stats *stats)
{
    getrusage(RUSAGE_SELF, &stats->end_usage);
}

void rc_bench_stats_next(rc_bench_stats *stats)
{
    struct rusage last = stats->end_usage;
    int64_t ready_ns = stats->ready_ns;
    double connect_s = stats->connect_s;
    rc_bench_stats_init(stats);
    stats->ready_usage = last;
    stats->ready_ns = ready_ns;
    stats->connect_s = connect_s;
}

long rc_bench_peak_rss_kb(void)
{
    FILE *status = fopen("/proc/self/status", "r");
    char line[256];
    long kb = -1;
    while (status && fgets(line, sizeof line, status))
        if (!strncmp(line, "VmHWM:", 6))
            kb = strtol(line + 6, NULL, 10);
    if (status)
        fclose(status);
    return kb;
}

int rc_bench_stats_done(const rc_bench_stats *stats)
{
    return stats->expected && stats->events >= stats->expected;
}

double rc_bench_stats_percentile_ms(const rc_bench_stats *stats, double fraction)
{
    if (!stats->events)
        return 0.0;
    uint64_t rank = (uint64_t)(fraction * (double)stats->events);
    if (rank >= stats->events)
        rank = stats->events - 1;
    uint64_t seen = 0;
    for (unsigned i = 0; i < RC_BENCH_BUCKETS; i++) {
        seen += stats->histogram[i];
        if (seen > rank)
            return value_of(i) / 1000.0;
    }
    return value_of(RC_BENCH_BUCKETS - 1) / 1000.0;
}

static double cpu_seconds(const struct rusage *u)
{
    return u->ru_utime.tv_sec + u->ru_utime.tv_usec / 1e6 + u->ru_stime.tv_sec +
           u->ru_stime.tv_usec / 1e6;
}

void rc_bench_stats_print(const rc_bench_stats *stats, FILE *out, const char *client,
                          unsigned subscribers)
{
    double cpu = cpu_seconds(&stats->end_usage) - cpu_seconds(&stats->ready_usage);
    double span = stats->events ? (stats->last_rx_ns - stats->first_sent_ns) / 1e9 : 0.0;
    fprintf(out,
            "{\"client\": \"%s\", \"n\": %u, \"events\": %llu, \"expected\": %llu, "
            "\"bad_payloads\": %llu, \"connect_s\": %.3f, \"span_s\": %.3f, "
            "\"events_per_s\": %.1f, \"p50_ms\": %.3f, \"p99_ms\": %.3f, "
            "\"cpu_s\": %.3f, \"cpu_s_per_1k\": %.5f, \"peak_rss_kb\": %ld}\n",
            client, subscribers, (unsigned long long)stats->events,
            (unsigned long long)stats->expected, (unsigned long long)stats->bad_payloads,
            stats->connect_s, span, span > 0 ? stats->events / span : 0.0,
            rc_bench_stats_percentile_ms(stats, 0.50), rc_bench_stats_percentile_ms(stats, 0.99),
            cpu, stats->events ? cpu * 1000.0 / (double)stats->events : 0.0,
            rc_bench_peak_rss_kb());
    fflush(out);
}

long rc_bench_parse_expect(const char *line)
{
    if (strncmp(line, "expect ", 7))
        return -1;
    return strtol(line + 7, NULL, 10);
}
