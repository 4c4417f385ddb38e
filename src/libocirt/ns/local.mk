# SPDX-License-Identifier: GPL-2.0-or-later
# The ns room of libocirt (included by Makefile.am).
LIBOCIRT_SOURCES += \
	src/libocirt/ns/ns.h \
	src/libocirt/ns/idmap.c \
	src/libocirt/ns/ns.c \
	src/libocirt/ns/userns.c
