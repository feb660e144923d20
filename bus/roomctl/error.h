/* roomctl error codes and the logging hook. */
#ifndef ROOMCTL_ERROR_H
#define ROOMCTL_ERROR_H

#include <glib.h>
#include <roomctl/plugin.h>

G_BEGIN_DECLS

/*
 * Codes of the ROOMCTL_ERROR GError domain.  Always add new codes last; never
 * renumber or remove one (tools map them to exit codes).
 */
typedef enum {
    ROOMCTL_OK = 0,
    ROOMCTL_ERR_INVALID_ITEM,   /* an item does not match its schema */
    ROOMCTL_ERR_UNKNOWN_TYPE,   /* no schema defines that type/version */
    ROOMCTL_ERR_SCHEMA,         /* a schema file is broken */
    ROOMCTL_ERR_CONFIG,         /* a configuration file or argument is broken */
    ROOMCTL_ERR_IO,             /* a file could not be read or written */
    ROOMCTL_ERR_PLUGIN,         /* a plugin could not be loaded or failed */
    ROOMCTL_ERR_CONNECTION,     /* cannot reach or stay connected to the server */
    ROOMCTL_ERR_AUTH,           /* the server refused the account's credentials */
    ROOMCTL_ERR_NOT_ALLOWED,    /* the server says this account may not do that */
    ROOMCTL_ERR_NOT_FOUND,      /* no such room node (or item) on the server */
    ROOMCTL_ERR_SERVER,         /* any other error the server returned */
    ROOMCTL_ERR_TIMEOUT,        /* the server did not answer in time */
    ROOMCTL_ERR_INSECURE,       /* a file or directory others can write or read */
    ROOMCTL_ERR_TOO_LARGE,      /* an incoming item is over the size limit */
    ROOMCTL_ERR_NOT_MODERATOR,  /* an incoming item's publisher is not a moderator */
    ROOMCTL_ERR_CONFLICT,       /* another client logged in with the same full JID */
    ROOMCTL_ERR_FORGED          /* an incoming event did not come from the PubSub service */
} roomctl_error_code;

#define ROOMCTL_ERROR (roomctl_error_quark())
ROOMCTL_API
GQuark roomctl_error_quark(void);

/*
 * Where an error of the ROOMCTL_ERROR domain is, as data (the message says
 * the same in words): for a schema or configuration file, the file, line and
 * column of its first problem; for an item, the field.  Members the error
 * does not know are NULL or 0.  Strings are owned by the error.
 */
typedef struct {
    const char *file;   /* the file (or the name given for a string) */
    unsigned line;      /* 1-based */
    unsigned column;    /* 1-based */
    const char *field;  /* the field of the schema or item it concerns */
} roomctl_error_position;

/* Fill @out with where @error is; FALSE (and @out all empty) when it
 * carries no position: not of ROOMCTL_ERROR, or none known. */
ROOMCTL_API
gboolean roomctl_error_get_position(const GError *error, roomctl_error_position *out);

/* A short English description of @code; static, never NULL. */
ROOMCTL_API
const char *roomctl_strerror(int code);

/*
 * The one logging hook of the library.  Library code never prints: every
 * message goes to @fn (or, when none is set, to g_log() in domain "roomctl").
 * @domain says which part logs ("bus", "plugin:audit", …); @message lives for
 * the call only.  Pass fn = NULL to restore the default.
 */
typedef void (*roomctl_log_fn)(roomctl_log_level level, const char *domain,
                               const char *message, void *user_data);
ROOMCTL_API
void roomctl_set_log_handler(roomctl_log_fn fn, void *user_data);
/* Messages less severe than @max are dropped before formatting. */
ROOMCTL_API
void roomctl_set_log_level(roomctl_log_level max);
ROOMCTL_API
roomctl_log_level roomctl_get_log_level(void);

G_END_DECLS

#endif
