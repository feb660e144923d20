/* Fuzzes the schema loader (roomctl_schema_load_string) and, for schemas it
 * accepts, describing them and putting them in a registry. */
#include "fuzz.h"

#define NAME "fuzz.yaml"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    GError *error = NULL;
    roomctl_schema *schema = roomctl_schema_load_string(NAME, (const char *)data, size, &error);
    if (!schema) {
        fuzz_check_refusal(error, NAME ":");
        FUZZ_CHECK(error->code == ROOMCTL_ERR_SCHEMA, "code %d: %s", error->code, error->message);
        g_error_free(error);
        return 0;
    }
    FUZZ_CHECK(roomctl_schema_type(schema) && roomctl_schema_version(schema) >= 1,
               "accepted a schema without type or version");
    g_free(roomctl_schema_describe(schema, FALSE));
    char *json = roomctl_schema_describe(schema, TRUE);
    FUZZ_CHECK(json && g_utf8_validate(json, -1, NULL), "describe --json gave no UTF-8");
    g_free(json);

    roomctl_registry *registry = roomctl_registry_new();
    FUZZ_CHECK(roomctl_registry_add(registry, schema, &error), "registry refused: %s",
               error->message);
    roomctl_registry_free(registry);
    return 0;
}
