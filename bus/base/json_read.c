/* Reading back the JSON the plugins wrote (json.c writes it): a string's
 * text, and a check that a value is one complete JSON value.  Strict RFC 8259
 * syntax, nothing more: a file edited by hand into something else is
 * refused, not guessed at.  The caller checks that the text is UTF-8. */
#include "json.h"

#include <string.h>

/* Deeper nesting than the plugins ever write is refused. */
#define MAX_DEPTH 32

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static int hex4(const char *p)
{
    int v = 0;
    for (int i = 0; i < 4; i++) {
        int d = g_ascii_xdigit_value(p[i]);
        if (d < 0)
            return -1;
        v = v * 16 + d;
    }
    return v;
}

/* One \uXXXX escape (a surrogate pair counts as one) at @p, after the
 * backslash-u; appended to @out as UTF-8.  Returns the end, NULL when bad. */
static const char *read_unicode(const char *p, GString *out)
{
    int hi = hex4(p);
    if (hi < 0)
        return NULL;
    p += 4;
    gunichar c = (gunichar)hi;
    if (hi >= 0xD800 && hi <= 0xDBFF) {
        int lo = p[0] == '\\' && p[1] == 'u' ? hex4(p + 2) : -1;
        if (lo < 0xDC00 || lo > 0xDFFF)
            return NULL;
        c = 0x10000 + (((gunichar)hi - 0xD800) << 10) + ((gunichar)lo - 0xDC00);
        p += 6;
    } else if (hi >= 0xDC00 && hi <= 0xDFFF) {
        return NULL;
    }
    if (out)
        g_string_append_unichar(out, c);
    return p;
}

/* The string at @p (its opening quote); its text goes to @out when not
 * NULL.  Returns what follows the closing quote, NULL when it is not a
 * valid string. */
static const char *read_string(const char *p, GString *out)
{
    if (*p++ != '"')
        return NULL;
    for (;;) {
        unsigned char c = (unsigned char)*p;
        if (c == '"')
            return p + 1;
        if (c < 0x20)
            return NULL; /* the end of the text, or a raw control byte */
        if (c != '\\') {
            if (out)
                g_string_append_c(out, (char)c);
            p++;
            continue;
        }
        char decoded;
        switch (p[1]) {
        case '"': case '\\': case '/': decoded = p[1]; break;
        case 'b': decoded = '\b'; break;
        case 'f': decoded = '\f'; break;
        case 'n': decoded = '\n'; break;
        case 'r': decoded = '\r'; break;
        case 't': decoded = '\t'; break;
        case 'u':
            p = read_unicode(p + 2, out);
            if (!p)
                return NULL;
            continue;
        default:
            return NULL;
        }
        if (out)
            g_string_append_c(out, decoded);
        p += 2;
    }
}

static const char *read_number(const char *p)
{
    if (*p == '-')
        p++;
    if (*p == '0')
        p++;
    else if (g_ascii_isdigit(*p))
        while (g_ascii_isdigit(*p))
            p++;
    else
        return NULL;
    return rc_scan_fraction_exponent(p);
}

const char *rc_scan_fraction_exponent(const char *p)
{
    if (*p == '.') {
        if (!g_ascii_isdigit(*++p))
            return NULL;
        while (g_ascii_isdigit(*p))
            p++;
    }
    if (*p == 'e' || *p == 'E') {
        p++;
        if (*p == '+' || *p == '-')
            p++;
        if (!g_ascii_isdigit(*p))
            return NULL;
        while (g_ascii_isdigit(*p))
            p++;
    }
    return p;
}

static const char *read_value(const char *p, int depth);

/* An object or array at @p; @close is '}' or ']'. */
static const char *read_container(const char *p, char close, int depth)
{
    if (depth >= MAX_DEPTH)
        return NULL;
    p = skip_space(p + 1);
    if (*p == close)
        return p + 1;
    for (;;) {
        if (close == '}') {
            p = read_string(p, NULL);
            if (!p || *(p = skip_space(p)) != ':')
                return NULL;
            p = skip_space(p + 1);
        }
        p = read_value(p, depth + 1);
        if (!p)
            return NULL;
        p = skip_space(p);
        if (*p == close)
            return p + 1;
        if (*p != ',')
            return NULL;
        p = skip_space(p + 1);
    }
}

static const char *read_value(const char *p, int depth)
{
    switch (*p) {
    case '{': return read_container(p, '}', depth);
    case '[': return read_container(p, ']', depth);
    case '"': return read_string(p, NULL);
    case 't': return strncmp(p, "true", 4) == 0 ? p + 4 : NULL;
    case 'f': return strncmp(p, "false", 5) == 0 ? p + 5 : NULL;
    case 'n': return strncmp(p, "null", 4) == 0 ? p + 4 : NULL;
    default: return read_number(p);
    }
}

const char *rc_json_read_string(const char *text, char **out)
{
    GString *s = g_string_new(NULL);
    const char *end = read_string(text, s);
    if (!end) {
        g_string_free(s, TRUE);
        *out = NULL;
        return NULL;
    }
    *out = g_string_free(s, FALSE);
    return end;
}

const char *rc_json_skip_value(const char *text)
{
    return read_value(text, 0);
}
