# SPDX-License-Identifier: GPL-2.0-or-later
# The process room of libocirt (included by Makefile.am).
LIBOCIRT_SOURCES += \
	src/libocirt/process/process.h \
	src/libocirt/process/netdev.h \
	src/libocirt/process/procattr.h \
	src/libocirt/process/seccomp.h \
	src/libocirt/process/seccomp-cache.h \
	src/libocirt/process/caps.c \
	src/libocirt/process/exe.c \
	src/libocirt/process/hooks.c \
	src/libocirt/process/netdev.c \
	src/libocirt/process/procattr.c \
	src/libocirt/process/procattr-init.c \
	src/libocirt/process/seccomp.c \
	src/libocirt/process/seccomp-cache.c \
	src/libocirt/process/seccomp-listener.c \
	src/libocirt/process/signals.c \
	src/libocirt/process/terminal.c
