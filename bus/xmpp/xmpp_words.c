/* libstrophe's log text → a moderator's words, and the XMPP trace without
 * passwords.  The table is matched by substring, in order: libstrophe's
 * messages carry details (addresses, mechanism names) after a fixed start. */
#include "xmpp_words.h"

#include <string.h>

static const struct {
    const char *raw;
    const char *words;
} problems[] = {
    { "certfail", "the server's TLS certificate could not be verified" },
    { "TLS is not supported",
      "the server does not offer TLS, and plain connections are not allowed "
      "(only a local test server may go without: --allow-plaintext)" },
    { "Couldn't start TLS", "the TLS handshake with the server failed" },
    { "TLS start failed", "the TLS handshake with the server failed" },
    { "Cannot authenticate with known methods",
      "the server offers no way to log in that this account can use" },
    { "Connection attempt failed", "nothing answers at that address and port" },
    { "Connection refused", "nothing answers at that address and port" },
    { "connection refused", "nothing answers at that address and port" },
    { "Couldn't connect", "nothing answers at that address and port" },
    { "DNS lookup failed", "the server's name could not be resolved" },
    { "No TLS support", "this libstrophe was built without TLS" },
};

const char *rc_xmpp_problem_words(const char *raw)
{
    if (!raw)
        return NULL;
    for (gsize i = 0; i < G_N_ELEMENTS(problems); i++)
        if (strstr(raw, problems[i].raw))
            return problems[i].words;
    return NULL;
}

#define MASK "********"

/* Replace the text between each <NAME …> and the next '<' by MASK. */
static void mask_element_text(GString *s, const char *name)
{
    g_autofree char *open = g_strconcat("<", name, NULL);
    gsize from = 0;
    char *at;
    while ((at = strstr(s->str + from, open))) {
        gsize pos = at - s->str;
        char after = s->str[pos + strlen(open)];
        if (after != ' ' && after != '>' && after != '/') {
            from = pos + 1;
            continue;
        }
        char *gt = strchr(s->str + pos, '>');
        if (!gt || gt[-1] == '/')
            return;
        gsize start = gt - s->str + 1;
        char *lt = strchr(s->str + start, '<');
        gsize end = lt ? (gsize)(lt - s->str) : s->len;
        if (end > start) {
            g_string_erase(s, start, end - start);
            g_string_insert(s, start, MASK);
        }
        from = start + (end > start ? strlen(MASK) : 0);
    }
}

char *rc_xmpp_mask_secrets(const char *line, const char *password)
{
    GString *s = g_string_new(line);
    static const char *const sasl[] = { "auth", "response", "challenge", "success" };
    for (gsize i = 0; i < G_N_ELEMENTS(sasl); i++)
        mask_element_text(s, sasl[i]);
    /* g_string_replace() is GLib 2.68; we build with 2.66. */
    gsize len = password ? strlen(password) : 0;
    char *at;
    for (gsize from = 0; len && (at = strstr(s->str + from, password));) {
        gsize pos = at - s->str;
        g_string_erase(s, pos, len);
        g_string_insert(s, pos, MASK);
        from = pos + strlen(MASK);
    }
    return g_string_free(s, FALSE);
}
