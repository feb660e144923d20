/* Fuzzes the one YAML reader (roomctl_config_load_string): every input is
 * either a tree whose accessors all work, or a refusal naming the file. */
#include "fuzz.h"

#define NAME "fuzz.yaml"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet();
    return 0;
}

/* Touch every node through the SDK accessors, as plugins and loaders do. */
static void walk(const roomctl_config *node, int depth)
{
    FUZZ_CHECK(depth <= 65, "tree deeper than the reader allows: %d", depth);
    FUZZ_CHECK(roomctl_config_line(node) >= 1 && roomctl_config_column(node) >= 1,
               "node without a position at %s", roomctl_config_location(node));
    FUZZ_CHECK(g_str_has_prefix(roomctl_config_location(node), NAME ":"), "location %s",
               roomctl_config_location(node));
    if (roomctl_config_kind_of(node) == ROOMCTL_CONFIG_SCALAR) {
        FUZZ_CHECK(roomctl_config_scalar(node) != NULL, "scalar without text");
        FUZZ_CHECK(g_utf8_validate(roomctl_config_scalar(node), -1, NULL), "invalid UTF-8 kept");
        return;
    }
    for (size_t i = 0; i < roomctl_config_length(node); i++) {
        const char *key = NULL;
        const roomctl_config *child = roomctl_config_at(node, i, &key);
        FUZZ_CHECK(child != NULL, "missing child %zu", i);
        if (roomctl_config_kind_of(node) == ROOMCTL_CONFIG_MAPPING) {
            FUZZ_CHECK(key != NULL, "mapping entry without a key");
            FUZZ_CHECK(roomctl_config_child(node, key) == child, "lookup of '%s' differs", key);
            int64_t i64;
            int b;
            roomctl_config_get_int(node, key, &i64);
            roomctl_config_get_bool(node, key, &b);
            roomctl_config_get_string(node, key, NULL);
        }
        walk(child, depth + 1);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    roomctl_config *root = roomctl_config_load_string(NAME, (const char *)data, size, &error);
    if (!root) {
        fuzz_check_refusal(error, NAME ":");
        g_error_free(error);
        return 0;
    }
    FUZZ_CHECK(error == NULL, "tree and error: %s", error->message);
    walk(root, 0);
    roomctl_config_free(root);
    return 0;
}
