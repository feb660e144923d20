/* Exit codes of `roomctl`, documented in README.md.  Never renumber. */
#ifndef RC_CLI_EXIT_CODES_H
#define RC_CLI_EXIT_CODES_H

#include <roomctl/error.h>

enum {
    RC_EXIT_OK = 0,
    RC_EXIT_FAILURE = 1,      /* anything not listed below */
    RC_EXIT_USAGE = 2,        /* bad command line */
    RC_EXIT_INVALID = 3,      /* invalid item, schema or config */
    RC_EXIT_NOT_ALLOWED = 4,  /* the server refused: not a moderator/owner */
    RC_EXIT_CONNECTION = 5,   /* cannot connect, log in or stay connected */
    RC_EXIT_SERVER = 6,       /* the server returned another error */
    RC_EXIT_NOT_FOUND = 7,    /* no such room node or item */
    RC_EXIT_INCOMPLETE = 8    /* (13) some clients failed, could not, or did not answer */
};

/* The exit code for an error of the ROOMCTL_ERROR domain (or any other). */
int rc_exit_code_for(const GError *error);

#endif
