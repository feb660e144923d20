/* Media types told by their first bytes (media.c). */
#ifndef RC_MEDIA_H
#define RC_MEDIA_H

#include <glib.h>

G_BEGIN_DECLS

/* What the first bytes of a `bytes` value say it is (bits, so that a schema's
 * media_types is one mask). */
typedef enum {
    RC_MEDIA_PNG = 1 << 0,
    RC_MEDIA_JPEG = 1 << 1,
    RC_MEDIA_GIF = 1 << 2,
    RC_MEDIA_WEBP = 1 << 3,
    RC_MEDIA_PDF = 1 << 4,
    RC_MEDIA_ALL = (1 << 5) - 1
} rc_media_type;

/* The media type @data starts with; 0 when it is none of these. */
rc_media_type rc_media_sniff(const guint8 *data, gsize len);
/* "image/png" for RC_MEDIA_PNG (static); NULL for a value not one bit. */
const char *rc_media_type_name(rc_media_type type);
/* A file name extension for the type, "png" (static); NULL as above. */
const char *rc_media_type_extension(rc_media_type type);
/* The type named @name (any case); 0 for a name we do not know. */
rc_media_type rc_media_type_from_name(const char *name);
/* The names of the bits of @types, "image/png, image/gif"; free with g_free(). */
char *rc_media_type_list(guint types);

G_END_DECLS

#endif
