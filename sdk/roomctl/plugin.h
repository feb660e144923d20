/*
 * roomctl plugin SDK: the one header a handler plugin includes.
 *
 * A plugin is a shared object that the roomctl bus loads with dlopen().  It
 * exports one descriptor, written with ROOMCTL_PLUGIN_DEFINE(), and from its
 * init function registers handlers for control types.  The bus calls the
 * handlers with every validated control item of a matching type.
 *
 * This header depends on the C standard headers only: no GLib, libyaml or
 * libstrophe type crosses the plugin ABI.  The functions declared here are
 * provided by the host process (libroomctl); a plugin does not link against
 * anything, its undefined roomctl_* symbols are resolved when it is loaded.
 *
 * Lifetimes, unless a declaration says otherwise:
 *   - an item handed to a handler lives for that call only; keep it with
 *     roomctl_item_ref() and let it go with roomctl_item_unref();
 *   - every string returned by an accessor is owned by the object it was read
 *     from and lives as long as that object;
 *   - the plugin handle and the plugin's configuration live from init until
 *     shutdown returns.
 *
 * ABI changelog (bump the minor for additions, the major for anything else):
 *   1.0  Descriptor, init/shutdown, handlers for exact types and prefixes,
 *        item and value accessors, item references, configuration tree,
 *        host logging, per-item results, reset and purge notifications,
 *        the chat power host hook.
 *   1.1  roomctl_plugin_keeps_state(): a plugin whose effects outlive the
 *        host process is not handed again, after a restart, the state items
 *        it already applied.
 *   1.2  Batches (issue 15): roomctl_plugin_set_batch_end() and
 *        roomctl_plugin_in_batch(), so that a plugin handed a room's whole
 *        state at once (join, rejoin, restart) writes it once, not per item.
 *   1.3  (issue 19) roomctl_plugin_host_abi_minor(): the minor the loading
 *        host offers; ROOMCTL_PLUGIN_MIN_MINOR lets a plugin built with a
 *        newer SDK declare the oldest minor it runs on.  The host reads the
 *        descriptor before it binds any symbol, so a plugin for a newer minor
 *        is refused with both versions instead of "undefined symbol" (one
 *        linked with -z now, bound at load whatever the host asks, has its
 *        descriptor read from the file).
 *   1.4  Settings (issue 17): the descriptor's first reserved slot becomes
 *        `settings`, a table of roomctl_setting (name, type, required,
 *        default, one line of help; bounds; the keys of a list's entries),
 *        written with ROOMCTL_PLUGIN_DEFINE_WITH_SETTINGS().  The host
 *        refuses unknown keys and bad values before init, and
 *        `roomctl-agent --describe-plugin NAME` prints the table.  The slot
 *        was zero before, so an older host ignores it and a newer host
 *        checks nothing for a plugin that leaves it NULL.
 */
#ifndef ROOMCTL_PLUGIN_H
#define ROOMCTL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define ROOMCTL_PLUGIN_ABI_MAJOR 1
#define ROOMCTL_PLUGIN_ABI_MINOR 4

/* The name of the symbol that ROOMCTL_PLUGIN_DEFINE() exports. */
#define ROOMCTL_PLUGIN_SYMBOL "roomctl_plugin_entry"

/* ROOMCTL_API marks what libroomctl exports: the library is built with
 * hidden visibility, so a function without it stays internal. */
#if defined(__GNUC__)
#define ROOMCTL_PLUGIN_EXPORT __attribute__((visibility("default")))
#define ROOMCTL_API __attribute__((visibility("default")))
#define ROOMCTL_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define ROOMCTL_PLUGIN_EXPORT
#define ROOMCTL_API
#define ROOMCTL_PRINTF(f, a)
#endif

/* One decoded, validated, read-only control item. */
typedef struct roomctl_item roomctl_item;
/* One field value of an item; owned by its item. */
typedef struct roomctl_value roomctl_value;
/* The host's handle for one loaded plugin. */
typedef struct roomctl_plugin roomctl_plugin;
/* A node of the plugin's configuration section (mapping, list or scalar). */
typedef struct roomctl_config roomctl_config;
/* Where a handler writes why it failed; lives for the handler call only. */
typedef struct roomctl_result roomctl_result;

typedef enum {
    ROOMCTL_FIELD_STRING = 0,
    ROOMCTL_FIELD_INT,
    ROOMCTL_FIELD_NUMBER,
    ROOMCTL_FIELD_BOOL,
    ROOMCTL_FIELD_URL,
    ROOMCTL_FIELD_JID,
    ROOMCTL_FIELD_BYTES,
    ROOMCTL_FIELD_TIMESTAMP,
    ROOMCTL_FIELD_LIST
} roomctl_field_type;

typedef enum {
    ROOMCTL_LOG_ERROR = 0,
    ROOMCTL_LOG_WARNING,
    ROOMCTL_LOG_INFO,
    ROOMCTL_LOG_DEBUG
} roomctl_log_level;

/* Return codes of the accessors below.  Never renumbered; new ones go last. */
enum {
    ROOMCTL_PLUGIN_OK = 0,
    ROOMCTL_PLUGIN_ENOFIELD = -1, /* no such field, or the field is not set */
    ROOMCTL_PLUGIN_ETYPE = -2,    /* the field has another type */
    ROOMCTL_PLUGIN_EINVAL = -3,   /* bad argument */
    ROOMCTL_PLUGIN_ENOTSUP = -4   /* the host does not offer this */
};

/* ---- The descriptor ------------------------------------------------------ */

/* (1.4) The type of a setting's value in the plugin's configuration section. */
typedef enum {
    ROOMCTL_SETTING_STRING = 0, /* any text */
    ROOMCTL_SETTING_PATH,       /* a file or folder path: text, not empty */
    ROOMCTL_SETTING_INT,        /* a decimal integer, within min..max when min < max */
    ROOMCTL_SETTING_BOOL,       /* true or false */
    ROOMCTL_SETTING_LIST        /* a list: of mappings with the keys of @entries, when
                                   set, else of single values */
} roomctl_setting_type;

/*
 * (1.4) One setting a plugin takes.  A table of them ends with an entry
 * whose name is NULL.  The host checks a section against it before init:
 * a key the table does not name, a value of the wrong type or out of
 * bounds, and a missing required setting are refused with FILE:LINE:COL
 * (and a "did you mean" for a misspelt key).  The plugin still reads the
 * values itself, and applies @default_text itself: the host only shows it.
 * The table and its strings must live as long as the plugin is loaded
 * (static data).
 */
typedef struct roomctl_setting {
    const char *name;
    roomctl_setting_type type;
    int required;                /* 1: the section must give it */
    const char *default_text;    /* as shown to people, e.g. "10000"; NULL: none */
    const char *help;            /* one line */
    int64_t min, max;            /* ROOMCTL_SETTING_INT: inclusive bounds when min < max */
    const struct roomctl_setting *entries; /* ROOMCTL_SETTING_LIST of mappings: their keys */
} roomctl_setting;

/*
 * init: called once after loading, before any item.  Register handlers here.
 * Return 0, or -1 after roomctl_plugin_set_error() to refuse loading (the host
 * then unloads the plugin without calling shutdown).  @config is the plugin's
 * section of the host configuration (an empty mapping when there is none).
 *
 * shutdown: called once, in reverse load order, when the host stops.  Free
 * everything init allocated.  May be NULL.
 */
typedef struct roomctl_plugin_descriptor {
    uint32_t abi_major; /* ROOMCTL_PLUGIN_ABI_MAJOR the plugin was built with */
    uint32_t abi_minor; /* ROOMCTL_PLUGIN_ABI_MINOR the plugin was built with */
    const char *name;        /* short name, [a-z0-9-]+, e.g. "ui-state" */
    const char *version;     /* the plugin's own version, free text */
    const char *description; /* one line */
    int (*init)(roomctl_plugin *plugin, const roomctl_config *config);
    void (*shutdown)(roomctl_plugin *plugin);
    /* (1.4) The settings the plugin takes, or NULL: then the host checks
     * nothing and the plugin alone reads its section. */
    const roomctl_setting *settings;
    void *reserved[7]; /* zero; room for later minors */
} roomctl_plugin_descriptor;

/*
 * Write the plugin's descriptor.  Use once per plugin, at file scope:
 *   ROOMCTL_PLUGIN_DEFINE("hello", "1.0", "Says hello", hello_init, NULL);
 *
 * The descriptor claims this SDK's minor, and a host with an older minor
 * refuses the plugin.  A plugin that also runs on older hosts defines
 * ROOMCTL_PLUGIN_MIN_MINOR (the oldest minor whose calls it always makes)
 * before including this header, declares each newer call it makes only
 * when roomctl_plugin_host_abi_minor() allows it with
 * __attribute__((weak)), and checks the minor before the call.
 */
#ifndef ROOMCTL_PLUGIN_MIN_MINOR
#define ROOMCTL_PLUGIN_MIN_MINOR ROOMCTL_PLUGIN_ABI_MINOR
#endif
#define ROOMCTL_PLUGIN_DEFINE(name_, version_, description_, init_, shutdown_) \
    ROOMCTL_PLUGIN_DEFINE_WITH_SETTINGS(name_, version_, description_, init_, shutdown_, NULL)

/* (1.4) The entry that ends a settings table. */
#define ROOMCTL_SETTINGS_END { NULL, ROOMCTL_SETTING_STRING, 0, NULL, NULL, 0, 0, NULL }

/*
 * (1.4) The same with the plugin's settings table:
 *   static const roomctl_setting settings[] = {
 *       { "file", ROOMCTL_SETTING_PATH, 1, NULL, "the JSON file to write", 0, 0, NULL },
 *       ROOMCTL_SETTINGS_END
 *   };
 *   ROOMCTL_PLUGIN_DEFINE_WITH_SETTINGS("hello", "1.0", "Says hello", hello_init, NULL,
 *                                       settings);
 */
#define ROOMCTL_PLUGIN_DEFINE_WITH_SETTINGS(name_, version_, description_, init_, shutdown_, \
                                            settings_)                                     \
    ROOMCTL_PLUGIN_EXPORT const roomctl_plugin_descriptor roomctl_plugin_entry = {          \
        ROOMCTL_PLUGIN_ABI_MAJOR, ROOMCTL_PLUGIN_MIN_MINOR,                               \
        (name_), (version_), (description_), (init_), (shutdown_), (settings_), {0} }

/* ---- Handlers ------------------------------------------------------------- */

/*
 * handle: called with each validated item whose type matches.  Return 0 when
 * the item was applied; return -1 and say why with roomctl_result_fail() when
 * it was not.  The result is kept per item and per plugin (the moderator sees
 * it as an acknowledgement).  @item lives for this call only.
 *
 * reset: a state item of a matching type was retracted (its key is back to no
 * state).  @type and @item_id live for the call only.  May be NULL.
 *
 * purge: every state item of the room was removed.  May be NULL.
 */
typedef int (*roomctl_handle_fn)(roomctl_plugin *plugin, const roomctl_item *item,
                                 roomctl_result *result, void *user_data);
typedef void (*roomctl_reset_fn)(roomctl_plugin *plugin, const char *room,
                                 const char *type, const char *item_id, void *user_data);
typedef void (*roomctl_purge_fn)(roomctl_plugin *plugin, const char *room, void *user_data);

typedef struct roomctl_handler_def {
    /* "ui.button" for one type, "ui.*" for every type under "ui.", "*" for all. */
    const char *types;
    roomctl_handle_fn handle;  /* required */
    roomctl_reset_fn reset;    /* optional */
    roomctl_purge_fn purge;    /* optional */
    void *user_data;
    /* Called with user_data when the plugin is unloaded, or at once when
     * registration fails.  May be NULL. */
    void (*free_user_data)(void *user_data);
} roomctl_handler_def;

/*
 * Register a handler.  @def is copied; the strings in it are copied too.
 * Only valid during init.  Returns ROOMCTL_PLUGIN_OK or ROOMCTL_PLUGIN_EINVAL
 * (then user_data has already been freed with free_user_data).
 */
ROOMCTL_API
int roomctl_plugin_add_handler(roomctl_plugin *plugin, const roomctl_handler_def *def);

/* Make a handler failure's reason: printf-style, copied. */
ROOMCTL_API
void roomctl_result_fail(roomctl_result *result, const char *fmt, ...) ROOMCTL_PRINTF(2, 3);

/* ---- The plugin handle ---------------------------------------------------- */

/* The plugin's name as the host knows it; owned by the host. */
ROOMCTL_API
const char *roomctl_plugin_name(const roomctl_plugin *plugin);

/* Why init failed: printf-style, copied.  Use before returning -1 from init. */
ROOMCTL_API
void roomctl_plugin_set_error(roomctl_plugin *plugin, const char *fmt, ...) ROOMCTL_PRINTF(2, 3);

/* Log through the host's logging hook; the message is prefixed with the
 * plugin's name. */
ROOMCTL_API
void roomctl_plugin_log(roomctl_plugin *plugin, roomctl_log_level level,
                        const char *fmt, ...) ROOMCTL_PRINTF(3, 4);

/*
 * (1.1) Say, during init, that this plugin's effects outlive the host
 * process: it writes them somewhere (a file a UI reads, a log) and, at init,
 * reads back what it had.  @restored is 1 when it did read back its state,
 * 0 when it starts from nothing (first run, file missing or unreadable).
 * When the host keeps an applied-state journal, a restarted host then skips
 * this plugin's handlers for a state item it already applied with the same
 * id and content, and calls its reset for keys retracted meanwhile; with
 * @restored 0 the plugin gets every current item again once.  A plugin that
 * does not call this gets every current state item after each restart,
 * flagged as replay.  Returns ROOMCTL_PLUGIN_OK, or ROOMCTL_PLUGIN_EINVAL
 * outside init.
 */
ROOMCTL_API
int roomctl_plugin_keeps_state(roomctl_plugin *plugin, int restored);

/*
 * (1.2) Batches.  When the host hands many items at once (the state fetched
 * when a room is joined or joined again, and the keys it resets after a
 * restart), it runs them as one batch: during it, roomctl_plugin_in_batch()
 * returns 1 in this plugin's handlers, resets and purges, and afterwards
 * @batch_end is called once if any of them was called.  A plugin that
 * writes its state to a file can defer the write to @batch_end and so write
 * once per batch instead of once per item.  Live items come one at a time,
 * outside any batch (roomctl_plugin_in_batch() returns 0).
 *
 * @batch_end: returns 0, or -1 when what the plugin deferred could not be
 * made to last (it logs why with roomctl_plugin_log()); the host then
 * forgets, in its applied-state journal, what this plugin applied, so that
 * after a restart it is handed every current item again.
 *
 * set_batch_end: only during init; returns ROOMCTL_PLUGIN_OK, or
 * ROOMCTL_PLUGIN_EINVAL outside init.  A plugin that sets none is called
 * as before and must write per item.
 */
typedef int (*roomctl_batch_end_fn)(roomctl_plugin *plugin);
ROOMCTL_API
int roomctl_plugin_set_batch_end(roomctl_plugin *plugin, roomctl_batch_end_fn batch_end);
/* 1 while the host runs a batch (see above), else 0. */
ROOMCTL_API
int roomctl_plugin_in_batch(const roomctl_plugin *plugin);

/*
 * (1.3) The ABI minor of the host that loaded @plugin (its
 * ROOMCTL_PLUGIN_ABI_MINOR; the major is always the plugin's own): at least
 * the minor in the plugin's descriptor, maybe newer.  Callable at any time.
 */
ROOMCTL_API
unsigned roomctl_plugin_host_abi_minor(const roomctl_plugin *plugin);

/* Keep private state.  @free_data is called with @data at unload (after
 * shutdown) or when the data is replaced.  Both may be NULL. */
ROOMCTL_API
void roomctl_plugin_set_data(roomctl_plugin *plugin, void *data, void (*free_data)(void *));
ROOMCTL_API
void *roomctl_plugin_get_data(const roomctl_plugin *plugin);

/*
 * Host hook: turn the host's chat on (@enabled = 1) or off (0).  @reason may
 * be NULL.  Returns 0, ROOMCTL_PLUGIN_ENOTSUP when the host has no chat power
 * hook, or -1 when the host's hook failed (its reason is logged).
 */
ROOMCTL_API
int roomctl_host_set_chat_enabled(roomctl_plugin *plugin, int enabled, const char *reason);

/* ---- Items ---------------------------------------------------------------- */

ROOMCTL_API
const char *roomctl_item_type(const roomctl_item *item);        /* "ui.button" */
ROOMCTL_API
int roomctl_item_schema_version(const roomctl_item *item);       /* >= 1 */
ROOMCTL_API
const char *roomctl_item_id(const roomctl_item *item);          /* "ui.button:send" */
/* The publisher's bare JID, or NULL when the server does not expose it. */
ROOMCTL_API
const char *roomctl_item_publisher(const roomctl_item *item);
/* The room's bare JID, or NULL for an item not received from a room. */
ROOMCTL_API
const char *roomctl_item_room(const roomctl_item *item);
/* 1 when this is stored state replayed on join or after a reconnect, 0 live. */
ROOMCTL_API
int roomctl_item_is_replay(const roomctl_item *item);
/* 1 for a type of kind "state", 0 for kind "event". */
ROOMCTL_API
int roomctl_item_is_state(const roomctl_item *item);

/* Keep an item past the handler call.  Returns @item. */
ROOMCTL_API
const roomctl_item *roomctl_item_ref(const roomctl_item *item);
ROOMCTL_API
void roomctl_item_unref(const roomctl_item *item);

/* Fields in schema order, set or not.  Index from 0 to count - 1. */
ROOMCTL_API
size_t roomctl_item_field_count(const roomctl_item *item);
ROOMCTL_API
const char *roomctl_item_field_name(const roomctl_item *item, size_t index);
/* The value of a field (given or defaulted), or NULL when it is not set. */
ROOMCTL_API
const roomctl_value *roomctl_item_field_at(const roomctl_item *item, size_t index);
ROOMCTL_API
const roomctl_value *roomctl_item_get(const roomctl_item *item, const char *field);
/* 1 when the field has a value (given or defaulted). */
ROOMCTL_API
int roomctl_item_has(const roomctl_item *item, const char *field);

/*
 * Typed shortcuts.  Each returns ROOMCTL_PLUGIN_OK and fills *out,
 * ROOMCTL_PLUGIN_ENOFIELD when the field is unknown or not set, or
 * ROOMCTL_PLUGIN_ETYPE when the field has another type.
 * get_string accepts string, url, jid and timestamp fields (their text).
 * get_number accepts int fields too.  get_timestamp gives microseconds since
 * the Unix epoch.  get_bytes gives the decoded bytes, owned by the item; for
 * empty bytes *data is not NULL and *len is 0.
 */
ROOMCTL_API
int roomctl_item_get_string(const roomctl_item *item, const char *field, const char **out);
ROOMCTL_API
int roomctl_item_get_int(const roomctl_item *item, const char *field, int64_t *out);
ROOMCTL_API
int roomctl_item_get_number(const roomctl_item *item, const char *field, double *out);
ROOMCTL_API
int roomctl_item_get_bool(const roomctl_item *item, const char *field, int *out);
ROOMCTL_API
int roomctl_item_get_bytes(const roomctl_item *item, const char *field,
                           const uint8_t **data, size_t *len);
ROOMCTL_API
int roomctl_item_get_timestamp(const roomctl_item *item, const char *field, int64_t *out);

/* ---- Values --------------------------------------------------------------- */

ROOMCTL_API
roomctl_field_type roomctl_value_type(const roomctl_value *value);
/* Text of a string, url, jid or timestamp value; NULL for other types. */
ROOMCTL_API
const char *roomctl_value_string(const roomctl_value *value);
ROOMCTL_API
int64_t roomctl_value_int(const roomctl_value *value);     /* 0 unless int */
ROOMCTL_API
double roomctl_value_number(const roomctl_value *value);   /* int or number */
ROOMCTL_API
int roomctl_value_bool(const roomctl_value *value);        /* 0 or 1 */
/* Decoded bytes (not base64); NULL unless bytes.  Empty bytes give a
 * pointer that is not NULL, with *len 0 (as roomctl_item_get_bytes()). */
ROOMCTL_API
const uint8_t *roomctl_value_bytes(const roomctl_value *value, size_t *len);
ROOMCTL_API
int64_t roomctl_value_timestamp(const roomctl_value *value); /* µs since epoch */
/* The value as it is written on the wire (base64 for bytes, "true"/"false"
 * for bool); NULL for a list.  Owned by the value. */
ROOMCTL_API
const char *roomctl_value_text(const roomctl_value *value);
ROOMCTL_API
size_t roomctl_value_list_length(const roomctl_value *value); /* 0 unless list */
ROOMCTL_API
const roomctl_value *roomctl_value_list_at(const roomctl_value *value, size_t index);

/* ---- Configuration -------------------------------------------------------- */

typedef enum {
    ROOMCTL_CONFIG_SCALAR = 0,
    ROOMCTL_CONFIG_MAPPING,
    ROOMCTL_CONFIG_LIST
} roomctl_config_kind;

ROOMCTL_API
roomctl_config_kind roomctl_config_kind_of(const roomctl_config *config);
/* A scalar's text; NULL for a mapping or list. */
ROOMCTL_API
const char *roomctl_config_scalar(const roomctl_config *config);
/* A mapping's child, or NULL. */
ROOMCTL_API
const roomctl_config *roomctl_config_child(const roomctl_config *config, const char *key);
/* Entries of a mapping or list, in file order; key is NULL for a list. */
ROOMCTL_API
size_t roomctl_config_length(const roomctl_config *config);
ROOMCTL_API
const roomctl_config *roomctl_config_at(const roomctl_config *config, size_t index,
                                        const char **key);
/* Where the node was written, for error messages: "agent.yaml:12:5". */
ROOMCTL_API
const char *roomctl_config_location(const roomctl_config *config);

/* Shortcuts for a mapping's scalar child.  get_string returns @fallback when
 * the key is missing.  get_int and get_bool return ROOMCTL_PLUGIN_OK,
 * ROOMCTL_PLUGIN_ENOFIELD (missing; *out untouched) or ROOMCTL_PLUGIN_ETYPE
 * (present but not an integer / not true|false). */
ROOMCTL_API
const char *roomctl_config_get_string(const roomctl_config *config, const char *key,
                                      const char *fallback);
ROOMCTL_API
int roomctl_config_get_int(const roomctl_config *config, const char *key, int64_t *out);
ROOMCTL_API
int roomctl_config_get_bool(const roomctl_config *config, const char *key, int *out);

#ifdef __cplusplus
}
#endif

#endif /* ROOMCTL_PLUGIN_H */
