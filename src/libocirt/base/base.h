/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* base.h: the front door of base/, the room every other one stands on: errors (error.h), logging
 * (log.h), the library context (ctx.h), small string/fd/file helpers (util.h), the undo list
 * (undo.h), the parent/child protocol (sync.h) and raw syscalls (syscalls.h). Nothing in base/
 * includes or calls anything above it. */
#pragma once

#include "ocirt.h"
#include "base/macro.h"
#include "base/error.h"
#include "base/log.h"
#include "base/util.h"
#include "base/ctx.h"
#include "base/undo.h"
#include "base/sync.h"
#include "base/syscalls.h"
