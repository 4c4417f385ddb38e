/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* seccomp-listener.h: the SYNC_SECCOMP_FD text, as seccomp.c (in the init, which sends the notify
 * fd) writes it and seccomp-listener.c (in the runtime, which passes the fd on) reads it. Only
 * process/ includes it. */
#pragma once

/* Separates listenerPath from listenerMetadata in the SYNC_SECCOMP_FD text: neither a path nor
 * metadata meant for a JSON string has a unit separator in practice, and the runtime checks. */
#define SECCOMP_LISTENER_SEP '\x1f'
