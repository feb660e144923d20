/* Internal: libstrophe's own log lines are for the XMPP trace (--debug)
 * only; these turn the ones that explain a failure into a moderator's words,
 * and take secrets out of the trace. */
#ifndef RC_XMPP_WORDS_H
#define RC_XMPP_WORDS_H

#include <glib.h>

G_BEGIN_DECLS

/* What libstrophe's warning or error @raw means, in words for a moderator,
 * or NULL when it is not one we know.  Static text. */
const char *rc_xmpp_problem_words(const char *raw);

/* @line with the SASL payloads (<auth>, <response>, <challenge>, <success>)
 * and every occurrence of @password (may be NULL) replaced by "********".
 * Free with g_free(). */
char *rc_xmpp_mask_secrets(const char *line, const char *password);

G_END_DECLS

#endif
