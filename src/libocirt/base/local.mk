# SPDX-License-Identifier: GPL-2.0-or-later
# The base room of libocirt (included by Makefile.am).
LIBOCIRT_SOURCES += \
	src/libocirt/base/base.h \
	src/libocirt/base/ctx.h \
	src/libocirt/base/error.h \
	src/libocirt/base/log.h \
	src/libocirt/base/macro.h \
	src/libocirt/base/str.h \
	src/libocirt/base/sync.h \
	src/libocirt/base/syscalls.h \
	src/libocirt/base/undo.h \
	src/libocirt/base/util.h \
	src/libocirt/base/ctx.c \
	src/libocirt/base/dl.c \
	src/libocirt/base/error.c \
	src/libocirt/base/log.c \
	src/libocirt/base/sync.c \
	src/libocirt/base/undo.c \
	src/libocirt/base/util-exec.c \
	src/libocirt/base/util-fd.c \
	src/libocirt/base/util-fs.c \
	src/libocirt/base/str.c \
	src/libocirt/base/version.c
