# SPDX-License-Identifier: GPL-2.0-or-later
# tests/sanitize/vpath.sh: sourced by tests/sanitize/run and tests/fuzz/run.
#
# vpath_source SRCDIR COPYDIR: echo a source tree that an out-of-tree build can use. Automake
# refuses a VPATH build from a tree that is configured in place (as .ci/run's main build is), so
# such a tree is copied (its git-tracked and untracked, not ignored, files) to COPYDIR/ocirt, with
# COPYDIR/shared pointing to SRCDIR/../shared, where the spec checkout and schemas are expected.
# An unconfigured SRCDIR is echoed as it is.
vpath_source() {
        local src=$1 copy=$2
        if [ ! -f "$src/config.status" ]; then
                echo "$src"
                return 0
        fi
        command -v git >/dev/null && git -C "$src" rev-parse >/dev/null 2>&1 || {
                echo "vpath_source: $src is configured in place and is not a git checkout: run 'make distclean' there" >&2
                return 1
        }
        mkdir -p "$copy/ocirt" || return 1
        [ -e "$copy/shared" ] || ln -s "$(cd "$src/.." && pwd)/shared" "$copy/shared"
        # rsync-like refresh without rsync: files that changed are rewritten, so make sees them.
        (cd "$src" && git ls-files -co --exclude-standard -z | tar --null -T - -cf -) | tar -C "$copy/ocirt" -xf - || return 1
        # A source file the tree no longer has (moved or deleted since the last copy) goes too: the
        # build lists sources by name, but contrib/check-layers reads every file in src/ and helpers/.
        comm -23 <(cd "$copy/ocirt" && find src helpers -type f \( -name '*.[ch]' -o -name '*.mk' \) | sort) \
                <(cd "$src" && git ls-files -co --exclude-standard src helpers | sort) |
                (cd "$copy/ocirt" && xargs -r rm -f --) || return 1
        echo "$copy/ocirt"
}
