/* libroomctl: the whole public API.  Include this one header. */
#ifndef ROOMCTL_H
#define ROOMCTL_H

#include <roomctl/plugin.h>
#include <roomctl/error.h>
#include <roomctl/config.h>
#include <roomctl/schema.h>
#include <roomctl/item.h>
#include <roomctl/host.h>
#include <roomctl/bus.h>
#include <roomctl/ack.h>

#endif
