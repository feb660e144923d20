/* Media types told by their first bytes: the one table behind the `bytes`
 * fields' media_types check in libroomctl and the file names the slideshow
 * plugin gives cached images, so that both always agree on what a GIF is. */
#include "media.h"

#include <string.h>

static const struct {
    rc_media_type type;
    const char *name;
    const char *extension;
    const char *magic;
    gsize magic_len;
    gsize offset; /* where the magic starts */
} media[] = {
    { RC_MEDIA_PNG, "image/png", "png", "\x89PNG\r\n\x1a\n", 8, 0 },
    { RC_MEDIA_JPEG, "image/jpeg", "jpg", "\xff\xd8\xff", 3, 0 },
    { RC_MEDIA_GIF, "image/gif", "gif", "GIF87a", 6, 0 },
    { RC_MEDIA_GIF, "image/gif", "gif", "GIF89a", 6, 0 },
    { RC_MEDIA_WEBP, "image/webp", "webp", "WEBP", 4, 8 }, /* after "RIFF" and a size */
    { RC_MEDIA_PDF, "application/pdf", "pdf", "%PDF-", 5, 0 },
};

rc_media_type rc_media_sniff(const guint8 *data, gsize len)
{
    for (gsize i = 0; i < G_N_ELEMENTS(media); i++)
        if (len >= media[i].offset + media[i].magic_len &&
            !memcmp(data + media[i].offset, media[i].magic, media[i].magic_len) &&
            (media[i].type != RC_MEDIA_WEBP || !memcmp(data, "RIFF", 4)))
            return media[i].type;
    return 0;
}

const char *rc_media_type_name(rc_media_type type)
{
    for (gsize i = 0; i < G_N_ELEMENTS(media); i++)
        if (media[i].type == type)
            return media[i].name;
    return NULL;
}

const char *rc_media_type_extension(rc_media_type type)
{
    for (gsize i = 0; i < G_N_ELEMENTS(media); i++)
        if (media[i].type == type)
            return media[i].extension;
    return NULL;
}

rc_media_type rc_media_type_from_name(const char *name)
{
    for (gsize i = 0; i < G_N_ELEMENTS(media); i++)
        if (!g_ascii_strcasecmp(media[i].name, name))
            return media[i].type;
    return 0;
}

char *rc_media_type_list(guint types)
{
    GString *names = g_string_new(NULL);
    for (guint bit = 1; bit <= RC_MEDIA_ALL; bit <<= 1)
        if (types & bit)
            g_string_append_printf(names, "%s%s", names->len ? ", " : "",
                                   rc_media_type_name(bit));
    return g_string_free(names, FALSE);
}
