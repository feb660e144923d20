/* Internal: acknowledgements, client announcements, tracking and status
 * (urn:roomctl:ack:0, docs/wire-format.md section 12) as pure functions on
 * libstrophe stanzas: what receivers, roomctl-gate and `roomctl` exchange. */
#ifndef RC_ACK_PROTO_H
#define RC_ACK_PROTO_H

#include <strophe.h>
#include <roomctl/error.h>

#include "gate_proto.h"

G_BEGIN_DECLS

#define RC_NS_ACK "urn:roomctl:ack:0"

/* What a client did with an item; GONE and WAITING only in reports. */
typedef enum {
    RC_ACK_APPLIED, RC_ACK_FAILED, RC_ACK_UNSUPPORTED, RC_ACK_DROPPED,
    RC_ACK_GONE, RC_ACK_WAITING, RC_ACK_N
} rc_ack_result;

/* "applied", "failed", …; static. */
const char *rc_ack_result_name(rc_ack_result result);
/* FALSE when @name is none of them. */
gboolean rc_ack_result_parse(const char *name, rc_ack_result *out);

/* One acknowledgement (11.2), or one failure kept by the gate (with @at).
 * Strings owned; free with rc_ack_free(). */
typedef struct rc_ack {
    char *room;
    char *item;            /* NULL for a purge */
    rc_gate_op op;
    rc_ack_result result;
    char *plugin;          /* failed: the plugin */
    char *reason;          /* failed / unsupported / dropped: why */
    gint64 at;             /* g_get_real_time() of a kept failure; 0: not sent */
} rc_ack;

rc_ack *rc_ack_new(const char *room, rc_gate_op op, const char *item, rc_ack_result result,
                   const char *plugin, const char *reason);
void rc_ack_free(gpointer ack);

/* A <message/> to @gate carrying @acks (rc_ack *, read only). */
xmpp_stanza_t *rc_ack_message_new(xmpp_ctx_t *ctx, const char *gate, GPtrArray *acks);
/*
 * The <ack/> elements of @message: a new array of rc_ack (free with
 * g_ptr_array_unref()).  NULL without @error when the message carries none;
 * NULL with @error (ROOMCTL_ERR_CONFIG, naming the attribute) when one is
 * malformed.  Nothing is returned from a message with a bad <ack/>.
 */
GPtrArray *rc_ack_message_parse(xmpp_stanza_t *message, GError **error);

/* ---- Announcements (11.1) ------------------------------------------------ */

typedef struct rc_announce_room { char *jid; gboolean synced; } rc_announce_room;
/* A handled type (@name, @version: "1 2") or a plugin (@name, @version). */
typedef struct rc_announce_entry { char *name; char *version; } rc_announce_entry;

/* What a receiver announces; every array owns its entries. */
typedef struct rc_announce {
    GPtrArray *rooms;      /* rc_announce_room * */
    GPtrArray *handles;    /* rc_announce_entry *: type, versions "1 2" */
    GPtrArray *plugins;    /* rc_announce_entry *: plugin name, version */
} rc_announce;

rc_announce *rc_announce_new(void);
void rc_announce_free(rc_announce *announce);
/* Append an entry (strings copied). */
void rc_announce_add_room(rc_announce *announce, const char *jid, gboolean synced);
void rc_announce_add_type(rc_announce *announce, const char *type, const char *versions);
void rc_announce_add_plugin(rc_announce *announce, const char *name, const char *version);
/* Whether @type at @version (0: any) is among the handled types. */
gboolean rc_announce_handles(const rc_announce *announce, const char *type, int version);
/* The synced flag of @room in @announce: -1 when it does not follow it. */
int rc_announce_room_synced(const rc_announce *announce, const char *room);

/* A directed <presence/> to @gate carrying @announce. */
xmpp_stanza_t *rc_announce_presence_new(xmpp_ctx_t *ctx, const char *gate,
                                        const rc_announce *announce);
/*
 * Read @presence: a new announcement when it carries <client/>; NULL
 * without @error when it says the sender is gone (type unavailable, or no
 * <client/>); NULL with @error (ROOMCTL_ERR_CONFIG) when <client/> is
 * malformed (a room without jid, a type without versions or with a version
 * that is not a positive number, …).  Presences of other types (error,
 * subscribe, probe) are neither: NULL with @ignored set.
 */
rc_announce *rc_announce_parse(xmpp_stanza_t *presence, gboolean *ignored, GError **error);

/* The gate's request to announce again: a <message/> to @to. */
xmpp_stanza_t *rc_announce_request_new(xmpp_ctx_t *ctx, const char *to);
gboolean rc_announce_request_is(xmpp_stanza_t *message);

/* ---- Tracking a request (11.3): ack_report.c ----------------------------- */

#define RC_TRACK_DEFAULT_S 30
#define RC_TRACK_MAX_S 600
/* Progress messages are at least this far apart. */
#define RC_TRACK_PROGRESS_MS 250

/* Add <track seconds= detail=/> inside the request element of @iq
 * (rc_gate_request_new()). */
void rc_track_add(xmpp_stanza_t *iq, guint seconds, gboolean all);
/* Whether request @iq asks to be tracked; @seconds clamped to 1…600
 * (missing or unreadable: 30), @all for detail='all'. */
gboolean rc_track_parse(xmpp_stanza_t *iq, guint *seconds, gboolean *all);
/* Add <tracking id= clients=/> inside the done element of the gate's @result. */
void rc_tracking_add(xmpp_stanza_t *result, const char *id, guint clients);
/* The tracking id in the gate's @result (a new string), or NULL when the
 * gate does not track; @clients gets the expected count. */
char *rc_tracking_parse(xmpp_stanza_t *result, guint *clients);

/* One client in a summary. */
typedef struct rc_ack_client {
    char *jid;
    rc_ack_result result;
    char *plugin, *reason;
} rc_ack_client;

void rc_ack_client_free(gpointer client);

/* A <progress/> (final FALSE) or <summary/> (final TRUE). */
typedef struct rc_ack_report {
    char *id, *room, *item;      /* item NULL for a purge */
    gboolean final;
    guint total;
    guint count[RC_ACK_N];       /* by result */
    GPtrArray *clients;          /* rc_ack_client *, summary only */
} rc_ack_report;

rc_ack_report *rc_ack_report_new(const char *id, const char *room, const char *item);
void rc_ack_report_free(rc_ack_report *report);
void rc_ack_report_add_client(rc_ack_report *report, const char *jid, rc_ack_result result,
                              const char *plugin, const char *reason);
/* The <message/> to @to carrying @report. */
xmpp_stanza_t *rc_ack_report_message_new(xmpp_ctx_t *ctx, const char *to,
                                         const rc_ack_report *report);
/* The report @message carries, or NULL without @error when none; NULL with
 * @error when it is malformed (a count that is not a number, …). */
rc_ack_report *rc_ack_report_parse(xmpp_stanza_t *message, GError **error);

/* ---- Status (11.4) -------------------------------------------------------- */

/* One client as the gate knows it. */
typedef struct rc_client_status {
    char *jid;
    gboolean present;
    gint64 since;           /* g_get_real_time(): announced, or went away */
    gboolean synced;
    char *last;             /* last item applied; NULL: none */
    char *last_result;      /* result of the last acknowledgement; NULL: none */
    int can;                /* answer to a type question: 1, 0; -1: not asked */
    rc_announce *caps;      /* handles and plugins (rooms unused); owned */
    GPtrArray *failures;    /* rc_ack *, oldest first */
} rc_client_status;

rc_client_status *rc_client_status_new(const char *jid);
void rc_client_status_free(gpointer status);

/* An <iq type='get'/> to @gate asking about @room; @type NULL: no question. */
xmpp_stanza_t *rc_status_request_new(xmpp_ctx_t *ctx, const char *gate, const char *room,
                                     const char *type, int version);
/* Read a status request: FALSE when @iq is none (@error unset), FALSE with
 * @error when it names no room or a bad version.  Strings point into @iq. */
gboolean rc_status_request_parse(xmpp_stanza_t *iq, const char **room, const char **type,
                                 int *version, GError **error);
/* The answer to @request listing @clients (rc_client_status *). */
xmpp_stanza_t *rc_status_result_new(xmpp_ctx_t *ctx, xmpp_stanza_t *request, const char *room,
                                    GPtrArray *clients);
/* The clients in a status answer: a new array of rc_client_status, or NULL
 * with @error when it is malformed. */
GPtrArray *rc_status_result_parse(xmpp_stanza_t *result, GError **error);

/* ---- Shared by ack_proto.c and ack_report.c ------------------------------- */
/* A new element @name (in @ns when not NULL) added to @parent when not NULL;
 * returns it (borrowed when added, else the caller's reference). */
xmpp_stanza_t *rc_ack_element(xmpp_ctx_t *ctx, xmpp_stanza_t *parent, const char *name,
                              const char *ns);
/* Set attribute @name when @value is not NULL; add @text (when not NULL or
 * empty) as @parent's text. */
void rc_ack_set_attr(xmpp_stanza_t *e, const char *name, const char *value);
void rc_ack_add_text(xmpp_stanza_t *parent, const char *text);
/* Set @error (ROOMCTL_ERR_CONFIG) and return FALSE. */
gboolean rc_ack_bad(GError **error, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* The first child element of @stanza in the ack namespace named @name. */
xmpp_stanza_t *rc_ack_child(xmpp_stanza_t *stanza, const char *name);
/* Read a non-negative count attribute; FALSE with @error naming it. */
gboolean rc_ack_uint_attr(xmpp_stanza_t *e, const char *name, guint *out, GError **error);

G_END_DECLS

#endif
