#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Configs written by other tools run as they are: `runc spec` (root) and `runc spec --rootless`,
# which ask for ambient capabilities without inheritable ones and write ociVersion 1.0.2. Clients
# hand us such configs, and the benchmark compares the runtimes on one of them.
set -u
source "$OCIRT_TESTS/lib/common.sh"
need runc "runc (Debian package runc) writes the configs under test"

for variant in plain rootless; do
        is_root || [ $variant = rootless ] || continue
        b=$(new_bundle)
        rm -f "$b/config.json"
        if [ $variant = rootless ]; then
                (cd "$b" && runc spec --rootless) || { fail "runc spec --rootless"; continue; }
        else
                (cd "$b" && runc spec) || { fail "runc spec"; continue; }
        fi
        cfg "$b" '.root.path = $r | .process.terminal = false | .process.args = ["/usr/bin/probe","caps"]' \
                --arg r "$OCIRT_ROOTFS"
        out=$(timeout 10 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "other-$variant" 2>&1)
        rc=$?
        check_eq "runc spec ($variant): runs and exits 0" 0 "$rc"
        check_contains "runc spec ($variant): the probe ran" "CapEff=" "$out"
        check "runc spec ($variant): no crash in the runtime" sh -c "! grep -qiE 'free\\(\\)|abort|segmentation' <<'X'
$out
X"
done
done_testing
