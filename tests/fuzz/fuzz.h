/* What every fuzz harness shares: the libFuzzer entry points, a quiet
 * library, and the check that a refusal reads like one a user can act on. */
#ifndef RC_FUZZ_H
#define RC_FUZZ_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <roomctl/roomctl.h>

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A broken invariant is a finding: abort so that libFuzzer keeps the input. */
#define FUZZ_CHECK(cond, ...)                                                  \
    do {                                                                       \
        if (!(cond)) {                                                         \
            fprintf(stderr, "fuzz check failed: %s: ", #cond);                 \
            fprintf(stderr, __VA_ARGS__);                                      \
            fputc('\n', stderr);                                               \
            abort();                                                           \
        }                                                                      \
    } while (0)

static void fuzz_drop_log(roomctl_log_level level, const char *domain, const char *message,
                          void *user_data)
{
}

/* Library logging would only slow the fuzzer down. */
static inline void fuzz_quiet(void)
{
    roomctl_set_log_handler(fuzz_drop_log, NULL);
}

/* A refusal must be a ROOMCTL_ERROR with a message; messages of file parsers
 * start with the file name (FILE:LINE:COL: error: ...). */
static inline void fuzz_check_refusal(const GError *error, const char *file)
{
    FUZZ_CHECK(error != NULL, "refused without an error");
    FUZZ_CHECK(error->domain == ROOMCTL_ERROR, "domain %s", g_quark_to_string(error->domain));
    FUZZ_CHECK(error->message && *error->message, "empty message");
    if (file)
        FUZZ_CHECK(g_str_has_prefix(error->message, file), "message without the file: %s",
                   error->message);
}

/* @data as a NUL-terminated string, for APIs that take one; g_free() it. */
static inline char *fuzz_string(const uint8_t *data, size_t size)
{
    return g_strndup((const char *)data, size);
}

#endif
