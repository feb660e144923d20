/* Where the installed schemas and plugins are: found from the path of the
 * running libroomctl (dladdr), or of the program when it links the layers
 * statically, so a prefix moved or chosen at install time (meson install
 * --destdir, a relocated tree) still finds its own files. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <link.h>
#include <stdlib.h>

#include <roomctl/host.h>
#include "install_dirs.h"

/* Set by bus/meson.build: the configured absolute folders and the same
 * folders relative to the library's own folder (libdir). */
#ifndef ROOMCTL_SCHEMADIR
#define ROOMCTL_SCHEMADIR "/usr/local/share/roomctl/schemas"
#endif
#ifndef ROOMCTL_PLUGINDIR
#define ROOMCTL_PLUGINDIR "/usr/local/lib/roomctl/plugins"
#endif
#ifndef ROOMCTL_LIBDIR_TO_SCHEMADIR
#define ROOMCTL_LIBDIR_TO_SCHEMADIR "../share/roomctl/schemas"
#endif
#ifndef ROOMCTL_LIBDIR_TO_PLUGINDIR
#define ROOMCTL_LIBDIR_TO_PLUGINDIR "roomctl/plugins"
#endif
#ifndef ROOMCTL_BINDIR_TO_SCHEMADIR
#define ROOMCTL_BINDIR_TO_SCHEMADIR "../share/roomctl/schemas"
#endif
#ifndef ROOMCTL_BINDIR_TO_PLUGINDIR
#define ROOMCTL_BINDIR_TO_PLUGINDIR "../lib/roomctl/plugins"
#endif

/* @from_libdir resolved against the folder of the loaded libroomctl, or
 * @from_bindir against the program's when this code is linked into the
 * program itself (its link map has no name), when that folder exists;
 * otherwise @configured (a build tree has no such folder). */
static char *resolve(const char *from_libdir, const char *from_bindir, const char *configured)
{
    Dl_info info;
    struct link_map *map = NULL;
    if (dladdr1((void *)resolve, &info, (void **)&map, RTLD_DL_LINKMAP) && info.dli_fname) {
        gboolean in_program = map && (!map->l_name || !*map->l_name);
        const char *relative = in_program ? from_bindir : from_libdir;
        char *library = realpath(in_program ? "/proc/self/exe" : info.dli_fname, NULL);
        if (library) {
            g_autofree char *libdir = g_path_get_dirname(library);
            free(library);
            g_autofree char *joined = g_build_filename(libdir, relative, NULL);
            char *canonical = g_canonicalize_filename(joined, NULL);
            if (g_file_test(canonical, G_FILE_TEST_IS_DIR))
                return canonical;
            g_free(canonical);
        }
    }
    return g_strdup(configured);
}

const char *rc_install_schema_dir(void)
{
    static char *dir;
    if (g_once_init_enter(&dir))
        g_once_init_leave(&dir, resolve(ROOMCTL_LIBDIR_TO_SCHEMADIR, ROOMCTL_BINDIR_TO_SCHEMADIR,
                                          ROOMCTL_SCHEMADIR));
    return dir;
}

const char *roomctl_host_default_plugin_dir(void)
{
    static char *dir;
    if (g_once_init_enter(&dir))
        g_once_init_leave(&dir, resolve(ROOMCTL_LIBDIR_TO_PLUGINDIR, ROOMCTL_BINDIR_TO_PLUGINDIR,
                                          ROOMCTL_PLUGINDIR));
    return dir;
}
