/* Command-line options shared by the C programs of the fan-out benchmark
 * (getopt only: the baseline stays a bare libstrophe client). */
#ifndef RC_BENCH_OPTS_H
#define RC_BENCH_OPTS_H

typedef struct rc_bench_opts {
    const char *host;      /* --host, default 127.0.0.1 */
    unsigned short port;   /* --port, default 5222 */
    const char *jid;       /* --jid: the account, or a domain for anonymous login */
    const char *password;  /* --password; NULL: anonymous */
    const char *pubsub;    /* --pubsub, default pubsub.localhost */
    const char *node;      /* --node: the PubSub node */
    const char *room;      /* --room: the room's bare JID (roomctl) */
    unsigned subscribers;  /* -n: subscriber connections, default 1 */
    unsigned window;       /* --window: publishes in flight, default 32 */
    double duration;       /* --duration: seconds of publishing, default 5 */
    unsigned max_items;    /* --max-items: stop publishing after this many, 0: no cap */
    double timeout;        /* --timeout: hard limit of the whole run, default 120 s */
    double idle;           /* --idle: stop when no event came for this long, default 10 s */
    const char *action;    /* the first non-option argument */
    const char *plugin_dir;/* --plugin-dir (roomctl) */
    const char *schemas;   /* --schemas (roomctl) */
} rc_bench_opts;

/* Fill @opts from argv; prints usage and exits on a bad option. */
void rc_bench_opts_parse(rc_bench_opts *opts, int argc, char **argv, const char *usage);

#endif
