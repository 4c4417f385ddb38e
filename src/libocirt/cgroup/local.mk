# SPDX-License-Identifier: GPL-2.0-or-later
# The cgroup room of libocirt (included by Makefile.am). cgroup.c is the front door; the drivers
# (cgroup-fs.c, cgroup-systemd.c, cgroup-none.c) sit behind driver.h, and what they share below them.
LIBOCIRT_SOURCES += \
	src/libocirt/cgroup/cgroup.h \
	src/libocirt/cgroup/driver.h \
	src/libocirt/cgroup/cgroup.c \
	src/libocirt/cgroup/cgroup-cmd.c \
	src/libocirt/cgroup/cgroup-recorded.h \
	src/libocirt/cgroup/cgroup-recorded.c \
	src/libocirt/cgroup/cgroup-fs.c \
	src/libocirt/cgroup/cgroup-none.c \
	src/libocirt/cgroup/cgroup-systemd.c \
	src/libocirt/cgroup/cgroup-systemd-props.h \
	src/libocirt/cgroup/cgroup-systemd-props.c \
	src/libocirt/cgroup/cgroup-control.h \
	src/libocirt/cgroup/cgroup-control.c \
	src/libocirt/cgroup/cgroup-stats.h \
	src/libocirt/cgroup/cgroup-stats.c \
	src/libocirt/cgroup/cgroup-resources.h \
	src/libocirt/cgroup/cgroup-resources.c \
	src/libocirt/cgroup/cgroup-res-v1.h \
	src/libocirt/cgroup/cgroup-res-v1.c \
	src/libocirt/cgroup/cgroup-res-v2.h \
	src/libocirt/cgroup/cgroup-res-v2.c \
	src/libocirt/cgroup/cgroup-devices.h \
	src/libocirt/cgroup/cgroup-devices.c \
	src/libocirt/cgroup/cgroup-writer.h \
	src/libocirt/cgroup/cgroup-writer.c \
	src/libocirt/cgroup/cgroup-layout.h \
	src/libocirt/cgroup/cgroup-layout.c \
	src/libocirt/cgroup/cgroup-dirs.h \
	src/libocirt/cgroup/cgroup-dirs.c
