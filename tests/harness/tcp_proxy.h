/* Test harness: a TCP proxy on 127.0.0.1 between clients and a server, for
 * fault tests.  It can cut every connection at once (both sides get a
 * reset, as when a NAT box or a Wi-Fi link drops), stall all traffic
 * (connections stay open, nothing moves, as on a link that went silent) and
 * refuse new connections (the server looks down).  It runs in its own
 * thread, so it works whatever the test's main loop does. */
#ifndef RC_TEST_TCP_PROXY_H
#define RC_TEST_TCP_PROXY_H

#include <glib.h>

G_BEGIN_DECLS

typedef struct rc_tcp_proxy rc_tcp_proxy;

/* Listen on a free port of 127.0.0.1 and forward to 127.0.0.1:@target_port.
 * NULL with @error when it cannot listen.  Free with rc_tcp_proxy_free(). */
rc_tcp_proxy *rc_tcp_proxy_new(guint16 target_port, GError **error);
/* Closes every connection and stops the thread. */
void rc_tcp_proxy_free(rc_tcp_proxy *proxy);

guint16 rc_tcp_proxy_port(const rc_tcp_proxy *proxy);

/* Reset every open connection (both sides); returns how many were cut.
 * New connections are accepted as before. */
guint rc_tcp_proxy_cut(rc_tcp_proxy *proxy);
/* While stalled, no byte moves in either direction (new connections are
 * accepted and stall too); when released, what waited is forwarded. */
void rc_tcp_proxy_stall(rc_tcp_proxy *proxy, gboolean stalled);
/* While refusing, new connections are closed as soon as they come. */
void rc_tcp_proxy_refuse(rc_tcp_proxy *proxy, gboolean refusing);
/* (issue 14) Silently drop the next <message>…</message> from the server
 * that holds @needle (e.g. an item id), once: a server losing one event.
 * Plain connections only (TLS hides the bytes). */
void rc_tcp_proxy_drop_message(rc_tcp_proxy *proxy, const char *needle);
/* Messages dropped so far. */
guint rc_tcp_proxy_dropped(rc_tcp_proxy *proxy);
/* (issue 14) Answer each of the next @times client <iq/>s that hold @needle
 * (e.g. "<create") with an error of type "wait" (internal-server-error,
 * "Database failure") instead of forwarding it: a busy ejabberd cluster.
 * Plain connections only. */
void rc_tcp_proxy_answer_wait(rc_tcp_proxy *proxy, const char *needle, guint times);
/* <iq/>s answered so far. */
guint rc_tcp_proxy_answered_wait(rc_tcp_proxy *proxy);
/* Connections open now. */
guint rc_tcp_proxy_connections(rc_tcp_proxy *proxy);

G_END_DECLS

#endif
