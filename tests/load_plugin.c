/* load_plugin SCHEMA_DIR PLUGIN XML...: load one plugin into a host, give it
 * each item (as <control/> XML), print the log and the results.  Exit 0 when
 * the plugin loaded and handled every item.  Used by test_sdk_install.sh to
 * try a plugin built out of tree. */
#include <roomctl/roomctl.h>
#include <stdio.h>

static void print_log(roomctl_log_level level, const char *domain, const char *message,
                      void *user_data)
{
    printf("%s: %s\n", domain, message);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: %s SCHEMA_DIR PLUGIN [XML...]\n", argv[0]);
        return 2;
    }
    roomctl_set_log_handler(print_log, NULL);
    GError *error = NULL;
    roomctl_registry *registry = roomctl_registry_new();
    roomctl_host *host = roomctl_host_new(registry);
    int status = 1;
    if (!roomctl_registry_load_dir(registry, argv[1], &error) ||
        !roomctl_host_load(host, argv[2], NULL, &error))
        goto out;
    status = 0;
    for (int i = 3; i < argc; i++) {
        roomctl_item *item = roomctl_item_decode_xml(registry, argv[i], NULL, &error);
        if (!item)
            goto out;
        GPtrArray *results = NULL;
        if (roomctl_host_dispatch(host, item, &results) > 0)
            status = 1;
        for (guint j = 0; j < results->len; j++) {
            const roomctl_handler_result *r = g_ptr_array_index(results, j);
            printf("result %s %s: %s\n", roomctl_item_id(item), r->plugin,
                   r->ok ? "ok" : r->reason);
        }
        g_ptr_array_unref(results);
        roomctl_item_unref(item);
    }
out:
    if (error) {
        fprintf(stderr, "error: %s\n", error->message);
        g_error_free(error);
        status = 1;
    }
    roomctl_host_free(host);
    roomctl_registry_free(registry);
    return status;
}
