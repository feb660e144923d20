/* Comparing two versions of a type (issue 17): each change with the field
 * it touches, a reason, and which compatibility it keeps (BACKWARD: new
 * readers accept old items; FORWARD: old readers accept new items). */
#include <string.h>

#include "schema_private.h"
#include "error_list.h"
#include "json.h"
#include "media.h"

typedef struct {
    char *field;
    char *reason;
    roomctl_compat keeps;
    guint line, column;
} change;

struct roomctl_schema_diff {
    const roomctl_schema *old_schema, *new_schema;
    GArray *changes;               /* change, in field order */
    roomctl_schema_change *views;  /* the public view of each, made once */
};

/* ---- Recording changes ------------------------------------------------------- */

typedef struct {
    roomctl_schema_diff *diff;
    const char *path;      /* the field's path */
    const rc_field *at;    /* where the change is written (new field, else old) */
} ctx;

static void add(const ctx *c, roomctl_compat keeps, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
static void add(const ctx *c, roomctl_compat keeps, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    change ch = { g_strdup(c->path), g_strdup_vprintf(fmt, ap), keeps,
                  c->at ? c->at->line : c->diff->new_schema->line,
                  c->at ? c->at->column : c->diff->new_schema->column };
    va_end(ap);
    g_array_append_val(c->diff->changes, ch);
}

/* A bound (min, max, max_length…): a lower maximum or a higher minimum
 * narrows (old items may break it: only FORWARD kept), the other way widens
 * (new items may break the old bound: only BACKWARD kept). */
static void compare_bound(const ctx *c, const char *name, gboolean is_min, gboolean had,
                          double old_v, const char *old_text, gboolean has, double new_v,
                          const char *new_text)
{
    if (!had && !has)
        return;
    if (had && has && old_v == new_v)
        return;
    gboolean narrows = !had || (has && (is_min ? new_v > old_v : new_v < old_v));
    if (!had)
        add(c, ROOMCTL_COMPAT_FORWARD, "%s %s added: items of the old version may break it", name,
            new_text);
    else if (!has)
        add(c, ROOMCTL_COMPAT_BACKWARD, "%s %s removed: old readers refuse new items beyond it",
            name, old_text);
    else if (narrows)
        add(c, ROOMCTL_COMPAT_FORWARD, "%s narrowed from %s to %s: items of the old version may "
            "break it", name, old_text, new_text);
    else
        add(c, ROOMCTL_COMPAT_BACKWARD, "%s widened from %s to %s: old readers refuse new items "
            "beyond %s", name, old_text, new_text, old_text);
}

static void compare_int_bound(const ctx *c, const char *name, gboolean is_min, gboolean had,
                              gint64 old_v, gboolean has, gint64 new_v)
{
    char old_text[32], new_text[32];
    g_snprintf(old_text, sizeof old_text, "%" G_GINT64_FORMAT, old_v);
    g_snprintf(new_text, sizeof new_text, "%" G_GINT64_FORMAT, new_v);
    compare_bound(c, name, is_min, had, (double)old_v, old_text, has, (double)new_v, new_text);
}

static void compare_number_bound(const ctx *c, const char *name, gboolean is_min, gboolean had,
                                 double old_v, gboolean has, double new_v)
{
    GString *old_text = g_string_new(NULL), *new_text = g_string_new(NULL);
    rc_json_number(old_text, old_v);
    rc_json_number(new_text, new_v);
    compare_bound(c, name, is_min, had, old_v, old_text->str, has, new_v, new_text->str);
    g_string_free(old_text, TRUE);
    g_string_free(new_text, TRUE);
}

static gboolean in_list(const char *const *list, const char *word)
{
    return list && g_strv_contains(list, word);
}

/* A set of allowed words (enum values, URL schemes): one removed narrows,
 * one added widens.  NULL means "any" for enums, @any_default for schemes. */
static void compare_set(const ctx *c, const char *what, const char *const *old_set,
                        const char *const *new_set, const char *const *any_default)
{
    if (!old_set && !new_set)
        return;
    if (!old_set && !any_default) {
        add(c, ROOMCTL_COMPAT_FORWARD, "%s added: items of the old version may hold other values",
            what);
        return;
    }
    if (!new_set && !any_default) {
        add(c, ROOMCTL_COMPAT_BACKWARD, "%s removed: old readers refuse values outside it", what);
        return;
    }
    const char *const *o = old_set ? old_set : any_default;
    const char *const *n = new_set ? new_set : any_default;
    for (const char *const *w = o; *w; w++)
        if (!in_list(n, *w))
            add(c, ROOMCTL_COMPAT_FORWARD, "%s value '%s' removed: items of the old version may "
                "hold it", what, *w);
    for (const char *const *w = n; *w; w++)
        if (!in_list(o, *w))
            add(c, ROOMCTL_COMPAT_BACKWARD, "%s value '%s' added: old readers refuse it", what, *w);
}

static void compare_media(const ctx *c, guint old_types, guint new_types)
{
    if (old_types == new_types)
        return;
    for (guint bit = 1; bit & RC_MEDIA_ALL; bit <<= 1) {
        gboolean old_ok = !old_types || (old_types & bit);
        gboolean new_ok = !new_types || (new_types & bit);
        if (old_ok && !new_ok)
            add(c, ROOMCTL_COMPAT_FORWARD, "media type %s no longer allowed: items of the old "
                "version may hold it", rc_media_type_name(bit));
        else if (!old_ok && new_ok)
            add(c, ROOMCTL_COMPAT_BACKWARD, "media type %s now allowed: old readers refuse it",
                rc_media_type_name(bit));
    }
}

/* The constraints of two fields of one type (or two list elements). */
static void compare_spec(const ctx *c, const rc_field *o, const rc_field *n)
{
    static const char *const web[] = { "http", "https", NULL };
    compare_int_bound(c, "min_length", TRUE, o->has_min_length, o->min_length,
                      n->has_min_length, n->min_length);
    compare_int_bound(c, "max_length", FALSE, o->has_max_length, o->max_length,
                      n->has_max_length, n->max_length);
    if (g_strcmp0(o->pattern_text, n->pattern_text)) {
        if (!o->pattern_text)
            add(c, ROOMCTL_COMPAT_FORWARD, "pattern '%s' added: items of the old version may not "
                "match it", n->pattern_text);
        else if (!n->pattern_text)
            add(c, ROOMCTL_COMPAT_BACKWARD, "pattern '%s' removed: old readers refuse values "
                "that do not match it", o->pattern_text);
        else
            add(c, ROOMCTL_COMPAT_NONE, "pattern changed from '%s' to '%s': patterns cannot be "
                "compared, so both ways count as broken", o->pattern_text, n->pattern_text);
    }
    compare_set(c, "enum", (const char *const *)o->enum_values,
                (const char *const *)n->enum_values, NULL);
    if (o->type == ROOMCTL_FIELD_NUMBER && n->type == ROOMCTL_FIELD_NUMBER) {
        compare_number_bound(c, "min", TRUE, o->has_min, o->min_d, n->has_min, n->min_d);
        compare_number_bound(c, "max", FALSE, o->has_max, o->max_d, n->has_max, n->max_d);
    } else {
        compare_int_bound(c, "min", TRUE, o->has_min, o->min_i, n->has_min, n->min_i);
        compare_int_bound(c, "max", FALSE, o->has_max, o->max_i, n->has_max, n->max_i);
    }
    if (o->type == ROOMCTL_FIELD_URL)
        compare_set(c, "scheme", (const char *const *)o->schemes,
                    (const char *const *)n->schemes, web);
    compare_int_bound(c, "max_bytes", FALSE, o->has_max_bytes, o->max_bytes, n->has_max_bytes,
                      n->max_bytes);
    compare_media(c, o->media_types, n->media_types);
    compare_int_bound(c, "min_items", TRUE, o->has_min_items, o->min_items, n->has_min_items,
                      n->min_items);
    compare_int_bound(c, "max_items", FALSE, o->has_max_items, o->max_items, n->has_max_items,
                      n->max_items);
}

/* Two fields of the same name. */
static void compare_field(const ctx *c, const rc_field *o, const rc_field *n)
{
    if (o->type != n->type) {
        const char *from = rc_field_type_name(o->type), *to = rc_field_type_name(n->type);
        /* Every int is a number: a number reader takes old int items. */
        if (o->type == ROOMCTL_FIELD_INT && n->type == ROOMCTL_FIELD_NUMBER)
            add(c, ROOMCTL_COMPAT_BACKWARD, "type changed from %s to %s: old readers refuse "
                "fractions", from, to);
        else if (o->type == ROOMCTL_FIELD_NUMBER && n->type == ROOMCTL_FIELD_INT)
            add(c, ROOMCTL_COMPAT_FORWARD, "type changed from %s to %s: items of the old version "
                "may hold fractions", from, to);
        else
            add(c, ROOMCTL_COMPAT_NONE, "type changed from %s to %s", from, to);
        return;
    }
    if (!o->required && n->required)
        add(c, ROOMCTL_COMPAT_FORWARD, "now required: items of the old version may lack it");
    else if (o->required && !n->required)
        add(c, ROOMCTL_COMPAT_BACKWARD, "no longer required: old readers refuse items without it");
    if (o->has_default != n->has_default ||
        (o->has_default && !rc_value_equal(&o->default_value, &n->default_value))) {
        /* Valid both ways, but an item that leaves the field out now means
         * something else: worth a line, not a break. */
        if (!n->has_default)
            add(c, ROOMCTL_COMPAT_FULL, "default '%s' removed", o->default_value.text);
        else if (!o->has_default)
            add(c, ROOMCTL_COMPAT_FULL, "default '%s' added", n->default_value.text);
        else
            add(c, ROOMCTL_COMPAT_FULL, "default changed from '%s' to '%s': items that leave "
                "the field out mean something else", o->default_value.text,
                n->default_value.text);
    }
    compare_spec(c, o, n);
    if (o->type == ROOMCTL_FIELD_LIST && o->items && n->items) {
        char *path = g_strdup_printf("%s[]", c->path);
        ctx element = { c->diff, path, c->at };
        compare_field(&element, o->items, n->items);
        g_free(path);
    }
}

/* The same type and constraints under another name: likely a rename. */
static gboolean same_spec(const roomctl_schema *os, const rc_field *o, const roomctl_schema *ns,
                          const rc_field *n)
{
    roomctl_schema_diff probe = { os, ns, g_array_new(FALSE, TRUE, sizeof(change)), NULL };
    ctx c = { &probe, "", n };
    compare_field(&c, o, n);
    gboolean same = probe.changes->len == 0 && o->required == n->required;
    for (guint i = 0; i < probe.changes->len; i++) {
        g_free(g_array_index(probe.changes, change, i).field);
        g_free(g_array_index(probe.changes, change, i).reason);
    }
    g_array_unref(probe.changes);
    return same;
}

/* What adding @n means: new readers miss it in old items when it is
 * required; old readers refuse it when they reject unknown fields. */
static roomctl_compat added_keeps(const roomctl_schema *os, const rc_field *n)
{
    roomctl_compat keeps = ROOMCTL_COMPAT_FULL;
    if (n->required)
        keeps &= ~ROOMCTL_COMPAT_BACKWARD;
    if (!os->ignore_unknown)
        keeps &= ~ROOMCTL_COMPAT_FORWARD;
    return keeps;
}

/* What removing @o means: old readers miss it when it was required; new
 * readers refuse it in old items when they reject unknown fields. */
static roomctl_compat removed_keeps(const roomctl_schema *ns, const rc_field *o)
{
    roomctl_compat keeps = ROOMCTL_COMPAT_FULL;
    if (o->required)
        keeps &= ~ROOMCTL_COMPAT_FORWARD;
    if (!ns->ignore_unknown)
        keeps &= ~ROOMCTL_COMPAT_BACKWARD;
    return keeps;
}

static void compare_fields(roomctl_schema_diff *d)
{
    const roomctl_schema *os = d->old_schema, *ns = d->new_schema;
    gboolean *renamed = g_new0(gboolean, os->n_fields + 1);
    for (guint i = 0; i < ns->n_fields; i++) {
        const rc_field *n = &ns->fields[i];
        const rc_field *o = rc_schema_field(os, n->name);
        ctx c = { d, n->name, n };
        if (o) {
            compare_field(&c, o, n);
            continue;
        }
        const rc_field *before = NULL;
        for (guint j = 0; j < os->n_fields && !before; j++)
            if (!renamed[j] && !rc_schema_field(ns, os->fields[j].name) &&
                same_spec(os, &os->fields[j], ns, n)) {
                renamed[j] = TRUE;
                before = &os->fields[j];
            }
        roomctl_compat keeps = added_keeps(os, n);
        if (before) {
            add(&c, keeps & removed_keeps(ns, before), "renamed from '%s' (same type and "
                "constraints): readers of each version do not know the other name",
                before->name);
        } else if (n->required) {
            add(&c, keeps, "added as a required field without a default: items of the old "
                "version lack it%s", os->ignore_unknown ? ""
                : "; old readers reject it (unknown_fields: reject)");
        } else {
            add(&c, keeps, "added, optional%s", os->ignore_unknown
                ? ": old readers ignore it (unknown_fields: ignore)"
                : ": old readers reject it (unknown_fields: reject)");
        }
    }
    for (guint j = 0; j < os->n_fields; j++) {
        const rc_field *o = &os->fields[j];
        if (renamed[j] || rc_schema_field(ns, o->name))
            continue;
        ctx c = { d, o->name, o };
        const char *old_side = o->required ? "; old readers refuse items without it (it was "
                                             "required)" : "";
        add(&c, removed_keeps(ns, o), "removed%s%s", ns->ignore_unknown
            ? ": new readers ignore it in old items" : ": new readers reject it in old items "
            "(unknown_fields: reject)", old_side);
    }
    g_free(renamed);
}

static char *key_text(const roomctl_schema *s)
{
    GString *text = g_string_new("[");
    for (guint k = 0; k < s->n_key; k++)
        g_string_append_printf(text, "%s%s", k ? ", " : "", s->fields[s->key[k]].name);
    g_string_append_c(text, ']');
    return g_string_free(text, FALSE);
}

/* What applies to the type as a whole: its name, kind, key, unknown fields. */
static void compare_type(roomctl_schema_diff *d)
{
    const roomctl_schema *os = d->old_schema, *ns = d->new_schema;
    ctx c = { d, NULL, NULL };
    if (strcmp(os->type, ns->type))
        add(&c, ROOMCTL_COMPAT_NONE, "type name changed from %s to %s: readers of one do not "
            "take items of the other", os->type, ns->type);
    if (os->kind != ns->kind)
        add(&c, ROOMCTL_COMPAT_NONE, "kind changed from %s to %s",
            os->kind == ROOMCTL_KIND_STATE ? "state" : "event",
            ns->kind == ROOMCTL_KIND_STATE ? "state" : "event");
    char *ok = key_text(os), *nk = key_text(ns);
    if (os->kind == ns->kind && strcmp(ok, nk))
        add(&c, ROOMCTL_COMPAT_NONE, "key changed from %s to %s: the same item gets another id",
            ok, nk);
    g_free(ok);
    g_free(nk);
    if (os->ignore_unknown && !ns->ignore_unknown)
        add(&c, ROOMCTL_COMPAT_FORWARD, "unknown_fields changed from ignore to reject: items of "
            "the old version may carry fields new readers do not know");
    else if (!os->ignore_unknown && ns->ignore_unknown)
        add(&c, ROOMCTL_COMPAT_FULL, "unknown_fields changed from reject to ignore");
}

roomctl_schema_diff *roomctl_schema_diff_new(const roomctl_schema *old_schema,
                                             const roomctl_schema *new_schema)
{
    g_return_val_if_fail(old_schema && new_schema, NULL);
    roomctl_schema_diff *d = g_new0(roomctl_schema_diff, 1);
    d->old_schema = old_schema;
    d->new_schema = new_schema;
    d->changes = g_array_new(FALSE, TRUE, sizeof(change));
    compare_type(d);
    compare_fields(d);
    d->views = g_new0(roomctl_schema_change, d->changes->len + 1);
    for (guint i = 0; i < d->changes->len; i++) {
        const change *ch = &g_array_index(d->changes, change, i);
        d->views[i] = (roomctl_schema_change){ ch->field, ch->reason, ch->keeps, ch->line,
                                               ch->column };
    }
    return d;
}

void roomctl_schema_diff_free(roomctl_schema_diff *diff)
{
    if (!diff)
        return;
    for (guint i = 0; i < diff->changes->len; i++) {
        g_free(g_array_index(diff->changes, change, i).field);
        g_free(g_array_index(diff->changes, change, i).reason);
    }
    g_array_unref(diff->changes);
    g_free(diff->views);
    g_free(diff);
}

roomctl_compat roomctl_schema_diff_verdict(const roomctl_schema_diff *diff)
{
    roomctl_compat verdict = ROOMCTL_COMPAT_FULL;
    for (guint i = 0; i < diff->changes->len; i++)
        verdict &= g_array_index(diff->changes, change, i).keeps;
    return verdict;
}

guint roomctl_schema_diff_length(const roomctl_schema_diff *diff)
{
    return diff->changes->len;
}

const roomctl_schema_change *roomctl_schema_diff_at(const roomctl_schema_diff *diff, guint i)
{
    g_return_val_if_fail(i < diff->changes->len, NULL);
    return &diff->views[i];
}

/* ---- The report ---------------------------------------------------------------- */

static const char *breaks_text(roomctl_compat keeps)
{
    static const char *const text[] = { "breaks both", "breaks forward", "breaks backward",
                                        "compatible" };
    return text[keeps & ROOMCTL_COMPAT_FULL];
}

static const char *verdict_meaning(roomctl_compat verdict)
{
    static const char *const text[] = {
        "neither version's readers take the other's items",
        "new readers take old items; old readers refuse some new items",
        "old readers take new items; new readers refuse some old items",
        "readers of either version take items of both",
    };
    return text[verdict & ROOMCTL_COMPAT_FULL];
}

static char *upper(roomctl_compat compat)
{
    return g_ascii_strup(roomctl_compat_name(compat), -1);
}

static void format_json(const roomctl_schema_diff *d, GString *out)
{
    char *verdict = upper(roomctl_schema_diff_verdict(d));
    g_string_append(out, "{\"type\":");
    rc_json_string(out, d->new_schema->type);
    g_string_append_printf(out, ",\"old\":{\"type\":");
    rc_json_string(out, d->old_schema->type);
    g_string_append_printf(out, ",\"version\":%d,\"file\":", d->old_schema->version);
    rc_json_string(out, d->old_schema->file);
    g_string_append_printf(out, "},\"new\":{\"type\":");
    rc_json_string(out, d->new_schema->type);
    g_string_append_printf(out, ",\"version\":%d,\"file\":", d->new_schema->version);
    rc_json_string(out, d->new_schema->file);
    g_string_append(out, "},\"verdict\":");
    rc_json_string(out, verdict);
    g_string_append(out, ",\"changes\":[");
    for (guint i = 0; i < d->changes->len; i++) {
        const change *ch = &g_array_index(d->changes, change, i);
        g_string_append(out, i ? ",{\"field\":" : "{\"field\":");
        rc_json_string(out, ch->field);
        g_string_append(out, ",\"reason\":");
        rc_json_string(out, ch->reason);
        char *keeps = upper(ch->keeps);
        g_string_append(out, ",\"keeps\":");
        rc_json_string(out, keeps);
        g_string_append_printf(out, ",\"line\":%u,\"column\":%u}", ch->line, ch->column);
        g_free(keeps);
    }
    g_string_append(out, "]}\n");
    g_free(verdict);
}

char *roomctl_schema_diff_format(const roomctl_schema_diff *diff, gboolean json)
{
    GString *out = g_string_new(NULL);
    if (json) {
        format_json(diff, out);
        return g_string_free(out, FALSE);
    }
    roomctl_compat verdict = roomctl_schema_diff_verdict(diff);
    char *name = upper(verdict);
    g_string_append_printf(out, "%s version %d -> %s version %d: %s (%s)\n",
                           diff->old_schema->type, diff->old_schema->version,
                           diff->new_schema->type, diff->new_schema->version, name,
                           verdict_meaning(verdict));
    g_free(name);
    for (guint i = 0; i < diff->changes->len; i++) {
        const change *ch = &g_array_index(diff->changes, change, i);
        if (ch->field)
            g_string_append_printf(out, "  field '%s': %s [%s]\n", ch->field, ch->reason,
                                   breaks_text(ch->keeps));
        else
            g_string_append_printf(out, "  %s [%s]\n", ch->reason, breaks_text(ch->keeps));
    }
    if (diff->changes->len == 0)
        g_string_append(out, "  no changes\n");
    return g_string_free(out, FALSE);
}

/* ---- schema check: each version against the one before ---------------------- */

static void check_pair(const roomctl_schema *os, const roomctl_schema *ns, GError **error)
{
    roomctl_compat wanted = ns->compatibility;
    roomctl_schema_diff *d = roomctl_schema_diff_new(os, ns);
    for (guint i = 0; i < d->changes->len; i++) {
        const change *ch = &g_array_index(d->changes, change, i);
        roomctl_compat broken = wanted & ~ch->keeps;
        if (!broken)
            continue;
        char *field = ch->field ? g_strdup_printf("field '%s': ", ch->field) : g_strdup("");
        char *line = g_strdup_printf(
            "%s:%u:%u: error: %s version %d breaks %s compatibility with version %d "
            "(compatibility: %s): %s%s", ns->file, ch->line, ch->column, ns->type, ns->version,
            broken == ROOMCTL_COMPAT_FULL ? "backward and forward" : roomctl_compat_name(broken),
            os->version, roomctl_compat_name(wanted), field, ch->reason);
        rc_error_append(error, ROOMCTL_ERR_SCHEMA, line);
        g_free(line);
        g_free(field);
    }
    roomctl_schema_diff_free(d);
}

gboolean roomctl_registry_check_compatibility(const roomctl_registry *registry, GError **error)
{
    GPtrArray *all = roomctl_registry_list(registry);
    GError *errors = NULL;
    for (guint i = 1; i < all->len; i++) {
        const roomctl_schema *os = g_ptr_array_index(all, i - 1);
        const roomctl_schema *ns = g_ptr_array_index(all, i);
        if (!strcmp(os->type, ns->type))
            check_pair(os, ns, &errors);
    }
    g_ptr_array_unref(all);
    if (!errors)
        return TRUE;
    g_propagate_error(error, errors);
    return FALSE;
}
