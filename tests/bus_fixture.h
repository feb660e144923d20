/* Fixture of the bus integration tests (test_bus_integration.c): a Prosody
 * per cmocka group, buses logged in as its accounts ("owner" administers the
 * PubSub service; "mod", "alice", "bob"; password "pw-" + name), rooms with
 * "mod" as moderator, and a watcher that records what a room client saw.
 * Helpers fail the running test (cmocka) instead of returning errors. */
#ifndef BUS_FIXTURE_H
#define BUS_FIXTURE_H

#include <roomctl/roomctl.h>

#include "server.h"
#include "wait.h"

typedef struct {
    rc_server *server;
    roomctl_registry *registry;
    gboolean passed;       /* set by the last line of each test */
    gboolean tls;          /* the server offers TLS with a self-signed certificate */
    guint rooms;           /* for unique room names */
} fixture;

extern fixture *fx;     /* the running group's */
extern guint slow;      /* 10 under valgrind, else 1: scales every wait */
#define WAIT_MS (5000 * slow)

/* Let the loop run for @ms (to show that nothing arrives). */
void settle(guint ms);

/* "WHAT-N@conference.localhost", new each call; g_free(). */
char *new_room(const char *what);
/* A bus of @user, connected (plain, or TLS on a TLS group, trusting the
 * server's certificate file and verifying it). */
roomctl_bus *bus_as(const char *user);
/* Same, NULL with @error when the connection fails. */
roomctl_bus *bus_as_full(const char *user, const char *password, gboolean plaintext,
                         GError **error);
/* An item from "field=value" strings, NULL-terminated; roomctl_item_unref(). */
roomctl_item *item_new(const char *type, ...) G_GNUC_NULL_TERMINATED;
/* Build and publish (at most 7 assignments), failing the test on error. */
void publish(roomctl_bus *bus, const char *room, const char *type, ...) G_GNUC_NULL_TERMINATED;
/* A room created by @owner with "mod" as its moderator; g_free(). */
char *room_ready(roomctl_bus *owner, const char *what);

/* @error has @code and its message contains @text; says what it got if not. */
#define assert_error(error, code, text) assert_error_at((error), (code), (text), __FILE__, __LINE__)
void assert_error_at(const GError *error, int code, const char *text, const char *file, int line);

/* What a room client saw. */
typedef struct {
    GPtrArray *items;    /* roomctl_item refs, in arrival order */
    GPtrArray *resets;   /* "type id" */
    GPtrArray *dropped;  /* "id: reason" ("-" for no id) */
    guint purges;
    guint deleted;
    gboolean synced;
    char *sync_error;
} watcher;
extern const roomctl_room_callbacks watch_callbacks;
void watcher_free(gpointer data);
/* Join @room and wait for a successful initial sync; the watcher belongs to
 * the room.  @out (may be NULL) receives the room. */
watcher *join(roomctl_bus *bus, const char *room, roomctl_room **out);
/* Join and wait for the sync's outcome, whatever it is. */
watcher *join_no_wait(roomctl_bus *bus, const char *room, roomctl_room **out);
const roomctl_item *last_item(watcher *w);
int get_bool(const roomctl_item *item, const char *field);
const char *get_string(const roomctl_item *item, const char *field);

/* The usual cast: a room made by the owner, alice in it, mod publishing. */
typedef struct {
    roomctl_bus *owner, *alice, *mod;
    char *room;
    watcher *w;   /* what alice saw; belongs to her room */
} scene;
void scene_start(scene *sc, const char *what);
void scene_end(scene *sc);

/* cmocka fixtures: start the group's Prosody (TLS and on-disk storage when
 * @tls), stop it; per test, show Prosody's log when the test failed. */
int start_group(gboolean tls);
int group_teardown(void **state);
int test_setup(void **state);
int test_teardown(void **state);

#endif
