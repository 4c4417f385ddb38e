# SPDX-License-Identifier: GPL-2.0-or-later
# The config room of libocirt (included by Makefile.am).
LIBOCIRT_SOURCES += \
	src/libocirt/config/spec-json.h \
	src/libocirt/config/spec.h \
	src/libocirt/config/features.c \
	src/libocirt/config/spec-default.c \
	src/libocirt/config/spec-json.c \
	src/libocirt/config/spec-linux.c \
	src/libocirt/config/spec-resources.c \
	src/libocirt/config/spec-validate.c \
	src/libocirt/config/spec.c \
	src/libocirt/config/subid.c
