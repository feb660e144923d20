/* `roomctl __complete`: what the shell completion scripts (completion/)
 * offer, read from the schemas found at completion time.  Hidden from
 * `roomctl --help`; its output is one candidate per line.
 *
 *   roomctl __complete [--schemas PATH] types
 *   roomctl __complete [--schemas PATH] fields TYPE          (name= for each field)
 *   roomctl __complete [--schemas PATH] values TYPE FIELD    (bool and enum values) */
#include <stdio.h>
#include <string.h>

#include <roomctl/roomctl.h>
#include "schema_private.h"
#include "commands.h"

static void print_fields(const roomctl_schema *schema)
{
    for (guint i = 0; i < schema->n_fields; i++)
        printf("%s=\n", schema->fields[i].name);
}

static void print_values(const roomctl_schema *schema, const char *name)
{
    const rc_field *field = g_hash_table_lookup(schema->by_name, name);
    if (!field)
        return;
    if (field->type == ROOMCTL_FIELD_BOOL)
        printf("true\nfalse\n");
    for (char **v = field->enum_values; v && *v; v++)
        printf("%s\n", *v);
}

static void log_nothing(roomctl_log_level level, const char *domain, const char *message,
                        void *user_data)
{
}

static int complete(int argc, char **argv)
{
    const char *path = NULL;
    int i = 1;
    if (i + 1 < argc && !strcmp(argv[i], "--schemas"))
        path = argv[i + 1], i += 2;
    if (i >= argc)
        return RC_EXIT_USAGE;
    /* Completion never prints errors: a broken schema folder completes less. */
    roomctl_set_log_handler(log_nothing, NULL);
    roomctl_registry *registry = roomctl_registry_new();
    roomctl_registry_load_path(registry, path, NULL);
    const char *what = argv[i];
    const roomctl_schema *schema = i + 1 < argc
        ? roomctl_registry_lookup(registry, argv[i + 1], 0) : NULL;
    if (!strcmp(what, "types")) {
        GPtrArray *all = roomctl_registry_list(registry);
        for (guint t = 0; t < all->len; t++)
            printf("%s\n", roomctl_schema_type(g_ptr_array_index(all, t)));
        g_ptr_array_unref(all);
    } else if (!strcmp(what, "fields") && schema) {
        print_fields(schema);
    } else if (!strcmp(what, "values") && schema && i + 2 < argc) {
        print_values(schema, argv[i + 2]);
    }
    roomctl_registry_free(registry);
    return RC_EXIT_OK;
}

/* A NULL summary keeps it out of `roomctl --help`. */
const rc_command rc_complete_commands[] = {
    { "__complete", NULL, complete },
    { NULL, NULL, NULL }
};
