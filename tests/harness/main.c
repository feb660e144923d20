/* rc-test-prosody: start a throwaway Prosody for shell tests and the demo.
 *
 *   rc-test-prosody --account owner:pw --account alice:pw [--admin owner]
 *                   [--dir DIR] [--persistent] [--keep] [--tls]
 *                   [--pubsub-max-items N] [--config-extra FILE]
 *                   [--gate-secret SECRET] [--websocket]
 *
 * Prints one line, "port=N dir=DIR domain=localhost pubsub=pubsub.localhost
 * muc=conference.localhost" (with --gate-secret also "gate=gate.localhost
 * component_port=N"; with --websocket also
 * "websocket=ws://127.0.0.1:N/xmpp-websocket"), then stays in the foreground until SIGTERM,
 * SIGINT, or end of input on a piped stdin; then stops Prosody and removes
 * the folder (unless --keep). */
#include "prosody.h"
#include "harness_util.h"

#include <stdio.h>
#include <string.h>


int main(int argc, char **argv)
{
    g_auto(GStrv) accounts = NULL;
    g_auto(GStrv) admins = NULL;
    g_autofree char *dir = NULL;
    gboolean persistent = FALSE, keep = FALSE, tls = FALSE, websocket = FALSE;
    gint max_items = 0;
    g_autofree char *extra_file = NULL;
    g_autofree char *extra = NULL;
    g_autofree char *gate_secret = NULL;
    GOptionEntry entries[] = {
        { "account", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &accounts,
          "Create account USER@localhost (repeat)", "USER:PASSWORD" },
        { "admin", 0, 0, G_OPTION_ARG_STRING_ARRAY, &admins,
          "Make USER a PubSub service admin (repeat; default: the first account)", "USER" },
        { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir,
          "Server folder (default: a new temporary folder)", "DIR" },
        { "persistent", 0, 0, G_OPTION_ARG_NONE, &persistent,
          "Keep PubSub nodes and items on disk (survive a restart)", NULL },
        { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Do not remove the folder at the end", NULL },
        { "tls", 0, 0, G_OPTION_ARG_NONE, &tls,
          "Offer STARTTLS with a self-signed certificate (clients must trust it)", NULL },
        { "pubsub-max-items", 0, 0, G_OPTION_ARG_INT, &max_items,
          "The PubSub service's cap of max_items (default 256)", "N" },
        { "config-extra", 0, 0, G_OPTION_ARG_FILENAME, &extra_file,
          "Append this Lua file to the configuration (the benchmark's extra hosts)", "FILE" },
        { "gate-secret", 0, 0, G_OPTION_ARG_STRING, &gate_secret,
          "Accept roomctl-gate as component " RC_PROSODY_GATE " with this secret", "SECRET" },
        { "websocket", 0, 0, G_OPTION_ARG_NONE, &websocket,
          "Also serve XMPP over WebSocket on another port of 127.0.0.1 (browsers)", NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) context = g_option_context_new("- run a throwaway Prosody on 127.0.0.1");
    g_option_context_add_main_entries(context, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        fprintf(stderr, "rc-test-prosody: %s\n", error->message);
        return 2;
    }

    if (extra_file && !g_file_get_contents(extra_file, &extra, NULL, &error)) {
        fprintf(stderr, "rc-test-prosody: %s\n", error->message);
        return 2;
    }
    char *first_admin[2] = { NULL, NULL };
    if (!admins && accounts && accounts[0])
        first_admin[0] = g_strndup(accounts[0], strcspn(accounts[0], ":"));
    rc_prosody_options options = {
        .dir = dir, .persistent = persistent, .keep = keep, .tls = tls,
        .pubsub_max_items = max_items > 0 ? (guint)max_items : 0, .extra_config = extra,
        .websocket = websocket,
        .pubsub_admins = admins ? (const char *const *)admins
                                : (const char *const *)first_admin,
        .gate_secret = gate_secret,
    };
    rc_prosody *server = rc_prosody_start(&options, &error);
    if (!server) {
        fprintf(stderr, "rc-test-prosody: %s\n", error->message);
        return 1;
    }
    if (!rc_prosody_add_accounts(server, (const char *const *)accounts, &error)) {
        fprintf(stderr, "rc-test-prosody: %s\n", error->message);
        rc_prosody_free(server);
        return 1;
    }
    printf("port=%u dir=%s domain=%s pubsub=%s muc=%s", rc_prosody_port(server),
           rc_prosody_dir(server), RC_PROSODY_DOMAIN, RC_PROSODY_PUBSUB, RC_PROSODY_MUC);
    if (gate_secret)
        printf(" gate=%s component_port=%u", RC_PROSODY_GATE, rc_prosody_component_port(server));
    if (rc_prosody_http_port(server))
        printf(" websocket=ws://127.0.0.1:%u/xmpp-websocket", rc_prosody_http_port(server));
    putchar('\n');
    fflush(stdout);

    rc_harness_run_until_stopped();
    rc_prosody_free(server);
    g_free(first_admin[0]);
    return 0;
}
