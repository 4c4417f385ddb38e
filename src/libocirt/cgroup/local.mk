# SPDX-License-Identifier: GPL-2.0-or-later
# The cgroup room of libocirt (included by Makefile.am).
LIBOCIRT_SOURCES += \
	src/libocirt/cgroup/cgroup-systemd.h \
	src/libocirt/cgroup/cgroup.h \
	src/libocirt/cgroup/driver.h \
	src/libocirt/cgroup/cgroup-fs.c \
	src/libocirt/cgroup/cgroup-none.c \
	src/libocirt/cgroup/cgroup-systemd.c \
	src/libocirt/cgroup/cgroup.c
