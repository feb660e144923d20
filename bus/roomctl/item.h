/* Control items: build, encode and decode (see docs/wire-format.md).
 * Read items with the accessors of roomctl/plugin.h. */
#ifndef ROOMCTL_ITEM_H
#define ROOMCTL_ITEM_H

#include <roomctl/schema.h>

G_BEGIN_DECLS

#define ROOMCTL_NS "urn:roomctl:0"

/* Builds one item of one type, field by field. */
typedef struct roomctl_item_builder roomctl_item_builder;

/*
 * Start an item of @type (@version 0 = the highest the registry has).  The
 * registry must outlive the builder and the item.  NULL and @error
 * (ROOMCTL_ERR_UNKNOWN_TYPE) when the type is unknown.
 */
ROOMCTL_API
roomctl_item_builder *roomctl_item_builder_new(const roomctl_registry *registry,
                                               const char *type, int version,
                                               GError **error);
/* Set a field from its wire text (bytes as base64); a list field gets one
 * element per call.  Checks the value against the field at once. */
ROOMCTL_API
gboolean roomctl_item_builder_set(roomctl_item_builder *builder, const char *field,
                                  const char *text, GError **error);
ROOMCTL_API
gboolean roomctl_item_builder_set_bytes(roomctl_item_builder *builder, const char *field,
                                        const guint8 *data, gsize len, GError **error);
/* Check required fields, apply defaults, make the id.  Consumes the builder
 * whatever the outcome.  The caller owns the item: roomctl_item_unref(). */
ROOMCTL_API
roomctl_item *roomctl_item_builder_finish(roomctl_item_builder *builder, GError **error);
ROOMCTL_API
void roomctl_item_builder_free(roomctl_item_builder *builder);

/* An item from "field=value" assignments, as `roomctl publish` takes them;
 * "field=@FILE" reads a bytes field from FILE, no further than the field's
 * max_bytes (64 MiB without one).  (17) Every bad assignment and every
 * missing required field is reported, one per line of @error. */
ROOMCTL_API
roomctl_item *roomctl_item_new_from_assignments(const roomctl_registry *registry,
                                                const char *type,
                                                const char *const *assignments,
                                                GError **error);
/* The same at @version (0: the highest the registry has). */
ROOMCTL_API
roomctl_item *roomctl_item_new_from_assignments_at(const roomctl_registry *registry,
                                                   const char *type, int version,
                                                   const char *const *assignments,
                                                   GError **error);
/* An item from a YAML file: a mapping with `type`, optional `version`, and
 * the fields (a list field as a YAML sequence). */
ROOMCTL_API
roomctl_item *roomctl_item_load_yaml(const roomctl_registry *registry, const char *path,
                                     GError **error);

/*
 * Decode and validate one <control xmlns='urn:roomctl:0'/> element given as
 * XML text.  @item_id is the PubSub item id it came with (NULL to derive it).
 * Errors (ROOMCTL_ERR_INVALID_ITEM, ROOMCTL_ERR_UNKNOWN_TYPE) read like
 * "slideshow.slide: field 'index': expected int, got 'three'".
 */
ROOMCTL_API
roomctl_item *roomctl_item_decode_xml(const roomctl_registry *registry, const char *xml,
                                      const char *item_id, GError **error);
/* The <control/> element as XML text; the caller frees it with g_free(). */
ROOMCTL_API
char *roomctl_item_encode_xml(const roomctl_item *item);

/* The schema the item was validated against; owned by the registry. */
ROOMCTL_API
const roomctl_schema *roomctl_item_schema(const roomctl_item *item);

G_END_DECLS

#endif
