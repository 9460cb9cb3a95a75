#!/usr/bin/env bash
# Compiles every gadgets/<name>/program.bpf.c into build/<name>.bpf.o (BTF kept, DWARF stripped).
# Needs: clang (14+), llvm (llvm-strip), bpftool, libbpf-dev.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p build

VMLINUX_BTF=${VMLINUX_BTF:-/sys/kernel/btf/vmlinux}
# vmlinux.h is generated once; CO-RE relocations make the objects portable across kernels.
if [[ ! -s build/vmlinux.h ]]; then
  bpftool btf dump file "$VMLINUX_BTF" format c > build/vmlinux.h.tmp
  mv build/vmlinux.h.tmp build/vmlinux.h
fi

CLANG=${CLANG:-clang}
STRIP=${LLVM_STRIP:-llvm-strip}
ARCH_INC=/usr/include/$(uname -m)-linux-gnu

status=0
# Gadgets (gadgets/<name>/program.bpf.c → build/<name>.bpf.o) and feature probes (probes/<name>.bpf.c → build/probe_<name>.bpf.o).
for src in gadgets/*/program.bpf.c probes/*.bpf.c; do
  if [[ $src == probes/* ]]; then
    name=probe_$(basename "$src" .bpf.c)
  else
    name=$(basename "$(dirname "$src")")
  fi
  out=build/$name.bpf.o
  # Rebuild only when the program or a shared header changed.
  if [[ -f $out && $out -nt $src && -z $(find gadgets/common "$src" -newer "$out" -print -quit) ]]; then
    continue
  fi
  if "$CLANG" -g -O2 -target bpf -D__TARGET_ARCH_x86 -Wall -Werror \
      -I build -I gadgets/common -I "$ARCH_INC" -c "$src" -o "$out.tmp"; then
    "$STRIP" -g "$out.tmp"
    mv "$out.tmp" "$out"
    echo "built $out"
  else
    rm -f "$out.tmp"
    status=1
  fi
done
exit $status
