/* Fuzzes the item decoder (roomctl_item_decode_xml) against the shipped
 * schemas.  An input starting with '#' gives the PubSub item id on its first
 * line.  Every item the decoder accepts must encode and decode back to
 * itself. */
#include "fuzz.h"
#include "codec.h"

static roomctl_registry *registry;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet();
    const char *dir = g_getenv("ROOMCTL_FUZZ_SCHEMAS");
    GError *error = NULL;
    registry = roomctl_registry_new();
    if (!roomctl_registry_load_dir(registry, dir && *dir ? dir : FUZZ_SCHEMA_DIR, &error)) {
        fprintf(stderr, "fuzz_item: cannot load the schemas: %s\n", error->message);
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *input = fuzz_string(data, size);
    char *xml = input, *item_id = NULL;
    if (input[0] == '#') {
        char *newline = strchr(input, '\n');
        if (!newline) {
            g_free(input);
            return 0;
        }
        *newline = '\0';
        item_id = input + 1;
        xml = newline + 1;
    }

    GError *error = NULL;
    roomctl_item *item = roomctl_item_decode_xml(registry, xml, item_id, &error);
    if (!item) {
        fuzz_check_refusal(error, NULL);
        FUZZ_CHECK(error->code == ROOMCTL_ERR_INVALID_ITEM || error->code == ROOMCTL_ERR_UNKNOWN_TYPE,
                   "code %d: %s", error->code, error->message);
        g_error_free(error);
        g_free(input);
        return 0;
    }
    if (item_id)
        FUZZ_CHECK(!strcmp(roomctl_item_id(item), item_id), "id '%s' became '%s'", item_id,
                   roomctl_item_id(item));

    char *again = roomctl_item_encode_xml(item);
    FUZZ_CHECK(again != NULL, "cannot encode a decoded item");
    roomctl_item *copy = roomctl_item_decode_xml(registry, again, roomctl_item_id(item), &error);
    FUZZ_CHECK(copy != NULL, "re-encoded item refused: %s\n  input:   %s\n  encoded: %s",
               error->message, xml, again);
    FUZZ_CHECK(rc_item_equal(item, copy), "round trip changed the item\n  input:   %s\n"
               "  encoded: %s", xml, again);
    roomctl_item_unref(copy);
    g_free(again);
    roomctl_item_unref(item);
    g_free(input);
    return 0;
}
