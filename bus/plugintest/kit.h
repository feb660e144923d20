/* roomctl-plugin-test (issue 17): a plugin's conformance cases run without
 * a server.  What the case runner (main.c) and the steps (kit_steps.c)
 * share. */
#ifndef RC_KIT_H
#define RC_KIT_H

#include <roomctl/roomctl.h>

G_BEGIN_DECLS

/* One case being run: a fresh folder, a host with the plugin loaded. */
typedef struct {
    const char *plugin_path;          /* PLUGIN.so as given */
    const roomctl_registry *registry; /* the schemas */
    const roomctl_config *section;    /* the plugin's config: (NULL: none) */
    const char *room;                 /* the room items come from */
    char *tmp;                        /* the case's folder, ${TMP} */
    roomctl_host *host;               /* NULL while restarting */
    GString *log;                     /* every log line of the case */
} rc_kit_case;

/* Load the plugin into a new host (init runs).  FALSE with @why. */
gboolean rc_kit_start(rc_kit_case *c, GString *why);
/* Shut the plugin down and free the host (shutdown runs). */
void rc_kit_stop(rc_kit_case *c);
/* Run one step (a mapping with one action key); FALSE with @why, which
 * starts with the step's FILE:LINE:COL. */
gboolean rc_kit_step(rc_kit_case *c, const roomctl_config *step, GString *why);
/* The actions a step may take, for the cases file check. */
extern const char *const rc_kit_actions[];

G_END_DECLS

#endif
