/* Test helper: publish a PubSub item with bare libstrophe, bypassing every
 * check of libroomctl, as a foreign or buggy client would. */
#ifndef RAW_XMPP_H
#define RAW_XMPP_H

#include <glib.h>

/* Log in as @jid on 127.0.0.1:@port (plain, local test server only), publish
 * @payload_xml as item @item_id of @node on @service and wait for the answer
 * (at most 10 s).  TRUE when the server accepted it; else FALSE with
 * @error_text (g_free) saying why. */
gboolean raw_xmpp_publish(int port, const char *jid, const char *password, const char *service,
                        const char *node, const char *item_id, const char *payload_xml,
                        char **error_text);

/* Log in as @jid, send @xml as is (any stanzas, e.g. hostile ones), then
 * ping the server and wait for its answer (at most 120 s: a loaded server
 * takes seconds per hostile stanza): the server has then taken everything
 * before it.  TRUE on the answer. */
gboolean raw_xmpp_send(int port, const char *jid, const char *password, const char *xml,
                     char **error_text);

#endif
