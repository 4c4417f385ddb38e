/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp.h (not libseccomp's <seccomp.h>): what seccomp.c shares with the rest of process/:
 * caps.c asks whether CAP_SYS_ADMIN must be kept for the load, and seccomp-listener.c (in the
 * runtime) reads the SYNC_SECCOMP_FD text that seccomp_install() (in the init) writes. Only
 * process/ includes it. */
#pragma once

#include "state/state.h"

/* Separates listenerPath from listenerMetadata in the SYNC_SECCOMP_FD text: neither a path nor
 * metadata meant for a JSON string has a unit separator in practice, and the runtime checks. */
#define SECCOMP_LISTENER_SEP '\x1f'

/* (issue 3) A filter is pending and no_new_privs will not be set: caps.c keeps CAP_SYS_ADMIN until
 * seccomp_install() has loaded the filter. */
bool seccomp_needs_sys_admin(struct container *c);

