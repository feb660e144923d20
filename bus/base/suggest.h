/* Internal: "did you mean" for misspelt keywords and keys. */
#ifndef RC_SUGGEST_H
#define RC_SUGGEST_H

#include <glib.h>

G_BEGIN_DECLS

/* The candidate closest to @word (edit distance with transpositions), or
 * NULL when none is close enough to be a typo.  Points into @candidates. */
const char *rc_closest_word(const char *word, const char *const *candidates);

G_END_DECLS

#endif
