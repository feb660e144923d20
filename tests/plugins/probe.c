/* A test plugin that says what it sees through the host's log, so that a test
 * can follow what the host did.  Built twice (probe-a, probe-b) from this
 * file.  Config: types (pattern, default "*"), fail (bool), sleep_ms (int),
 * late_register (bool: try to add a handler from the handler), keeps_state
 * (bool: declare roomctl_plugin_keeps_state(), with restored, default true). */
#include <roomctl/plugin.h>

#include <stdlib.h>
#include <time.h>

#ifndef PROBE_NAME
#define PROBE_NAME "probe"
#endif

typedef struct {
    int fail;
    int late_register;
    int64_t sleep_ms;
    int handled;
} probe;

static int probe_handle(roomctl_plugin *plugin, const roomctl_item *item,
                        roomctl_result *result, void *user_data)
{
    probe *p = user_data;
    if (p->sleep_ms > 0) {
        struct timespec ts = { p->sleep_ms / 1000, (p->sleep_ms % 1000) * 1000000L };
        nanosleep(&ts, NULL);
    }
    if (p->late_register) {
        roomctl_handler_def def = { .types = "*", .handle = probe_handle };
        roomctl_plugin_log(plugin, ROOMCTL_LOG_INFO, "late add_handler: %d",
                           roomctl_plugin_add_handler(plugin, &def));
    }
    p->handled++;
    roomctl_plugin_log(plugin, ROOMCTL_LOG_INFO, "handled %s %s", roomctl_item_type(item),
                       roomctl_item_id(item));
    if (p->fail) {
        roomctl_result_fail(result, "%s told to fail", roomctl_plugin_name(plugin));
        return -1;
    }
    return 0;
}

static void probe_reset(roomctl_plugin *plugin, const char *room, const char *type,
                        const char *item_id, void *user_data)
{
    roomctl_plugin_log(plugin, ROOMCTL_LOG_INFO, "reset %s %s in %s", type, item_id,
                       room ? room : "(none)");
}

static void probe_purge(roomctl_plugin *plugin, const char *room, void *user_data)
{
    roomctl_plugin_log(plugin, ROOMCTL_LOG_INFO, "purge %s", room ? room : "(none)");
}

static int probe_init(roomctl_plugin *plugin, const roomctl_config *config)
{
    probe *p = calloc(1, sizeof *p);
    roomctl_config_get_bool(config, "fail", &p->fail);
    roomctl_config_get_bool(config, "late_register", &p->late_register);
    roomctl_config_get_int(config, "sleep_ms", &p->sleep_ms);
    /* The count outlives the handler's user data: keep it as plugin data too. */
    roomctl_plugin_set_data(plugin, p, NULL);
    roomctl_handler_def def = {
        .types = roomctl_config_get_string(config, "types", "*"),
        .handle = probe_handle, .reset = probe_reset, .purge = probe_purge,
        .user_data = p, .free_user_data = free,
    };
    if (roomctl_plugin_add_handler(plugin, &def) != ROOMCTL_PLUGIN_OK) {
        roomctl_plugin_set_error(plugin, "cannot handle '%s'", def.types);
        return -1;
    }
    roomctl_plugin_log(plugin, ROOMCTL_LOG_INFO, "host ABI %d.%u", ROOMCTL_PLUGIN_ABI_MAJOR,
                       roomctl_plugin_host_abi_minor(plugin));
    int keeps_state = 0, restored = 1;
    roomctl_config_get_bool(config, "keeps_state", &keeps_state);
    roomctl_config_get_bool(config, "restored", &restored);
    if (keeps_state)
        roomctl_plugin_keeps_state(plugin, restored);
    return 0;
}

static void probe_shutdown(roomctl_plugin *plugin)
{
    const probe *p = roomctl_plugin_get_data(plugin);
    roomctl_plugin_log(plugin, ROOMCTL_LOG_INFO, "shutdown after %d items", p->handled);
}

ROOMCTL_PLUGIN_DEFINE(PROBE_NAME, "1.0", "Test plugin that logs what it sees",
                      probe_init, probe_shutdown);
