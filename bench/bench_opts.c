#include "bench_opts.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

void rc_bench_opts_parse(rc_bench_opts *opts, int argc, char **argv, const char *usage)
{
    *opts = (rc_bench_opts){
        .host = "127.0.0.1", .port = 5222, .pubsub = "pubsub.localhost",
        .subscribers = 1, .window = 32, .duration = 5.0, .timeout = 120.0, .idle = 10.0,
    };
    static const struct option longs[] = {
        { "host", required_argument, NULL, 'H' },
        { "port", required_argument, NULL, 'p' },
        { "jid", required_argument, NULL, 'j' },
        { "password", required_argument, NULL, 'P' },
        { "pubsub", required_argument, NULL, 's' },
        { "node", required_argument, NULL, 'N' },
        { "room", required_argument, NULL, 'r' },
        { "subscribers", required_argument, NULL, 'n' },
        { "window", required_argument, NULL, 'w' },
        { "duration", required_argument, NULL, 'd' },
        { "max-items", required_argument, NULL, 'm' },
        { "timeout", required_argument, NULL, 't' },
        { "idle", required_argument, NULL, 'i' },
        { "plugin-dir", required_argument, NULL, 'D' },
        { "schemas", required_argument, NULL, 'S' },
        { NULL, 0, NULL, 0 },
    };
    int c;
    while ((c = getopt_long(argc, argv, "n:", longs, NULL)) != -1) {
        switch (c) {
        case 'H': opts->host = optarg; break;
        case 'p': opts->port = (unsigned short)atoi(optarg); break;
        case 'j': opts->jid = optarg; break;
        case 'P': opts->password = optarg; break;
        case 's': opts->pubsub = optarg; break;
        case 'N': opts->node = optarg; break;
        case 'r': opts->room = optarg; break;
        case 'n': opts->subscribers = (unsigned)atoi(optarg); break;
        case 'w': opts->window = (unsigned)atoi(optarg); break;
        case 'd': opts->duration = atof(optarg); break;
        case 'm': opts->max_items = (unsigned)atoi(optarg); break;
        case 't': opts->timeout = atof(optarg); break;
        case 'i': opts->idle = atof(optarg); break;
        case 'D': opts->plugin_dir = optarg; break;
        case 'S': opts->schemas = optarg; break;
        default:
            fprintf(stderr, "usage: %s %s\n", argv[0], usage);
            exit(2);
        }
    }
    if (optind < argc)
        opts->action = argv[optind];
    if (!opts->jid || opts->subscribers == 0 || opts->window == 0) {
        fprintf(stderr, "usage: %s %s\n", argv[0], usage);
        exit(2);
    }
}
