/* rc-test-server: start a throwaway test server (Prosody or ejabberd) for
 * shell tests and the demo.
 *
 *   rc-test-server [--server prosody|ejabberd] --account owner:pw
 *                  [--admin owner] [--dir DIR] [--keep] [--tls]
 *                  [--component-secret SECRET] [--pubsub-max-items N]
 *
 * --server defaults to ROOMCTL_TEST_SERVER, else prosody.  Prints one line,
 * "server=NAME port=N dir=DIR domain=localhost pubsub=pubsub.localhost
 * muc=conference.localhost component_port=N cafile=PATH" (0 and - when
 * absent), then stays in the foreground until SIGTERM, SIGINT, or end of
 * input on a piped stdin; then stops the server and removes the folder
 * (unless --keep). */
#include "server.h"
#include "harness_util.h"

#include <stdio.h>
#include <string.h>


int main(int argc, char **argv)
{
    g_auto(GStrv) accounts = NULL;
    g_auto(GStrv) admins = NULL;
    g_autofree char *dir = NULL;
    g_autofree char *kind = NULL;
    g_autofree char *secret = NULL;
    gboolean keep = FALSE, tls = FALSE, websocket = FALSE;
    gint max_items = 0;
    GOptionEntry entries[] = {
        { "server", 's', 0, G_OPTION_ARG_STRING, &kind,
          "prosody or ejabberd (default: ROOMCTL_TEST_SERVER, else prosody)", "NAME" },
        { "account", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &accounts,
          "Create account USER@localhost (repeat)", "USER:PASSWORD" },
        { "admin", 0, 0, G_OPTION_ARG_STRING_ARRAY, &admins,
          "USER may create PubSub nodes (repeat; default: the first account)", "USER" },
        { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &dir,
          "Server folder (default: a new temporary folder)", "DIR" },
        { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Do not remove the folder at the end", NULL },
        { "tls", 0, 0, G_OPTION_ARG_NONE, &tls,
          "Offer STARTTLS with a certificate made now (its file: cafile=)", NULL },
        { "component-secret", 0, 0, G_OPTION_ARG_STRING, &secret,
          "Accept the component gate.localhost with this secret", "SECRET" },
        { "pubsub-max-items", 0, 0, G_OPTION_ARG_INT, &max_items,
          "The PubSub service's cap of items per node (default: the server's)", "N" },
        { "websocket", 0, 0, G_OPTION_ARG_NONE, &websocket,
          "Also serve XMPP over WebSocket on another port of 127.0.0.1 (Prosody; browsers)",
          NULL },
        { NULL }
    };
    g_autoptr(GOptionContext) context =
        g_option_context_new("- run a throwaway XMPP server on 127.0.0.1");
    g_option_context_add_main_entries(context, entries, NULL);
    g_autoptr(GError) error = NULL;
    if (!g_option_context_parse(context, &argc, &argv, &error)) {
        fprintf(stderr, "rc-test-server: %s\n", error->message);
        return 2;
    }
    if (kind)
        g_setenv("ROOMCTL_TEST_SERVER", kind, TRUE);
    char *first_admin[2] = { NULL, NULL };
    if (!admins && accounts && accounts[0])
        first_admin[0] = g_strndup(accounts[0], strcspn(accounts[0], ":"));
    rc_server_options options = {
        .dir = dir, .keep = keep, .tls = tls, .component_secret = secret,
        .websocket = websocket, .pubsub_max_items = max_items > 0 ? (guint)max_items : 0,
        .pubsub_admins = admins ? (const char *const *)admins
                                : (const char *const *)first_admin,
    };
    rc_server *server = rc_server_start(&options, &error);
    if (!server || !rc_server_add_accounts(server, (const char *const *)accounts, &error)) {
        fprintf(stderr, "rc-test-server: %s\n", error->message);
        rc_server_free(server);
        g_free(first_admin[0]);
        return 1;
    }
    printf("server=%s port=%u dir=%s domain=%s pubsub=%s muc=%s gate=%s component_port=%u "
           "cafile=%s",
           rc_server_name(server), rc_server_port(server), rc_server_dir(server),
           RC_SERVER_DOMAIN, RC_SERVER_PUBSUB, RC_SERVER_MUC, secret ? RC_SERVER_GATE : "-",
           rc_server_component_port(server),
           rc_server_cafile(server) ? rc_server_cafile(server) : "-");
    g_autofree char *ws = rc_server_websocket_url(server);
    if (ws)
        printf(" websocket=%s", ws);
    putchar('\n');
    fflush(stdout);

    rc_harness_run_until_stopped();
    rc_server_free(server);
    g_free(first_admin[0]);
    return 0;
}
