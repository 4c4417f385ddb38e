# SPDX-License-Identifier: GPL-2.0-or-later
# The state room of libocirt (included by Makefile.am).
LIBOCIRT_SOURCES += \
	src/libocirt/state/state.h \
	src/libocirt/state/container.c \
	src/libocirt/state/state.c
