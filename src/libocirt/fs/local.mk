# SPDX-License-Identifier: GPL-2.0-or-later
# The fs room of libocirt (included by Makefile.am).
LIBOCIRT_SOURCES += \
	src/libocirt/fs/fs.h \
	src/libocirt/fs/fs-internal.h \
	src/libocirt/fs/devices.c \
	src/libocirt/fs/mount.c \
	src/libocirt/fs/mount-api.c \
	src/libocirt/fs/mount-cgroup.c \
	src/libocirt/fs/mount-id.c \
	src/libocirt/fs/mount-idmap.c \
	src/libocirt/fs/mount-idmap-runtime.c \
	src/libocirt/fs/mount-legacy.c \
	src/libocirt/fs/mount-options.c \
	src/libocirt/fs/mount-tmpcopyup.c \
	src/libocirt/fs/pathres.c \
	src/libocirt/fs/rootfs-masks.c \
	src/libocirt/fs/rootfs.c
