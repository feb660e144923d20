/* The plugin host: loads handler plugins and dispatches items to them. */
#ifndef ROOMCTL_HOST_H
#define ROOMCTL_HOST_H

#include <roomctl/schema.h>

G_BEGIN_DECLS

typedef struct roomctl_host roomctl_host;

/* What one plugin's handler did with one item. */
typedef struct roomctl_handler_result {
    char *plugin;        /* the plugin's name */
    gboolean ok;
    char *reason;        /* why it failed; NULL when ok */
    gint64 duration_us;  /* how long the handler ran */
} roomctl_handler_result;

/* The host keeps @registry (for the "type no schema defines" warning); it
 * must outlive the host.  Free with roomctl_host_free(), which shuts the
 * plugins down in reverse load order and unloads them. */
ROOMCTL_API
roomctl_host *roomctl_host_new(const roomctl_registry *registry);
ROOMCTL_API
void roomctl_host_free(roomctl_host *host);

/* Directories searched, in order, for NAME.so.  Refused (ROOMCTL_ERR_INSECURE)
 * when anyone but the owner can write the directory. */
ROOMCTL_API
gboolean roomctl_host_add_plugin_dir(roomctl_host *host, const char *dir, GError **error);

/* The installed plugin folder (PREFIX/lib/roomctl/plugins), found next to the
 * running libroomctl so that a moved prefix works.  Owned by the library. */
ROOMCTL_API
const char *roomctl_host_default_plugin_dir(void);

/*
 * Load plugin @name (a name found in the plugin directories, or a path to a
 * .so) and call its init with @config (its section; NULL for none).  @config
 * must outlive the host: plugins may keep pointers into it.  Errors
 * (ROOMCTL_ERR_PLUGIN or ROOMCTL_ERR_INSECURE) name the file and say why:
 * dlopen's text, a missing descriptor, an ABI mismatch with both versions,
 * or init's own reason.
 */
ROOMCTL_API
gboolean roomctl_host_load(roomctl_host *host, const char *name,
                           const roomctl_config *config, GError **error);

/*
 * Check plugin @name as roomctl_host_load() does, without calling its init
 * and without loading it: found, safe to load, dlopen() works, and it has a
 * descriptor with an ABI version and a name this host supports.  For
 * `roomctl-agent --check`: a plugin's init may write files a running agent
 * owns.  Errors as for roomctl_host_load().
 */
ROOMCTL_API
gboolean roomctl_host_check(roomctl_host *host, const char *name, GError **error);
/*
 * (17) The same, and also check @config (the plugin's section; NULL: none
 * given) against the settings the plugin declares (SDK 1.4), without init.
 * A plugin that declares none passes.  Errors (ROOMCTL_ERR_CONFIG) hold one
 * line per problem: "agent.yaml:14:7: error: plugin 'exec': unknown setting
 * 'timout_ms' (did you mean 'timeout_ms'?)"; roomctl_host_load() refuses
 * the same before init.
 */
ROOMCTL_API
gboolean roomctl_host_check_config(roomctl_host *host, const char *name,
                                   const roomctl_config *config, GError **error);
/*
 * (17) The plugin's name, version, description, file, ABI and the settings
 * it declares (name, type, bounds, required, default, help), as
 * `roomctl-agent --describe-plugin NAME` prints them.  Found and checked as
 * for roomctl_host_check(); init is not called.  The caller frees the text
 * with g_free(); NULL and @error when the plugin cannot be loaded.
 */
ROOMCTL_API
char *roomctl_host_describe_plugin(roomctl_host *host, const char *name, GError **error);
/* Names of the loaded plugins in load order; owned by the host. */
ROOMCTL_API
GPtrArray *roomctl_host_plugins(const roomctl_host *host);

/*
 * Give @item to every matching handler, in load order.  A failing handler is
 * logged with its plugin's name and reason; the others still run.  Returns
 * the number of handlers that failed.  When @results is not NULL it receives
 * a new array of roomctl_handler_result, one per handler that ran, in the
 * order they ran (free it with g_ptr_array_unref()).
 */
ROOMCTL_API
guint roomctl_host_dispatch(roomctl_host *host, const roomctl_item *item, GPtrArray **results);
/* A state key of @room was retracted / the whole room state was purged. */
ROOMCTL_API
void roomctl_host_reset(roomctl_host *host, const char *room, const char *type,
                        const char *item_id);
ROOMCTL_API
void roomctl_host_purge(roomctl_host *host, const char *room);

/*
 * A batch: many items handed at once (a join's fetched
 * state, the resets of roomctl_host_reconcile()).  Between begin and end,
 * plugins see roomctl_plugin_in_batch() == 1; at the end of the outermost
 * batch each plugin whose handlers ran and that set a batch end (SDK 1.2)
 * is called once, so that it writes its state once.  Calls nest; every
 * begin needs its end.  roomctl_bus_join_host() does this for each join.
 */
ROOMCTL_API
void roomctl_host_begin_batch(roomctl_host *host);
ROOMCTL_API
void roomctl_host_end_batch(roomctl_host *host);

/*
 * The host's chat power hook, called by roomctl_host_set_chat_enabled() from
 * plugins.  Return TRUE, or FALSE with @error set.  @free_user_data is called
 * when the hook is replaced or the host freed.
 */
typedef gboolean (*roomctl_chat_power_fn)(gboolean enabled, const char *reason,
                                          void *user_data, GError **error);
ROOMCTL_API
void roomctl_host_set_chat_power_hook(roomctl_host *host, roomctl_chat_power_fn fn,
                                      void *user_data, GDestroyNotify free_user_data);

/*
 * The applied-state journal: what each plugin that keeps its
 * own state (roomctl_plugin_keeps_state() in roomctl/plugin.h) has applied,
 * kept in the file @path (created 0600 when missing).  With it, a host
 * process that is restarted does not hand such a plugin again a state item
 * it already applied with the same id and content, and
 * roomctl_host_reconcile() resets the keys retracted while it was away.
 * Open it after loading the plugins: entries of plugins that are not loaded,
 * do not keep state, or could not read back what they had are dropped.
 * An empty file is an empty journal.  A file that is not a journal is
 * refused (ROOMCTL_ERR_CONFIG, naming the file), damaged lines are skipped with a warning; ROOMCTL_ERR_IO when the
 * file cannot be written.  The journal is closed by roomctl_host_free().
 * A journal entry is written when all of a plugin's handlers applied the
 * item: a handler that failed gets the item again after a restart.
 */
ROOMCTL_API
gboolean roomctl_host_open_journal(roomctl_host *host, const char *path, GError **error);
/* Tell the host that @room's complete current state is @state (an array of
 * roomctl_item *, e.g. from roomctl_room_state()), after a join: keys that
 * the journal says were applied and that are no longer there get the
 * plugins' reset.  Without a journal it does nothing. */
ROOMCTL_API
void roomctl_host_reconcile(roomctl_host *host, const char *room, GPtrArray *state);

/* What the host's plugins did, for an operator. */
typedef struct roomctl_host_stats {
    guint64 items;            /* items dispatched */
    guint64 handler_calls;    /* handlers run */
    guint64 handler_failures; /* of those, failed */
    guint64 slow_handlers;    /* of those, slower than the slow handler limit */
    guint64 journal_skipped;  /* handler calls skipped: the journal had the same item */
} roomctl_host_stats;
ROOMCTL_API
void roomctl_host_get_stats(const roomctl_host *host, roomctl_host_stats *out);

/* Warn about slow handlers: a handler running longer than @ms is logged.
 * The default is 1000 ms; 0 turns the warning off. */
ROOMCTL_API
void roomctl_host_set_slow_handler_ms(roomctl_host *host, guint ms);

G_END_DECLS

#endif
