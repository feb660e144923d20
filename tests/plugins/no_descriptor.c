/* A shared object that is not a roomctl plugin: it has no descriptor. */
#include <roomctl/plugin.h>

ROOMCTL_PLUGIN_EXPORT int not_a_plugin(void);
int not_a_plugin(void) { return 42; }
