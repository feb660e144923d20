/* Decode+validate throughput of the wire codec for a typical item of every
 * shipped schema, from an already parsed stanza (what the bus has in hand).
 * Prints items/s; never fails on speed. */
#include <stdio.h>

#include <roomctl/roomctl.h>
#include "codec.h"

static const struct {
    const char *type;
    const char *const fields[6];
} typical[] = {
    { "ui.button", { "button=send", "enabled=false", NULL } },
    { "ui.feature", { "feature=reactions", "enabled=true", NULL } },
    { "slideshow.slide", { "deck=intro", "index=3", "total=12", "caption=Welcome & <hello>",
                           "image_url=https://example.org/slides/3.png", NULL } },
    { "chat.power", { "enabled=false", "reason=Quiet please, the talk starts", NULL } },
    { "room.notice", { "text=The talk starts in 5 minutes", "level=warning", NULL } },
};

static double measure(const roomctl_registry *registry, xmpp_stanza_t *control,
                      const char *item_id, guint rounds)
{
    gint64 start = g_get_monotonic_time();
    for (guint i = 0; i < rounds; i++) {
        roomctl_item *item = rc_item_decode_stanza(registry, control, item_id, NULL);
        if (!item)
            g_error("decode failed");
        roomctl_item_unref(item);
    }
    gint64 elapsed = g_get_monotonic_time() - start;
    return rounds / (elapsed / (double)G_USEC_PER_SEC);
}

int main(int argc, char **argv)
{
    guint rounds = argc > 1 ? (guint)g_ascii_strtoull(argv[1], NULL, 10) : 1000000;
    roomctl_registry *registry = roomctl_registry_new();
    GError *error = NULL;
    if (!roomctl_registry_load_path(registry, NULL, &error))
        g_error("%s", error->message);

    xmpp_initialize();
    xmpp_ctx_t *ctx = xmpp_ctx_new(NULL, NULL);
    for (gsize t = 0; t < G_N_ELEMENTS(typical); t++) {
        roomctl_item *item = roomctl_item_new_from_assignments(registry, typical[t].type,
                                                               typical[t].fields, &error);
        if (!item)
            g_error("%s", error->message);
        /* Parse the text as the bus's XML parser would have. */
        char *xml = roomctl_item_encode_xml(item);
        xmpp_stanza_t *control = xmpp_stanza_new_from_string(ctx, xml);
        const char *id = roomctl_item_is_state(item) ? roomctl_item_id(item) : "event-id-1";
        measure(registry, control, id, rounds / 10); /* warm up */
        double rate = measure(registry, control, id, rounds);
        printf("%-16s %10.0f items/s  (%zu bytes: %s)\n", typical[t].type, rate, strlen(xml), xml);
        xmpp_stanza_release(control);
        g_free(xml);
        roomctl_item_unref(item);
    }
    xmpp_ctx_free(ctx);
    roomctl_registry_free(registry);
    return 0;
}
