/* Writing and reading JSON text (json.c, json_read.c): no item types here,
 * see bus/schema/item_json.h. */
#ifndef RC_JSON_H
#define RC_JSON_H

#include <glib.h>

G_BEGIN_DECLS

/* Append @s as a quoted JSON string (null when @s is NULL). */
void rc_json_string(GString *out, const char *s);
/* Append a JSON number: an int in canonical decimal; a double as the shortest
 * text that reads back the same (null for NaN and infinities). */
void rc_json_int(GString *out, gint64 i);
void rc_json_number(GString *out, double d);
/* Reading back (json_read.c), from UTF-8 text.  The JSON string starting at
 * @text (its opening quote): its decoded text goes to *@out (free with
 * g_free()) and what follows the closing quote is returned; NULL (and *@out
 * NULL) when it is not a valid string. */
const char *rc_json_read_string(const char *text, char **out);
/* The end of the one JSON value starting at @text, NULL when there is no
 * valid value there (nesting deeper than 32 is refused). */
const char *rc_json_skip_value(const char *text);
/* The end of a number's optional fraction (".5") and exponent ("e-3") at
 * @p, after its integer part; NULL when one is started and not finished.
 * Shared with the schema number reader. */
const char *rc_scan_fraction_exponent(const char *p);

G_END_DECLS

#endif
