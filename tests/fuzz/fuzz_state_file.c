/* Fuzzes the two files a restarted agent reads back: a plugin's state
 * document (plugins/common/state_doc.c, json_read.c) and the agent's
 * applied-state journal (bus/host/journal.c).  A document either reads and
 * round-trips (what is written back reads back to the same text), or is
 * refused naming the file and line; a journal either opens, and then reads
 * back from its compacted file with no warning and the same entries, or is
 * refused naming the file. */
#include "fuzz.h"

#include <glib/gstdio.h>

#include "../../plugins/common/common.h"
#include "journal.h"

#define DOC "state.json"

static char *journal_path;
static guint warnings;

static void count_warnings(roomctl_log_level level, const char *domain, const char *message,
                           void *user_data)
{
    if (level <= ROOMCTL_LOG_WARNING)
        warnings++;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    roomctl_set_log_handler(count_warnings, NULL);
    /* tmpfs when there is one: the journal is fsynced at each open. */
    const char *base = g_file_test("/dev/shm", G_FILE_TEST_IS_DIR) ? "/dev/shm" : g_get_tmp_dir();
    char *dir = g_build_filename(base, "rc-fuzz-journal-XXXXXX", NULL);
    FUZZ_CHECK(g_mkdtemp(dir) != NULL, "cannot make %s", dir);
    journal_path = g_build_filename(dir, "journal", NULL);
    g_free(dir);
    return 0;
}

static void fuzz_state_doc(const char *text, size_t size)
{
    if (strlen(text) != size)
        return; /* the plugin refuses a NUL byte before reading */
    rc_state_doc *doc = rc_state_doc_new(DOC);
    GError *error = NULL;
    if (!rc_state_doc_read(doc, text, &error)) {
        FUZZ_CHECK(error && g_str_has_prefix(error->message, DOC ":"), "refusal: %s",
                   error ? error->message : "(none)");
        FUZZ_CHECK(strstr(error->message, ": expected ") != NULL, "refusal: %s", error->message);
        g_error_free(error);
        char *empty = rc_state_doc_text(doc);
        FUZZ_CHECK(strcmp(empty, "{}\n") == 0, "a refused document kept %s", empty);
        g_free(empty);
        rc_state_doc_free(doc);
        return;
    }
    char *once = rc_state_doc_text(doc);
    rc_state_doc *again = rc_state_doc_new(DOC);
    FUZZ_CHECK(rc_state_doc_read(again, once, &error), "written text does not read back: %s\n%s",
               error ? error->message : "", once);
    char *twice = rc_state_doc_text(again);
    FUZZ_CHECK(strcmp(once, twice) == 0, "round trip changed:\n%s\n---\n%s", once, twice);
    g_free(once);
    g_free(twice);
    rc_state_doc_free(again);
    rc_state_doc_free(doc);
}

static gint compare_lines(gconstpointer a, gconstpointer b, gpointer unused)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The compacted file's records, sorted: the same entries read the same. */
static char *sorted_file(const char *path)
{
    char *text = NULL;
    FUZZ_CHECK(g_file_get_contents(path, &text, NULL, NULL), "journal %s gone", path);
    char **lines = g_strsplit(text, "\n", -1);
    g_qsort_with_data(lines, (gint)g_strv_length(lines), sizeof *lines, compare_lines, NULL);
    char *joined = g_strjoinv("\n", lines);
    g_strfreev(lines);
    g_free(text);
    return joined;
}

static void fuzz_journal(const uint8_t *data, size_t size)
{
    FUZZ_CHECK(g_file_set_contents(journal_path, (const char *)data, (gssize)size, NULL),
               "cannot write %s", journal_path);
    GError *error = NULL;
    rc_journal *journal = rc_journal_open(journal_path, &error);
    if (!journal) {
        fuzz_check_refusal(error, journal_path);
        g_error_free(error);
        return;
    }
    rc_journal_free(journal);
    char *first = sorted_file(journal_path);
    warnings = 0;
    journal = rc_journal_open(journal_path, &error);
    FUZZ_CHECK(journal != NULL, "a compacted journal is refused: %s", error->message);
    FUZZ_CHECK(warnings == 0, "a compacted journal gives %u warnings", warnings);
    rc_journal_free(journal);
    char *second = sorted_file(journal_path);
    FUZZ_CHECK(strcmp(first, second) == 0, "compaction changed the entries:\n%s\n---\n%s",
               first, second);
    g_free(first);
    g_free(second);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_string(data, size);
    fuzz_state_doc(text, size);
    g_free(text);
    fuzz_journal(data, size);
    return 0;
}
