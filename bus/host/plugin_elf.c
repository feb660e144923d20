/* A plugin's descriptor ABI read from its ELF file without loading it: for
 * a plugin the dynamic loader binds at load whatever the host asks (linked
 * with -z now), whose too-new calls make even a lazy dlopen() fail. */
#include <elf.h>
#include <string.h>

#include "host_private.h"
#include "files.h"

/* Plugins are small; a larger file is not read. */
#define MAX_PLUGIN_BYTES (64u << 20)

static const void *at(const char *data, gsize len, guint64 offset, guint64 size)
{
    return offset <= len && size <= len - offset ? data + offset : NULL;
}

/* The file offset of @shdrs[index]'s bytes at virtual address @addr. */
static gboolean file_offset(const Elf64_Shdr *shdrs, guint n, guint index, guint64 addr,
                            guint64 *out)
{
    if (index == SHN_UNDEF || index >= n || shdrs[index].sh_type == SHT_NOBITS)
        return FALSE;
    const Elf64_Shdr *s = &shdrs[index];
    if (addr < s->sh_addr || addr - s->sh_addr >= s->sh_size)
        return FALSE;
    *out = s->sh_offset + (addr - s->sh_addr);
    return TRUE;
}

gboolean rc_plugin_elf_abi(const char *path, guint32 *major, guint32 *minor)
{
    gsize len = 0;
    char *data = rc_read_file_capped(path, MAX_PLUGIN_BYTES, &len, NULL);
    gboolean found = FALSE;
    const Elf64_Ehdr *eh = data ? at(data, len, 0, sizeof *eh) : NULL;
    if (!eh || memcmp(eh->e_ident, ELFMAG, SELFMAG) || eh->e_ident[EI_CLASS] != ELFCLASS64 ||
        eh->e_ident[EI_DATA] != (G_BYTE_ORDER == G_LITTLE_ENDIAN ? ELFDATA2LSB : ELFDATA2MSB) ||
        eh->e_shentsize != sizeof(Elf64_Shdr))
        goto out;
    const Elf64_Shdr *shdrs = at(data, len, eh->e_shoff, (guint64)eh->e_shnum * sizeof *shdrs);
    for (guint i = 0; shdrs && i < eh->e_shnum && !found; i++) {
        const Elf64_Shdr *sym = &shdrs[i];
        if (sym->sh_type != SHT_DYNSYM || sym->sh_link >= eh->e_shnum)
            continue;
        const Elf64_Shdr *str = &shdrs[sym->sh_link];
        const Elf64_Sym *syms = at(data, len, sym->sh_offset, sym->sh_size);
        const char *names = at(data, len, str->sh_offset, str->sh_size);
        for (guint64 k = 0; syms && names && k < sym->sh_size / sizeof *syms; k++) {
            guint64 offset;
            const void *abi;
            if (syms[k].st_name >= str->sh_size ||
                strncmp(names + syms[k].st_name, ROOMCTL_PLUGIN_SYMBOL,
                        str->sh_size - syms[k].st_name) != 0 ||
                !file_offset(shdrs, eh->e_shnum, syms[k].st_shndx, syms[k].st_value, &offset) ||
                !(abi = at(data, len, offset, 2 * sizeof(guint32))))
                continue;
            guint32 fields[2]; /* the descriptor's first two: abi_major, abi_minor */
            memcpy(fields, abi, sizeof fields);
            *major = fields[0];
            *minor = fields[1];
            found = TRUE;
            break;
        }
    }
out:
    g_free(data);
    return found;
}
