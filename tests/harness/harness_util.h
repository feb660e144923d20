/* Test harness: what the server backends (prosody.c, ejabberd.c) share —
 * free loopback ports, a self-signed certificate, running a command. */
#ifndef RC_TEST_HARNESS_UTIL_H
#define RC_TEST_HARNESS_UTIL_H

#include <glib.h>

G_BEGIN_DECLS

/* Whether something accepts TCP connections on 127.0.0.1:@port now. */
gboolean rc_harness_port_accepts(guint16 port);
/* A port nobody listens on now (the kernel picks it); 0 with @error. */
guint16 rc_harness_free_port(GError **error);
/* A self-signed certificate for "localhost" (and its subdomains) in @crt,
 * its key in @key (openssl req). */
gboolean rc_harness_make_certificate(const char *crt, const char *key, GError **error);
/* Run @argv (argv[0] searched in PATH) in @cwd (may be NULL) and wait;
 * FALSE with @error holding its output when it fails.  @out (may be NULL)
 * receives its standard output: g_free(). */
gboolean rc_harness_run(const char *const *argv, const char *cwd, char **out, GError **error);
/* The last @max_lines lines of the file @path (0: all); "" when unreadable.
 * g_free(). */
char *rc_harness_file_tail(const char *path, guint max_lines);
/* Run the default main context until SIGTERM or SIGINT, or until standard
 * input, when it is a pipe or socket, reaches its end (the caller went
 * away; a terminal or /dev/null, a background job's stdin, does not say
 * so): how rc-test-server and rc-test-prosody stay up. */
void rc_harness_run_until_stopped(void);
/* Write a roomctl-gate configuration for the component gate.localhost on
 * @component_port into @dir (its secret file mode 0600, plain loopback):
 * @rooms and @schema_dirs are YAML flow lists ("[a@muc, b@muc]"); @log_level
 * "info", "debug"...  Returns the configuration's path (g_free()). */
char *rc_harness_write_gate_config(const char *dir, guint16 component_port, const char *secret,
                                   const char *rooms, const char *schema_dirs,
                                   const char *log_level);

G_END_DECLS

#endif
