/* What the bus commands of `roomctl` share: connection options, the registry,
 * the connected bus, argument checks and error reporting. */
#include "cli_conn.h"
#include "cmdline/password.h"
#include "jid.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

GOptionContext *rc_cli_context(const char *command, const char *parameters,
                               const char *summary, const GOptionEntry *entries,
                               rc_cli_conn *conn)
{
    return rc_cli_context_with_data(command, NULL, parameters, summary, entries, conn);
}

GOptionContext *rc_cli_context_with_data(const char *command, void *data,
                                         const char *parameters, const char *summary,
                                         const GOptionEntry *entries, rc_cli_conn *conn)
{
    char *prgname = g_strdup_printf("roomctl %s", command);
    g_set_prgname(prgname);
    g_free(prgname);
    GOptionContext *context = g_option_context_new(parameters);
    if (data)
        g_option_context_set_main_group(context, g_option_group_new(NULL, NULL, NULL, data,
                                                                    NULL));
    if (summary)
        g_option_context_set_summary(context, summary);
    if (entries)
        g_option_context_add_main_entries(context, entries, NULL);
    if (conn) {
        const GOptionEntry conn_entries[] = {
            { "jid", 'j', 0, G_OPTION_ARG_STRING, &conn->jid,
              "The account to log in with (env ROOMCTL_JID)", "JID" },
            { "password-file", 'p', 0, G_OPTION_ARG_FILENAME, &conn->password_file,
              "Read the password from FILE, mode 0600 (env ROOMCTL_PASSWORD_FILE, "
              "or the password itself in ROOMCTL_PASSWORD)", "FILE" },
            { "host", 0, 0, G_OPTION_ARG_STRING, &conn->host,
              "Server host (env ROOMCTL_HOST; default: the JID's domain)", "HOST" },
            { "port", 0, 0, G_OPTION_ARG_INT, &conn->port,
              "Server port (env ROOMCTL_PORT; default 5222)", "PORT" },
            { "pubsub", 0, 0, G_OPTION_ARG_STRING, &conn->pubsub,
              "PubSub service (env ROOMCTL_PUBSUB; default pubsub.DOMAIN)", "SERVICE" },
            { "allow-plaintext", 0, 0, G_OPTION_ARG_NONE, &conn->allow_plaintext,
              "Do not require TLS: a server that offers none is used in plain text, "
              "password included (local test servers only).  A server that offers TLS "
              "still gets it, certificate verified (see --cafile) "
              "(env ROOMCTL_ALLOW_PLAINTEXT=1)", NULL },
            { "cafile", 0, 0, G_OPTION_ARG_FILENAME, &conn->cafile,
              "Also trust the certificates in this PEM file, e.g. a test or private "
              "server's own (env ROOMCTL_CAFILE)", "FILE" },
            { "schemas", 's', 0, G_OPTION_ARG_FILENAME_ARRAY, &conn->schema_dirs,
              "Schema folders separated by ':', repeatable (env ROOMCTL_SCHEMA_PATH; "
              "default: the installed schemas)", "PATH" },
            { "gate", 'g', 0, G_OPTION_ARG_STRING, &conn->gate,
              "Send publish, retract and purge through this roomctl-gate, which checks "
              "your role in the room (env ROOMCTL_GATE)", "JID" },
            { NULL }
        };
        g_option_context_add_main_entries(context, conn_entries, NULL);
    }
    return context;
}

int rc_cli_usage_error(const char *command, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "roomctl %s: %s\nRun `roomctl %s --help` for usage.\n", command, text,
            command);
    g_free(text);
    return RC_EXIT_USAGE;
}

int rc_cli_parse(GOptionContext *context, int *argc, char ***argv, int min, int max)
{
    char *command = g_strdup(g_get_prgname() + strlen("roomctl "));
    GError *error = NULL;
    gboolean ok = g_option_context_parse(context, argc, argv, &error);
    g_option_context_free(context);
    int status = -1;
    if (!ok)
        status = rc_cli_usage_error(command, "%s", error->message);
    else if (*argc - 1 < min)
        status = rc_cli_usage_error(command, "missing arguments");
    else if (max >= 0 && *argc - 1 > max)
        status = rc_cli_usage_error(command, "unexpected argument '%s'", (*argv)[max + 1]);
    g_clear_error(&error);
    g_free(command);
    return status;
}

int rc_cli_parse_room(GOptionContext *context, int *argc, char ***argv, int min, int max)
{
    int status = rc_cli_parse(context, argc, argv, min, max);
    return status < 0 ? rc_cli_check_room(g_get_prgname() + strlen("roomctl "), (*argv)[1])
                      : status;
}

int rc_cli_fail(const char *command, GError *error)
{
    int status = rc_exit_code_for(error);
    /* Several problems come one per line: each line names the command. */
    char **lines = g_strsplit(error->message, "\n", -1);
    for (char **line = lines; *line; line++)
        fprintf(stderr, "roomctl %s: %s\n", command, *line);
    g_strfreev(lines);
    g_error_free(error);
    return status;
}

int rc_cli_check_room(const char *command, const char *room)
{
    const char *at = strchr(room, '@');
    if (at && at != room && at[1] && !strchr(room, '/') && g_utf8_validate(room, -1, NULL) &&
        rc_jid_is_valid(room))
        return -1;
    return rc_cli_usage_error(command, "'%s' is not a room: expected the bare JID of a chat "
                              "room, such as lobby@conference.example.org", room);
}

void rc_cli_schema_hint(GError *error)
{
    if (!g_error_matches(error, ROOMCTL_ERROR, ROOMCTL_ERR_IO))
        return;
    char *text = g_strdup_printf("%s\n(name the schema folders with --schemas PATH or "
                                 "ROOMCTL_SCHEMA_PATH, folders separated by ':')",
                                 error->message);
    g_free(error->message);
    error->message = text;
}

gboolean rc_cli_conn_load_schemas(rc_cli_conn *conn, GError **error)
{
    if (conn->registry)
        return TRUE;
    conn->registry = roomctl_registry_new();
    /* Commands that send no item (room, retract, purge) need no schemas. */
    if (conn->no_schemas)
        return TRUE;
    gboolean ok = TRUE;
    if (!conn->schema_dirs)
        ok = roomctl_registry_load_path(conn->registry, NULL, error);
    for (char **path = conn->schema_dirs; ok && path && *path; path++)
        ok = roomctl_registry_load_path(conn->registry, *path, error);
    if (!ok && error)
        rc_cli_schema_hint(*error);
    return ok;
}

static const char *option_or_env(const char *option, const char *env)
{
    if (option)
        return option;
    const char *value = g_getenv(env);
    return value && *value ? value : NULL;
}

static gboolean env_is_true(const char *name)
{
    const char *value = g_getenv(name);
    return value && (!strcmp(value, "1") || !g_ascii_strcasecmp(value, "true") ||
                     !g_ascii_strcasecmp(value, "yes"));
}

gboolean rc_cli_conn_connect(rc_cli_conn *conn, GError **error)
{
    if (!rc_cli_conn_load_schemas(conn, error))
        return FALSE;
    const char *jid = option_or_env(conn->jid, "ROOMCTL_JID");
    if (!jid) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "no account given: use --jid JID or set ROOMCTL_JID");
        return FALSE;
    }
    char *password = NULL;
    const char *password_file = option_or_env(conn->password_file, "ROOMCTL_PASSWORD_FILE");
    if (password_file) {
        if (!(password = rc_password_read_file(password_file, error)))
            return FALSE;
    } else if (g_getenv("ROOMCTL_PASSWORD")) {
        if (!(password = rc_password_from_env("ROOMCTL_PASSWORD", error)))
            return FALSE;
    } else if (strchr(jid, '@')) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_FAILED,
                    "no password for %s: use --password-file FILE, or set ROOMCTL_PASSWORD_FILE "
                    "or ROOMCTL_PASSWORD", jid);
        return FALSE;
    }
    int port = conn->port;
    const char *port_text = g_getenv("ROOMCTL_PORT");
    if (!port && port_text && *port_text) {
        char *end = NULL;
        port = (int)strtol(port_text, &end, 10);
        if (*end)
            port = -1;
    }
    if (port < 0 || port > 65535) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "port must be a number from 1 to 65535");
        rc_password_free(password);
        return FALSE;
    }
    roomctl_bus_options options = {
        .jid = jid,
        .password = password,
        .host = option_or_env(conn->host, "ROOMCTL_HOST"),
        .port = (guint16)port,
        .pubsub_service = option_or_env(conn->pubsub, "ROOMCTL_PUBSUB"),
        .allow_plaintext = conn->allow_plaintext || env_is_true("ROOMCTL_ALLOW_PLAINTEXT"),
        .tls_ca_file = option_or_env(conn->cafile, "ROOMCTL_CAFILE"),
    };
    conn->bus = roomctl_bus_new(&options, conn->registry, NULL);
    rc_password_free(password);
    return roomctl_bus_connect_sync(conn->bus, error);
}

const char *rc_cli_conn_gate(const rc_cli_conn *conn)
{
    return option_or_env(conn->gate, "ROOMCTL_GATE");
}

void rc_cli_conn_clear(rc_cli_conn *conn)
{
    if (conn->bus)
        roomctl_bus_free(conn->bus);
    if (conn->registry)
        roomctl_registry_free(conn->registry);
    g_free(conn->jid);
    g_free(conn->password_file);
    g_free(conn->cafile);
    g_free(conn->host);
    g_free(conn->pubsub);
    g_strfreev(conn->schema_dirs);
    g_free(conn->gate);
    memset(conn, 0, sizeof *conn);
}
