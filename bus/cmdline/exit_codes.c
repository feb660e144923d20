/* The exit code of `roomctl` and roomctl-agent for a library error (exit_codes.h). */
#include "exit_codes.h"

int rc_exit_code_for(const GError *error)
{
    if (!error)
        return RC_EXIT_OK;
    if (error->domain == G_OPTION_ERROR)
        return RC_EXIT_USAGE;
    if (error->domain != ROOMCTL_ERROR)
        return RC_EXIT_FAILURE;
    switch ((roomctl_error_code)error->code) {
    case ROOMCTL_ERR_INVALID_ITEM:
    case ROOMCTL_ERR_UNKNOWN_TYPE:
    case ROOMCTL_ERR_SCHEMA:
    case ROOMCTL_ERR_CONFIG:
        return RC_EXIT_INVALID;
    case ROOMCTL_ERR_NOT_ALLOWED:
        return RC_EXIT_NOT_ALLOWED;
    case ROOMCTL_ERR_CONNECTION:
    case ROOMCTL_ERR_AUTH:
    case ROOMCTL_ERR_TIMEOUT:
    case ROOMCTL_ERR_CONFLICT:
        return RC_EXIT_CONNECTION;
    case ROOMCTL_ERR_SERVER:
        return RC_EXIT_SERVER;
    case ROOMCTL_ERR_NOT_FOUND:
        return RC_EXIT_NOT_FOUND;
    default:
        return RC_EXIT_FAILURE;
    }
}
