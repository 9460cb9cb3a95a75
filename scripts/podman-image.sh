#!/usr/bin/env bash
# Builds localhost/podscope-busybox:latest from Debian's busybox-static (no registry is reachable).
# Idempotent: does nothing when the image exists; --force rebuilds. Takes about 1 s.
set -euo pipefail
# shellcheck source=scripts/podman-env.sh
source "$(dirname "${BASH_SOURCE[0]}")/podman-env.sh"

image="$PODSCOPE_TEST_IMAGE"
force=0
[[ "${1:-}" == --force ]] && force=1

if [[ $force == 0 ]] && podman image exists "$image" 2>/dev/null; then
  exit 0
fi

busybox=/bin/busybox
# Debian's busybox-static installs a static /bin/busybox; the dynamic `busybox` package would not
# run inside the image (it has no libc).
ldd_out="$(LC_ALL=C ldd "$busybox" 2>&1 || true)"
if [[ ! -x $busybox || $ldd_out != *"not a dynamic executable"* ]]; then
  echo "podman-image: $busybox is missing or not static; install busybox-static (scripts/setup.sh)" >&2
  exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/podscope-rootfs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
root="$work/rootfs"
mkdir -p "$root"/{bin,dev,etc,proc,sys,tmp,root,run,var/tmp}
chmod 1777 "$root/tmp" "$root/var/tmp"
cp "$busybox" "$root/bin/busybox"
# One symlink per applet (what `busybox --install -s` does, without running it on the host's /).
while read -r applet; do
  [[ -n $applet && $applet != busybox ]] && ln -sf busybox "$root/bin/$applet"
done < <("$busybox" --list)
printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$root/etc/passwd"
printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
printf 'hosts: files dns\n' >"$root/etc/nsswitch.conf"

tar -C "$root" --numeric-owner --owner=0 --group=0 -cf "$work/rootfs.tar" .
podman import --quiet \
  --change 'ENV PATH=/bin' \
  --change 'CMD ["/bin/sh"]' \
  --message 'podscope busybox test image (Debian busybox-static)' \
  "$work/rootfs.tar" "$image" >/dev/null
echo "podman-image: built $image"
