/* Shared fixture of the plugin host tests: a private temporary directory, the
 * real schemas of the source tree, a host, and every log line captured. */
#ifndef HOST_FIXTURE_H
#define HOST_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <roomctl/roomctl.h>

typedef struct {
    char *tmpdir;                /* mode 0700; removed with everything in it */
    roomctl_registry *registry;  /* schemas/ of the source tree */
    roomctl_host *host;          /* NULL once fixture_free_host() ran */
    GString *log;                /* "LEVEL DOMAIN: MESSAGE\n" per line */
    GPtrArray *configs;          /* roomctl_config*, freed after the host */
} fixture;

/* cmocka setup / teardown; *state is the fixture. */
int fixture_setup(void **state);
int fixture_teardown(void **state);

/* Build-tree directories, from the environment meson sets. */
const char *fixture_plugin_dir(void);       /* the shipped plugins */
const char *fixture_test_plugin_dir(void);  /* built from tests/plugins/ */

/* A config section from YAML text, kept until teardown. */
const roomctl_config *fixture_config(fixture *f, const char *yaml);
/* An item decoded from <control/> XML against the real schemas; fails the
 * test when it does not decode.  Free with roomctl_item_unref(). */
roomctl_item *fixture_item(const fixture *f, const char *xml);
/* The same, as the bus hands it over: received in @room from @publisher,
 * replayed state when @replay. */
roomctl_item *fixture_item_from(const fixture *f, const char *xml, const char *room,
                                const char *publisher, gboolean replay);
/* Load a plugin (name or path) with a YAML section (NULL: none); fails the
 * test with the host's message when it does not load. */
void fixture_load(fixture *f, const char *name, const char *yaml);
/* Load expecting failure with error @code; returns the message (g_free). */
char *fixture_load_error(fixture *f, const char *name, const char *yaml, int code);
/* Free the host now (shutting the plugins down), e.g. to read what they
 * wrote at shutdown. */
void fixture_free_host(fixture *f);

/* Fails the test, showing the whole log, unless @text is in it. */
void fixture_assert_logged(const fixture *f, const char *text);
/* The contents of a file (g_free); fails the test when it cannot be read. */
char *fixture_read(const char *path);
/* @name inside the fixture's temporary directory (g_free). */
char *fixture_path(const fixture *f, const char *name);

#endif
