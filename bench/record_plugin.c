/* bench-record: the handler plugin of the benchmarks.  In rc-bench-roomctl
 * it hands the text of each item ("SEQ T") to rc_bench_record(), which that
 * program exports, to time the item's arrival at a plugin; in a program
 * without rc_bench_record() (the dispatch micro-benchmark) it does nothing:
 * the no-op plugin. */
#include <roomctl/plugin.h>

/* Provided by the program that loads the plugin, if at all. */
extern void rc_bench_record(const char *payload) __attribute__((weak));

static int handle(roomctl_plugin *plugin, const roomctl_item *item, roomctl_result *result,
                  void *user_data)
{
    const char *text;
    if (rc_bench_record && roomctl_item_get_string(item, "text", &text) == ROOMCTL_PLUGIN_OK)
        rc_bench_record(text);
    return 0;
}

static int init(roomctl_plugin *plugin, const roomctl_config *config)
{
    roomctl_handler_def def = { .types = "*", .handle = handle };
    return roomctl_plugin_add_handler(plugin, &def) == ROOMCTL_PLUGIN_OK ? 0 : -1;
}

ROOMCTL_PLUGIN_DEFINE("bench-record", "1.0", "Times the arrival of benchmark items", init, NULL);
