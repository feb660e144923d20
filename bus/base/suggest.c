/* "Did you mean": the nearest keyword to a misspelt one. */
#include <string.h>

#include "suggest.h"

/* Edit distance with transpositions, for "did you mean". */
static guint distance(const char *a, const char *b)
{
    gsize la = strlen(a), lb = strlen(b);
    guint *d = g_new(guint, (la + 1) * (lb + 1));
#define D(i, j) d[(i) * (lb + 1) + (j)]
    for (gsize i = 0; i <= la; i++)
        D(i, 0) = i;
    for (gsize j = 0; j <= lb; j++)
        D(0, j) = j;
    for (gsize i = 1; i <= la; i++) {
        for (gsize j = 1; j <= lb; j++) {
            guint cost = a[i - 1] != b[j - 1];
            guint best = MIN(MIN(D(i - 1, j) + 1, D(i, j - 1) + 1), D(i - 1, j - 1) + cost);
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                best = MIN(best, D(i - 2, j - 2) + 1);
            D(i, j) = best;
        }
    }
    guint result = D(la, lb);
#undef D
    g_free(d);
    return result;
}

const char *rc_closest_word(const char *word, const char *const *candidates)
{
    const char *best = NULL;
    guint best_distance = G_MAXUINT;
    for (const char *const *c = candidates; *c; c++) {
        guint dist = distance(word, *c);
        if (dist < best_distance) {
            best_distance = dist;
            best = *c;
        }
    }
    /* Farther than a third of the word (and more than two edits) is no typo. */
    if (best && best_distance <= MAX(2u, (guint)strlen(word) / 3))
        return best;
    return NULL;
}
