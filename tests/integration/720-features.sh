#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# 720-features.sh: `ocirt features` is valid against features-schema.json and tells the truth on the
# points containerd and CRI-O decide by (namespaces, hooks, rro, idmap, seccomp flags).
source "$OCIRT_TESTS/lib/common.sh"
need jq "jq reads the document"
out=$(mktemp "$_t_dir/features.XXXXXX")
if "$OCIRT_BIN" features >"$out" 2>"$out.err"; then ok "ocirt features exits 0"; else fail "ocirt features exits 0" "$(cat "$out.err")"; fi
if [ -n "$OCIRT_SCHEMA_DIR" ] && [ -f "$OCIRT_SCHEMA_DIR/features-schema.json" ]; then
        check "valid against features-schema.json" python3 "$OCIRT_TESTS/lib/validate-schema.py" "$OCIRT_SCHEMA_DIR" features-schema.json "$out"
else
        skip "valid against features-schema.json" "no schema directory (OCIRT_SCHEMA_DIR)"
fi
check_eq "ociVersionMax is the spec version" 1.3.0 "$(jq -r .ociVersionMax "$out")"
check_eq "ociVersionMin" 1.0.0 "$(jq -r .ociVersionMin "$out")"
check_eq "all six hooks" "prestart createRuntime createContainer startContainer poststart poststop" "$(jq -r '.hooks | join(" ")' "$out")"
check_eq "all eight namespaces" "cgroup ipc mount network pid time user uts" "$(jq -r '.linux.namespaces | sort | join(" ")' "$out")"
check_eq "rro is a mount option (containerd's RecursiveReadOnlyMounts)" true "$(jq '.mountOptions | index("rro") != null' "$out")"
check_eq "idmap is claimed (mount.c implements idmapped mounts)" true "$(jq '.linux.mountExtensions.idmap.enabled' "$out")"
check_eq "... and the idmap mount option with it" true "$(jq '.mountOptions | index("idmap") != null' "$out")"
check_eq "CAP_SYS_ADMIN is listed" true "$(jq '.linux.capabilities | index("CAP_SYS_ADMIN") != null' "$out")"
check_eq "seccomp is enabled" true "$(jq '.linux.seccomp.enabled' "$out")"
check_eq "supportedFlags is a subset of knownFlags" true "$(jq '(.linux.seccomp.supportedFlags - .linux.seccomp.knownFlags) == []' "$out")"
check_contains "the ocirt version annotation" "$("$OCIRT_BIN" --version | head -n 1 | awk '{print $3}')" "$(jq -r '.annotations["org.opencontainers.ocirt.version"]' "$out")"
check_eq "org.systemd.property. is a potentially unsafe annotation prefix exactly when the systemd driver is built" \
        "$(jq '.linux.cgroup.systemd' "$out")" \
        "$(jq '.potentiallyUnsafeConfigAnnotations | index("org.systemd.property.") != null' "$out")"
# Every mount option it claims is accepted on a real mount.
b=$(new_bundle)
bad=""
for o in $(jq -r '.mountOptions[]' "$out"); do
        # Not on a plain tmpfs: bind options, idmap (needs a bind source), flags the kernel ignores.
        case $o in bind | rbind | remount | idmap | ridmap | iversion | noiversion | mand | nomand | silent | loud) continue ;; esac
        cfg "$b" '.mounts = [.mounts[] | select(.destination != "/mnt")] + [{destination: "/mnt", type: "tmpfs", source: "tmpfs", options: [$o]}]
                  | .process.args = ["true"]' --arg o "$o"
        timeout 10 "$OCIRT_BIN" --root "$STATE_ROOT" run --bundle "$b" "f-$$" >/dev/null 2>"$b/err" </dev/null || bad+=" $o($(head -c 200 "$b/err"))"
        "$OCIRT_BIN" --root "$STATE_ROOT" delete -f "f-$$" >/dev/null 2>&1
done
check_eq "every claimed mount option works on a tmpfs" "" "$bad"
check "features --help" "$OCIRT_BIN" features --help
done_testing
