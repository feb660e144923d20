/* Runs a fuzz harness over files, without libFuzzer: the seed corpora and
 * every input that once crashed a harness become regression tests of the
 * ordinary (gcc, sanitizer, valgrind) builds.
 *     replay_HARNESS FILE|DIR...   (a DIR's files, not its subfolders) */
#include "fuzz.h"

static int run_file(const char *path)
{
    char *data = NULL;
    gsize len = 0;
    GError *error = NULL;
    if (!g_file_get_contents(path, &data, &len, &error)) {
        fprintf(stderr, "%s\n", error->message);
        g_error_free(error);
        return 1;
    }
    LLVMFuzzerTestOneInput((const uint8_t *)data, len);
    g_free(data);
    return 0;
}

int main(int argc, char **argv)
{
    int failed = 0, inputs = 0;
    LLVMFuzzerInitialize(&argc, &argv);
    for (int i = 1; i < argc; i++) {
        if (!g_file_test(argv[i], G_FILE_TEST_IS_DIR)) {
            failed |= run_file(argv[i]);
            inputs++;
            continue;
        }
        GDir *dir = g_dir_open(argv[i], 0, NULL);
        for (const char *name; dir && (name = g_dir_read_name(dir));) {
            char *path = g_build_filename(argv[i], name, NULL);
            if (g_file_test(path, G_FILE_TEST_IS_REGULAR)) {
                failed |= run_file(path);
                inputs++;
            }
            g_free(path);
        }
        if (dir)
            g_dir_close(dir);
    }
    printf("%d inputs replayed\n", inputs);
    return failed || inputs == 0;
}
