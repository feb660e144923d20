/* Wire text -> typed, checked value: the one validator behind item decoding,
 * the item builder and schema defaults.  Hot path: no allocation on success
 * except decoded bytes. */
#include <math.h>
#include <string.h>

#include "jid.h"
#include "schema_private.h"
#include "json.h"
#include "media.h"

/* How much of a bad value an error message quotes. */
#define QUOTE_CHARS 40

static const char *const type_names[] = {
    [ROOMCTL_FIELD_STRING] = "string", [ROOMCTL_FIELD_INT] = "int",
    [ROOMCTL_FIELD_NUMBER] = "number", [ROOMCTL_FIELD_BOOL] = "bool",
    [ROOMCTL_FIELD_URL] = "url",       [ROOMCTL_FIELD_JID] = "jid",
    [ROOMCTL_FIELD_BYTES] = "bytes",   [ROOMCTL_FIELD_TIMESTAMP] = "timestamp",
    [ROOMCTL_FIELD_LIST] = "list",
};

const char *rc_field_type_name(roomctl_field_type type)
{
    return (guint)type < G_N_ELEMENTS(type_names) ? type_names[type] : "?";
}

/* @text shortened for a message; free with g_free(). */
static char *quote(const char *text)
{
    if (!g_utf8_validate(text, -1, NULL))
        return g_strdup("(invalid UTF-8)");
    if (g_utf8_strlen(text, QUOTE_CHARS + 1) <= QUOTE_CHARS)
        return g_strdup(text);
    char *head = g_utf8_substring(text, 0, QUOTE_CHARS);
    char *quoted = g_strconcat(head, "…", NULL);
    g_free(head);
    return quoted;
}

static gboolean fail_got(char **problem, const char *expected, const char *text)
{
    char *q = quote(text);
    *problem = g_strdup_printf("expected %s, got '%s'", expected, q);
    g_free(q);
    return FALSE;
}

/* A character no value may hold: one XML 1.0 cannot carry (the stream would
 * not be well-formed and the server would close it), or a control character
 * but tab and line feed.  Returns the problem, or NULL. */
static char *forbidden_char(gunichar c)
{
    if ((c < 0x20 && c != '\t' && c != '\n') || (c >= 0x7F && c <= 0x9F))
        return g_strdup_printf("control character U+%04X is not allowed", c);
    if (c == 0xFFFE || c == 0xFFFF)
        return g_strdup_printf("character U+%04X is not allowed", c);
    return NULL;
}

/* Text that can travel in XML unchanged: valid UTF-8, no forbidden
 * characters.  Counts the characters.  ASCII, the common case, takes one
 * pass without decoding. */
static gboolean check_text(const char *text, gint64 *chars, char **problem)
{
    gint64 n = 0;
    gboolean ascii = TRUE;
    for (const guchar *p = (const guchar *)text; *p; p++) {
        if ((*p < 0x20 || *p == 0x7F) && (*problem = forbidden_char(*p)))
            return FALSE;
        ascii &= *p < 0x80;
        n += (*p & 0xC0) != 0x80;
    }
    if (!ascii) {
        if (!g_utf8_validate(text, -1, NULL)) {
            *problem = g_strdup("invalid UTF-8");
            return FALSE;
        }
        for (const char *p = text; *p; p = g_utf8_next_char(p))
            if ((guchar)*p >= 0x80 && (*problem = forbidden_char(g_utf8_get_char(p))))
                return FALSE;
    }
    *chars = n;
    return TRUE;
}

gboolean rc_parse_int(const char *text, gint64 *out)
{
    const char *p = text;
    gboolean negative = *p == '-';
    if (negative)
        p++;
    if (!g_ascii_isdigit(*p))
        return FALSE;
    guint64 value = 0;
    const guint64 limit = negative ? (guint64)G_MAXINT64 + 1 : (guint64)G_MAXINT64;
    for (; g_ascii_isdigit(*p); p++) {
        guint digit = *p - '0';
        if (value > (limit - digit) / 10)
            return FALSE;
        value = value * 10 + digit;
    }
    if (*p)
        return FALSE;
    *out = negative ? (gint64)(0 - value) : (gint64)value;
    return TRUE;
}

gboolean rc_parse_number(const char *text, double *out)
{
    const char *p = text;
    if (*p == '-')
        p++;
    if (!g_ascii_isdigit(*p))
        return FALSE;
    while (g_ascii_isdigit(*p))
        p++;
    p = rc_scan_fraction_exponent(p);
    if (!p || *p)
        return FALSE;
    *out = g_ascii_strtod(text, NULL);
    return isfinite(*out);
}

static gboolean digits(const char *p, int n)
{
    for (int i = 0; i < n; i++)
        if (!g_ascii_isdigit(p[i]))
            return FALSE;
    return TRUE;
}

/* RFC 3339 date-time: YYYY-MM-DDTHH:MM:SS[.frac](Z|±HH:MM), 'T' and 'Z'
 * in either case, a fraction of any length.  GLib takes neither lower case
 * nor more than its own fraction digits, and takes offsets up to +24:00, so
 * it gets a checked, normalised copy. */
static gboolean parse_timestamp(const char *text, gint64 *usec)
{
    const char *p = text;
    if (!digits(p, 4) || p[4] != '-' || !digits(p + 5, 2) || p[7] != '-' || !digits(p + 8, 2) ||
        (p[10] != 'T' && p[10] != 't') || !digits(p + 11, 2) || p[13] != ':' ||
        !digits(p + 14, 2) || p[16] != ':' || !digits(p + 17, 2))
        return FALSE;
    char norm[sizeof "YYYY-MM-DDTHH:MM:SS.ffffff+HH:MM"];
    memcpy(norm, text, 19);
    norm[10] = 'T';
    gsize n = 19;
    p += 19;
    if (*p == '.') {
        if (!g_ascii_isdigit(p[1]))
            return FALSE;
        norm[n++] = *p++;
        for (int kept = 0; g_ascii_isdigit(*p); p++)
            if (kept++ < 6)
                norm[n++] = *p;
    }
    if (*p == 'Z' || *p == 'z') {
        norm[n++] = 'Z';
        p++;
    } else if ((*p == '+' || *p == '-') && digits(p + 1, 2) && p[3] == ':' && digits(p + 4, 2) &&
               (p[1] - '0') * 10 + (p[2] - '0') <= 23 && p[4] <= '5') {
        memcpy(norm + n, p, 6);
        n += 6;
        p += 6;
    } else {
        return FALSE;
    }
    if (*p)
        return FALSE;
    norm[n] = '\0';
    GDateTime *dt = g_date_time_new_from_iso8601(norm, NULL);
    if (!dt)
        return FALSE;
    *usec = g_date_time_to_unix(dt) * G_USEC_PER_SEC + g_date_time_get_microsecond(dt);
    g_date_time_unref(dt);
    return TRUE;
}

gboolean rc_jid_is_valid(const char *text)
{
    const char *slash = strchr(text, '/');
    gsize bare_len = slash ? (gsize)(slash - text) : strlen(text);
    const char *at = memchr(text, '@', bare_len);
    const char *domain = at ? at + 1 : text;
    gsize domain_len = bare_len - (domain - text);
    if (domain_len == 0 || domain_len > 1023 || (at && at == text) ||
        (at && at - text > 1023) || (slash && (!slash[1] || strlen(slash + 1) > 1023)))
        return FALSE;
    /* The resource may hold '@', ':' and '/', but no more than the rest. */
    for (const char *c = text; *c; c++) {
        if (g_ascii_isspace(*c) || strchr("\"&'<>", *c) ||
            (*c == '@' && c != at && (!slash || c < slash)) || (*c == ':' && c < domain))
            return FALSE;
    }
    return TRUE;
}

/* GUri takes characters RFC 3986 does not allow anywhere in a URL; a URL
 * with them is not what the docs promise, and a client may open another
 * address than the one shown. */
static gboolean check_url_chars(const char *text, char **problem)
{
    for (const guchar *p = (const guchar *)text; *p; p++) {
        if (*p <= ' ' || *p == 0x7F)
            *problem = g_strdup_printf(*p == ' ' ? "' ' is not allowed in a URL"
                                                 : "U+%04X is not allowed in a URL", *p);
        else if (strchr("\"<>\\^`{|}", *p))
            *problem = g_strdup_printf("'%c' is not allowed in a URL", *p);
        if (*problem)
            return FALSE;
    }
    return TRUE;
}

static gboolean parse_url(const rc_field *field, const char *text, char **problem)
{
    GUri *uri = g_uri_parse(text, G_URI_FLAGS_NONE, NULL);
    if (!uri)
        return fail_got(problem, "a URL", text);
    const char *scheme = g_uri_get_scheme(uri);
    gboolean web = !g_ascii_strcasecmp(scheme, "http") || !g_ascii_strcasecmp(scheme, "https");
    gboolean ok = !web || (g_uri_get_host(uri) && *g_uri_get_host(uri));
    gboolean allowed = FALSE;
    if (field->schemes) {
        for (char **s = field->schemes; *s; s++)
            allowed |= !g_ascii_strcasecmp(*s, scheme);
    } else {
        allowed = web;
    }
    if (ok && !allowed) {
        char *list = field->schemes ? g_strjoinv(", ", field->schemes) : g_strdup("http, https");
        *problem = g_strdup_printf("URL scheme '%s' is not allowed (allowed: %s)", scheme, list);
        g_free(list);
    }
    g_uri_unref(uri);
    if (!ok)
        return fail_got(problem, "a URL with a host", text);
    return allowed;
}

/* The value of a base64 character, or -1. */
static int base64_value(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a' + 26;
    if (c >= '0' && c <= '9')
        return c - '0' + 52;
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Check and decode in one pass (this runs for every item received): NULL
 * when @text is not base64 (white space is skipped), else the bytes. */
static guint8 *base64_decode(const char *text, gsize *len)
{
    guint8 *data = g_malloc(strlen(text) / 4 * 3 + 3);
    gsize chars = 0, padding = 0, n = 0;
    guint32 acc = 0;
    for (const char *p = text; *p; p++) {
        int v = base64_value(*p);
        if (v >= 0 && !padding) {
            acc = acc << 6 | (guint32)v;
            if (++chars % 4 == 0) {
                data[n++] = (guint8)(acc >> 16);
                data[n++] = (guint8)(acc >> 8);
                data[n++] = (guint8)acc;
                acc = 0;
            }
        } else if (*p == '=') {
            padding++;
        } else if (v >= 0 || !g_ascii_isspace(*p)) {
            g_free(data);
            return NULL;
        }
    }
    if ((chars + padding) % 4 || padding > 2) {
        g_free(data);
        return NULL;
    }
    if (chars % 4 == 2) {
        data[n++] = (guint8)(acc >> 4);
    } else if (chars % 4 == 3) {
        data[n++] = (guint8)(acc >> 10);
        data[n++] = (guint8)(acc >> 2);
    }
    *len = n;
    return data;
}

static gboolean parse_bytes(const rc_field *field, const char *text, roomctl_value *out,
                            char **problem)
{
    gsize len = 0;
    guint8 *data = base64_decode(text, &len);
    if (!data)
        return fail_got(problem, "base64", text);
    if (field->has_max_bytes && (gint64)len > field->max_bytes) {
        *problem = g_strdup_printf("too large: %" G_GSIZE_FORMAT " bytes, at most %" G_GINT64_FORMAT,
                                   len, field->max_bytes);
        g_free(data);
        return FALSE;
    }
    if (!len)
        g_clear_pointer(&data, g_free); /* as before: empty bytes own no data */
    if (field->media_types && !(rc_media_sniff(data, len) & field->media_types)) {
        char *names = rc_media_type_list(field->media_types);
        *problem = g_strdup_printf("data is not of an allowed media type (%s)", names);
        g_free(names);
        g_free(data);
        return FALSE;
    }
    out->u.bytes.data = data;
    out->u.bytes.len = len;
    out->flags |= RC_VALUE_OWNS_DATA;
    return TRUE;
}

static gboolean check_length(const rc_field *field, gint64 chars, char **problem)
{
    if (field->has_min_length && chars < field->min_length) {
        *problem = g_strdup_printf("too short: %" G_GINT64_FORMAT " characters, at least %"
                                   G_GINT64_FORMAT, chars, field->min_length);
        return FALSE;
    }
    if (field->has_max_length && chars > field->max_length) {
        *problem = g_strdup_printf("too long: %" G_GINT64_FORMAT " characters, at most %"
                                   G_GINT64_FORMAT, chars, field->max_length);
        return FALSE;
    }
    return TRUE;
}

static gboolean check_string(const rc_field *field, const char *text, gint64 chars,
                             char **problem)
{
    if (!check_length(field, chars, problem))
        return FALSE;
    if (field->pattern && !g_regex_match(field->pattern, text, 0, NULL)) {
        char *q = quote(text);
        *problem = g_strdup_printf("'%s' does not match the pattern '%s'", q, field->pattern_text);
        g_free(q);
        return FALSE;
    }
    if (field->enum_values) {
        for (char **e = field->enum_values; *e; e++)
            if (!strcmp(*e, text))
                return TRUE;
        char *q = quote(text);
        char *list = g_strjoinv(", ", field->enum_values);
        *problem = g_strdup_printf("'%s' is not one of: %s", q, list);
        g_free(q);
        g_free(list);
        return FALSE;
    }
    return TRUE;
}

static gboolean check_range(const rc_field *field, const roomctl_value *v, char **problem)
{
    if (field->type == ROOMCTL_FIELD_INT) {
        if (field->has_min && v->u.i < field->min_i)
            *problem = g_strdup_printf("%" G_GINT64_FORMAT " is below the minimum %" G_GINT64_FORMAT,
                                       v->u.i, field->min_i);
        else if (field->has_max && v->u.i > field->max_i)
            *problem = g_strdup_printf("%" G_GINT64_FORMAT " is above the maximum %" G_GINT64_FORMAT,
                                       v->u.i, field->max_i);
    } else {
        if (field->has_min && v->u.d < field->min_d)
            *problem = g_strdup_printf("%s is below the minimum %g", v->text, field->min_d);
        else if (field->has_max && v->u.d > field->max_d)
            *problem = g_strdup_printf("%s is above the maximum %g", v->text, field->max_d);
    }
    return *problem == NULL;
}

gboolean rc_field_parse(const rc_field *field, const char *text, roomctl_value *out,
                        char **problem)
{
    gint64 chars = 0;
    *problem = NULL;
    memset(out, 0, sizeof *out);
    out->type = field->type;
    out->flags = RC_VALUE_SET;
    out->text = text;

    switch (field->type) {
    case ROOMCTL_FIELD_STRING:
        return check_text(text, &chars, problem) && check_string(field, text, chars, problem);
    case ROOMCTL_FIELD_INT:
        if (!rc_parse_int(text, &out->u.i))
            return fail_got(problem, "int", text);
        return check_range(field, out, problem);
    case ROOMCTL_FIELD_NUMBER:
        if (!rc_parse_number(text, &out->u.d))
            return fail_got(problem, "number", text);
        return check_range(field, out, problem);
    case ROOMCTL_FIELD_BOOL:
        if (!strcmp(text, "true"))
            out->u.b = TRUE;
        else if (strcmp(text, "false"))
            return fail_got(problem, "true or false", text);
        return TRUE;
    case ROOMCTL_FIELD_URL:
        return check_text(text, &chars, problem) && check_length(field, chars, problem) &&
               parse_url(field, text, problem) && check_url_chars(text, problem);
    case ROOMCTL_FIELD_JID:
        if (!check_text(text, &chars, problem))
            return FALSE;
        return rc_jid_is_valid(text) || fail_got(problem, "a JID like user@example.org", text);
    case ROOMCTL_FIELD_TIMESTAMP:
        return parse_timestamp(text, &out->u.i) ||
               fail_got(problem, "an RFC 3339 timestamp like 2024-05-01T12:00:00Z", text);
    case ROOMCTL_FIELD_BYTES:
        return parse_bytes(field, text, out, problem);
    case ROOMCTL_FIELD_LIST:
        break;
    }
    *problem = g_strdup("a list takes one element per call");
    return FALSE;
}

gboolean rc_field_check_items(const rc_field *field, gsize count, char **problem)
{
    *problem = NULL;
    if (field->has_min_items && (gint64)count < field->min_items)
        *problem = g_strdup_printf("too few items: %" G_GSIZE_FORMAT ", at least %" G_GINT64_FORMAT,
                                   count, field->min_items);
    else if (field->has_max_items && (gint64)count > field->max_items)
        *problem = g_strdup_printf("too many items: %" G_GSIZE_FORMAT ", at most %" G_GINT64_FORMAT,
                                   count, field->max_items);
    return *problem == NULL;
}

/* ---- Value memory ----------------------------------------------------------- */

void rc_list_free(rc_list *list)
{
    if (!list)
        return;
    for (gsize i = 0; i < list->length; i++)
        rc_value_clear(&list->items[i]);
    g_free(list);
}

void rc_value_clear(roomctl_value *value)
{
    if (value->flags & RC_VALUE_OWNS_DATA) {
        if (value->type == ROOMCTL_FIELD_LIST)
            rc_list_free(value->u.list);
        else if (value->type == ROOMCTL_FIELD_BYTES)
            g_free(value->u.bytes.data);
    }
    memset(value, 0, sizeof *value);
}

rc_list *rc_list_new(roomctl_value *values, gsize count)
{
    gsize text_size = 0;
    for (gsize i = 0; i < count; i++)
        text_size += strlen(values[i].text) + 1;
    rc_list *list = g_malloc(sizeof(rc_list) + count * sizeof(roomctl_value) + text_size);
    char *texts = (char *)&list->items[count];
    list->length = count;
    for (gsize i = 0; i < count; i++) {
        gsize len = strlen(values[i].text) + 1;
        list->items[i] = values[i];
        list->items[i].text = memcpy(texts, values[i].text, len);
        texts += len;
        values[i].flags &= ~RC_VALUE_OWNS_DATA;
    }
    return list;
}

gboolean rc_value_equal(const roomctl_value *a, const roomctl_value *b)
{
    if ((a->flags & RC_VALUE_SET) != (b->flags & RC_VALUE_SET) || a->type != b->type)
        return FALSE;
    if (!(a->flags & RC_VALUE_SET))
        return TRUE;
    switch (a->type) {
    case ROOMCTL_FIELD_INT:
    case ROOMCTL_FIELD_TIMESTAMP:
        return a->u.i == b->u.i;
    case ROOMCTL_FIELD_NUMBER:
        return a->u.d == b->u.d;
    case ROOMCTL_FIELD_BOOL:
        return a->u.b == b->u.b;
    case ROOMCTL_FIELD_BYTES:
        return a->u.bytes.len == b->u.bytes.len &&
               (!a->u.bytes.len || !memcmp(a->u.bytes.data, b->u.bytes.data, a->u.bytes.len));
    case ROOMCTL_FIELD_LIST:
        if (a->u.list->length != b->u.list->length)
            return FALSE;
        for (gsize i = 0; i < a->u.list->length; i++)
            if (!rc_value_equal(&a->u.list->items[i], &b->u.list->items[i]))
                return FALSE;
        return TRUE;
    default:
        return !strcmp(a->text, b->text);
    }
}
