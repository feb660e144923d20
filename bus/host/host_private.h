/* Internal: the plugin host's structures, shared by host.c (loading),
 * handler.c (handlers), dispatch.c and plugin_api.c (what plugins call). */
#ifndef RC_HOST_PRIVATE_H
#define RC_HOST_PRIVATE_H

#include <roomctl/host.h>
#include <roomctl/config.h>

G_BEGIN_DECLS

/* One registered handler; owned by its plugin. */
typedef struct rc_handler {
    roomctl_plugin *plugin;  /* not owned */
    char *types;             /* the pattern as registered: "ui.button", "ui.*", "*" */
    char *prefix;            /* "ui." for "ui.*", "" for "*", NULL for an exact type */
    roomctl_handle_fn handle;
    roomctl_reset_fn reset;
    roomctl_purge_fn purge;
    void *user_data;
    void (*free_user_data)(void *user_data);
} rc_handler;

struct roomctl_plugin {
    roomctl_host *host;      /* not owned */
    char *path;              /* the file it was loaded from */
    char *name;              /* the descriptor's name */
    char *log_domain;        /* "plugin:NAME" */
    void *dl;                /* dlopen() handle */
    const roomctl_plugin_descriptor *descriptor; /* inside dl */
    roomctl_config *own_config;   /* the empty section made when none was given */
    const roomctl_config *config; /* the section given to init; not owned unless == own_config */
    gboolean in_init;        /* handlers may only be added during init */
    char *init_error;        /* set by roomctl_plugin_set_error() */
    void *data;
    void (*free_data)(void *data);
    GPtrArray *handlers;     /* rc_handler*, owned, in registration order */
    /* Set by roomctl_plugin_keeps_state(): the plugin's effects outlive the
     * process, and @restored says whether it read back what it had. */
    gboolean keeps_state;
    gboolean restored;
    /* Batches (batch.c): what to call at the end of one, and whether a
     * handler of this plugin ran during the one under way. */
    roomctl_batch_end_fn batch_end;
    gboolean batch_touched;
};

struct roomctl_result {
    char *reason;            /* set by roomctl_result_fail(); owned */
};

struct roomctl_host {
    const roomctl_registry *registry; /* not owned; may be NULL */
    GPtrArray *dirs;         /* char*, owned: plugin directories in search order */
    GPtrArray *plugins;      /* roomctl_plugin*, owned, in load order */
    GPtrArray *names;        /* const char* into plugins, for roomctl_host_plugins() */
    roomctl_chat_power_fn chat_power;
    void *chat_power_data;
    GDestroyNotify chat_power_free;
    guint slow_handler_ms;   /* 0: no slow handler warning */
    struct rc_journal *journal; /* owned; NULL: none (see roomctl_host_open_journal()) */
    roomctl_host_stats stats;
    guint batch_depth;       /* roomctl_host_begin_batch() calls not yet ended */
};

/* Log domain of the host's own messages. */
#define RC_HOST_LOG_DOMAIN "host"
/* Handlers slower than this are logged unless the host says otherwise. */
#define RC_HOST_DEFAULT_SLOW_MS 1000

/* batch.c: note that a handler of @plugin runs (inside a batch or not). */
static inline void rc_batch_touch(roomctl_plugin *plugin)
{
    plugin->batch_touched |= plugin->host->batch_depth > 0;
}

/* plugin_api.c: TRUE during @plugin's init; else FALSE, with a warning
 * naming @call when @plugin is not NULL. */
gboolean rc_plugin_in_init(const roomctl_plugin *plugin, const char *call);

/* plugin_elf.c: the ABI major and minor in the descriptor of the plugin
 * file @path, read from the file without loading it; FALSE when it has no
 * descriptor there (or is no 64-bit ELF file of this byte order). */
gboolean rc_plugin_elf_abi(const char *path, guint32 *major, guint32 *minor);

/* host.c: the loaded plugin named @name, or NULL. */
roomctl_plugin *rc_host_find_plugin(const roomctl_host *host, const char *name);

/* handler.c: check @def and make a handler from it (strings copied); NULL
 * with a reason in @why (free with g_free()) when @def is not valid. */
rc_handler *rc_handler_new(roomctl_plugin *plugin, const roomctl_handler_def *def, char **why);
/* Free a handler, calling its free_user_data. */
void rc_handler_free(gpointer handler);
/* TRUE when the handler's pattern matches @type. */
gboolean rc_handler_matches(const rc_handler *handler, const char *type);

/* ---- plugin_settings.c (SDK 1.4) ---- */
/* Check @config against the settings @d declares (TRUE when it declares
 * none); every problem is one line of @error (ROOMCTL_ERR_CONFIG), as
 * "FILE:LINE:COL: error: plugin 'NAME': TEXT". */
gboolean rc_plugin_settings_check(const roomctl_plugin_descriptor *d,
                                  const roomctl_config *config, GError **error);
/* What `roomctl-agent --describe-plugin` prints; g_free(). */
char *rc_plugin_settings_describe(const roomctl_plugin_descriptor *d, const char *path);

G_END_DECLS

#endif
