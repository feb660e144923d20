/* Fuzzes roomctl-agent's configuration loader (rc_agent_config_load_string).
 * The file name points into a folder that does not exist, so relative
 * password files resolve to nothing. */
#include "fuzz.h"
#include "agent/config.h"

#define NAME "/nonexistent/roomctl-fuzz/agent.yaml"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    fuzz_quiet();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *yaml = fuzz_string(data, size);
    GError *error = NULL;
    rc_agent_config *config = rc_agent_config_load_string(NAME, yaml, "/nonexistent/schemas",
                                                          "/nonexistent/plugins", &error);
    if (!config) {
        fuzz_check_refusal(error, NAME ":");
        g_error_free(error);
        g_free(yaml);
        return 0;
    }
    FUZZ_CHECK(config->rooms->len >= 1, "accepted a configuration without rooms");
    FUZZ_CHECK(config->jid != NULL, "accepted a configuration without a JID");
    for (guint i = 0; i < config->plugins->len; i++)
        FUZZ_CHECK(g_array_index(config->plugins, rc_agent_plugin_conf, i).name != NULL,
                   "plugin %u without a name", i);
    rc_agent_config_free(config);
    g_free(yaml);
    return 0;
}
