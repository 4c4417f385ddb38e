# SPDX-License-Identifier: GPL-2.0-or-later
# The container room of libocirt (included by Makefile.am).
LIBOCIRT_SOURCES += \
	src/libocirt/container/container.h \
	src/libocirt/container/exec-process.h \
	src/libocirt/container/checkpoint.h \
	src/libocirt/container/check.c \
	src/libocirt/container/checkpoint.c \
	src/libocirt/container/restore.c \
	src/libocirt/container/exec.c \
	src/libocirt/container/exec-process.c \
	src/libocirt/container/init.c \
	src/libocirt/container/lifecycle.c \
	src/libocirt/container/mount-live.c \
	src/libocirt/container/spawn.c
