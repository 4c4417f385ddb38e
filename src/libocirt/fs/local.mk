# SPDX-License-Identifier: GPL-2.0-or-later
# The fs room of libocirt (included by Makefile.am).
LIBOCIRT_SOURCES += \
	src/libocirt/fs/fs.h \
	src/libocirt/fs/devices.c \
	src/libocirt/fs/mount.c \
	src/libocirt/fs/pathres.c \
	src/libocirt/fs/rootfs.c
