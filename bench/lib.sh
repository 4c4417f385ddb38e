# SPDX-License-Identifier: GPL-2.0-or-later
# shellcheck shell=bash
#
# bench/lib.sh: helpers shared by the bench scripts, sourced (not run). A script that re-runs
# itself from its work directory (as the test user) copies this file next to its copy.
# The sourcing script sets PROG (the name messages start with).

say() { printf '%s: %s\n' "$PROG" "$*" >&2; }
die() { say "$*"; exit 1; }

# Numbers on stdin, one a line -> their median (the lower middle one of an even count) and mean,
# printed with the printf FORMAT (default %.2f); nothing when stdin has no numbers.
median() { sort -n | awk -v f="${1:-%.2f}" '{ v[NR] = $1 } END { if (NR) printf f, v[int((NR + 1) / 2)] }'; }
mean() { awk -v f="${1:-%.2f}" '{ s += $1 } END { if (NR) printf f, s / NR }'; }

# A / B as "1.23x", or "n/a" when either is empty or B is not positive.
ratio() { [ -n "$1" ] && [ -n "$2" ] && awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.2fx", a / b; else print "n/a" }' || echo "n/a"; }
or_na() { [ -n "$1" ] && echo "$1" || echo "n/a"; }
