# SPDX-License-Identifier: GPL-2.0-or-later
# The helpers room of libocirt (included by Makefile.am).
LIBOCIRT_SOURCES += \
	helpers/helpers.h \
	helpers/ops.h \
	helpers/run.h \
	helpers/criu-rpc.h \
	helpers/criu.c \
	helpers/criu-rpc.c \
	helpers/criu-netlock.c \
	helpers/fuse-overlayfs.c \
	helpers/helpers.c \
	helpers/ops.c \
	helpers/pasta.c \
	helpers/run.c \
	helpers/slirp4netns.c \
	helpers/watch.c
