#!/bin/bash
# SPDX-License-Identifier: MIT
#
# kvm-in-tcg.sh: record a real KVM's kvm/kvmmmu tracepoints on a machine without /dev/kvm.
#
# Why: libtdpsim is checked against real KVM recordings, but a development machine may have
# no hardware virtualization (no /dev/kvm), or only a backend that runs KVM's shadow MMU.
# QEMU's TCG (pure software emulation) emulates AMD SVM including nested paging (NPT), so a
# Debian kernel booted in a TCG machine can load kvm_amd and run a real KVM - with NPT (the
# TDP MMU) or, with kvm_amd npt=0, with the shadow MMU.  Inside it we run
# tests/realkvm/kvm_drive (a tiny guest that touches every 4K page of a data memslot once,
# or, with --scn, runs a real-KVM harness scenario step by step and writes its summary
# table) while the kvm and kvmmmu events are recorded into a private tracefs instance.
#
# Everything is built in a cache directory from Debian packages (apt-get download; nothing
# is installed on the host except, if missing, the tools this script runs):
#   the kernel + modules (linux-image-amd64), busybox-static, trace-cmd and its libraries,
#   an initramfs with a small /init, and kvm_drive built statically with gcc -static.
# The results come back on a second raw virtio disk that the VM writes with tar.
set -eu

usage() {
  cat << EOF
usage: $0 [CACHE_DIR] [options]

Boot Debian's kernel under qemu-system-x86_64 -accel tcg with an emulated AMD CPU that has
SVM and NPT, load kvm + kvm_amd, run kvm_drive while recording the kvm and kvmmmu events,
and copy the results to the host.  CACHE_DIR (default /tmp/kvmvm) keeps the downloads,
the initramfs and the results.

options:
  --npt 0|1            kvm_amd npt= : 1 TDP (nested paging), 0 shadow MMU (default 1)
  --out DIR            where the results go (default CACHE_DIR/out-nptN)
  --data-mib N         kvm_drive --data-mib (default 4)
  --op write|read      kvm_drive --op (default write)
  --guest-ad preset|clear  kvm_drive --guest-ad (default preset)
  --scn FILE           run the harness scenario FILE (docs/import.md, "Real-KVM harness
                       scenarios") instead: kvm_drive --scn, its summary.tsv beside
                       trace.dat (--data-mib and --op are then the scenario's)
  --cpu MODEL          QEMU -cpu (default $default_cpu)
  --timeout SECONDS    bound on the whole QEMU run (default 900)
  -h, --help           this text

makes, in the output directory:
  trace.dat       trace-cmd extract -B of the private instance (kvm + kvmmmu events)
  report.txt      trace-cmd report of that trace.dat, made in the VM
  stats.txt       kvm_drive's output: "# vm"/"# vcpu0" and "name value" KVM stats lines
                  (with --scn, "# step" lines first)
  summary.tsv     with --scn: a row of KVM stats per step, the harness's table, for
                  'tdpsim import --from scn FILE --summary summary.tsv'; scenario.scn
                  a copy of FILE
  kvm_drive.err   kvm_drive's stderr; status.txt its exit status and the VM's steps
  dmesg.txt       the VM's kernel log; params.txt kvm/kvm_amd module parameters
  console.log     the VM's serial console (on the host side)
  layout.tdpt     kvm_drive's memslots and backings, with their real hvas, as tdpsim
                  trace lines (kvm_drive --layout-out), for 'tdpsim import --layout'
                  (tracepoints do not record them)
exit status: 0 when kvm_drive ran and a trace.dat came back, 1 otherwise.
EOF
}

# TCG implements SVM with NPT (and vgif, svme-addr-chk).  nrip-save, decodeassists and
# friends are not implemented by TCG: QEMU would warn and drop them, so they are not asked.
default_cpu="EPYC,+svm,+npt"

cache=/tmp/kvmvm
if [ $# -gt 0 ] && [ "${1#-}" = "$1" ]; then cache=$1; shift; fi
npt=1 out="" data_mib=4 op=write guest_ad=preset cpu=$default_cpu timeout_s=900 scn=""
while [ $# -gt 0 ]; do
  case $1 in
  --npt) npt=${2:?}; shift 2 ;;
  --out) out=${2:?}; shift 2 ;;
  --data-mib) data_mib=${2:?}; shift 2 ;;
  --op) op=${2:?}; shift 2 ;;
  --guest-ad) guest_ad=${2:?}; shift 2 ;;
  --cpu) cpu=${2:?}; shift 2 ;;
  --timeout) timeout_s=${2:?}; shift 2 ;;
  --scn) scn=${2:?}; shift 2 ;;
  -h | --help) usage; exit 0 ;;
  *) usage >&2; exit 2 ;;
  esac
done
case $npt in 0 | 1) ;; *) echo "$0: --npt must be 0 or 1" >&2; exit 2 ;; esac
[ -n "$out" ] || out=$cache/out-npt$npt
if [ -n "$scn" ]; then
  [ -f "$scn" ] || { echo "$0: --scn $scn: no such file" >&2; exit 2; }
  scn=$(cd "$(dirname "$scn")" && pwd)/$(basename "$scn")
fi

here=$(cd "$(dirname "$0")" && pwd)
src=$here/../tests/realkvm/kvm_drive.c
[ -f "$src" ] || { echo "$0: $src not found" >&2; exit 1; }
mkdir -p "$cache" "$out"
cache=$(cd "$cache" && pwd)
out=$(cd "$out" && pwd)
log() { echo "kvm-in-tcg: $*" >&2; }

# ---- host tools (the machine may lack them; Debian names) ----
need=""
command -v qemu-system-x86_64 > /dev/null || need="$need qemu-system-x86"
command -v cpio > /dev/null || need="$need cpio"
command -v gcc > /dev/null || need="$need gcc libc6-dev"
[ -e /usr/include/linux/kvm.h ] || need="$need linux-libc-dev"
if [ -n "$need" ]; then
  log "installing$need"
  timeout 600 apt-get update -qq
  # shellcheck disable=SC2086 # $need is a list of package names
  DEBIAN_FRONTEND=noninteractive timeout 900 apt-get install -y -qq $need > /dev/null
fi

# ---- Debian packages, downloaded and unpacked into the cache (not installed) ----
pkgs=$cache/pkgs
mkdir -p "$pkgs"
kpkg=$(apt-cache depends linux-image-amd64 2> /dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
[ -n "$kpkg" ] || { timeout 600 apt-get update -qq; kpkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}'); }
[ -n "$kpkg" ] || { echo "$0: cannot resolve linux-image-amd64" >&2; exit 1; }
kver=${kpkg#linux-image-}
fetch() { # fetch PKG: download it once and unpack it into $pkgs/PKG
  [ -d "$pkgs/$1" ] && return 0
  ( cd "$pkgs" && rm -f "$1"_*.deb && { timeout 600 apt-get download -qq "$1" 2> /dev/null ||
    { timeout 600 apt-get update -qq && timeout 600 apt-get download -qq "$1"; }; } )
  mkdir -p "$pkgs/$1.tmp"
  dpkg-deb -x "$pkgs/$1"_*.deb "$pkgs/$1.tmp"
  mv "$pkgs/$1.tmp" "$pkgs/$1"
}
for p in "$kpkg" busybox-static trace-cmd libtraceevent1 libtraceevent1-plugin libtracefs1 libzstd1; do fetch "$p"; done
kroot=$pkgs/$kpkg
vmlinuz=$kroot/boot/vmlinuz-$kver
moddir=$kroot/lib/modules/$kver/kernel
[ -f "$vmlinuz" ] || { echo "$0: $vmlinuz missing" >&2; exit 1; }

# ---- this run's own files (kvm_drive, initramfs, results disk): a private directory, so
# that two runs sharing the package cache do not overwrite each other's ----
work=$(mktemp -d "$cache/run.XXXXXX")
qpid=""
# shellcheck disable=SC2317 # called from the trap
cleanup() {
  if [ -n "$qpid" ]; then kill "$qpid" 2> /dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 1' INT TERM HUP

# ---- kvm_drive, static so that the initramfs needs no libc for it ----
gcc -O2 -Wall -Wextra -Werror -std=c11 -static -o "$work/kvm_drive" "$src"

# ---- the scenario's host needs: hugetlb pools for its backing ----
hugepages_2m=0 hugepages_1g=0
if [ -n "$scn" ]; then
  # a scenario's error (file:line) is reported here, before a VM is booted for it
  "$work/kvm_drive" --scn "$scn" --check || exit 2
  # the data slot's size (K/M/G/T suffixes, 0x hex) and backing, to size the pools
  cfg=$(sed 's/#.*//' "$scn" | awk '$1 == "config" { for (i = 2; i <= NF; i++) print $i }')
  mem=$(printf '%s\n' "$cfg" | sed -n 's/^mem=//p')
  backing=$(printf '%s\n' "$cfg" | sed -n 's/^backing=//p')
  mult=1
  case $mem in *[kK]) mult=1024 ;; *[mM]) mult=$((1 << 20)) ;; *[gG]) mult=$((1 << 30)) ;; *[tT]) mult=$((1 << 40)) ;; esac
  mem_bytes=$((${mem%[kKmMgGtT]} * mult))
  case $backing in
  hugetlb) hugepages_2m=$((mem_bytes >> 21)) ;;
  hugetlb1g) hugepages_1g=$((mem_bytes >> 30)) ;;
  esac
fi

# ---- the initramfs ----
rd=$work/initramfs.tmp
mkdir -p "$rd"/{bin,sbin,dev,proc,sys,tmp,out,etc,lib/modules,usr/bin}
cp "$pkgs/busybox-static/bin/busybox" "$rd/bin/busybox"
cp "$work/kvm_drive" "$rd/bin/kvm_drive"
# Modules, in load order (dependencies from each .ko's modinfo "depends=": kvm needs
# irqbypass, kvm-amd needs kvm and ccp; virtio_blk needs the virtio PCI stack).  Debian 12's
# modules are not compressed; .ko.xz/.ko.zst would be unpacked here since busybox insmod
# does not decompress.
mods="virt/lib/irqbypass arch/x86/kvm/kvm drivers/crypto/ccp/ccp arch/x86/kvm/kvm-amd
  drivers/virtio/virtio_ring drivers/virtio/virtio drivers/virtio/virtio_pci_modern_dev
  drivers/virtio/virtio_pci_legacy_dev drivers/virtio/virtio_pci drivers/block/virtio_blk"
for m in $mods; do
  b=$(basename "$m")
  if [ -f "$moddir/$m.ko" ]; then cp "$moddir/$m.ko" "$rd/lib/modules/$b.ko"
  elif [ -f "$moddir/$m.ko.xz" ]; then xz -dc "$moddir/$m.ko.xz" > "$rd/lib/modules/$b.ko"
  elif [ -f "$moddir/$m.ko.zst" ]; then zstd -dqc "$moddir/$m.ko.zst" > "$rd/lib/modules/$b.ko"
  else echo "$0: module $m not found under $moddir" >&2; exit 1; fi
done
# trace-cmd with the shared libraries it resolves to (the unpacked ones first, then the
# host's libc: the host is the same Debian release), and libtraceevent's plugins so that
# 'trace-cmd report' prints the kvm events as an installed trace-cmd would.
tc=$pkgs/trace-cmd/usr/bin/trace-cmd
libpath=$pkgs/libtraceevent1/usr/lib/x86_64-linux-gnu:$pkgs/libtracefs1/usr/lib/x86_64-linux-gnu:$pkgs/libzstd1/usr/lib/x86_64-linux-gnu
cp "$tc" "$rd/usr/bin/trace-cmd"
LD_LIBRARY_PATH=$libpath ldd "$tc" | awk '/=> \// {print $3} /^\t\/lib/ {print $1}' | while read -r lib; do
  dst=$rd/lib/x86_64-linux-gnu/$(basename "$lib")
  case $lib in /lib64/*) dst=$rd$lib ;; esac
  mkdir -p "$(dirname "$dst")"
  cp -L "$lib" "$dst"
done
plug=$pkgs/libtraceevent1-plugin/usr/lib/x86_64-linux-gnu/traceevent/plugins
if [ -d "$plug" ]; then mkdir -p "$rd/usr/lib/x86_64-linux-gnu/traceevent"; cp -r "$plug" "$rd/usr/lib/x86_64-linux-gnu/traceevent/"; fi

drive_args="--guest-ad $guest_ad --timeout $((timeout_s / 2)) --layout-out /out/layout.tdpt"
if [ -n "$scn" ]; then
  cp "$scn" "$rd/etc/scenario.scn"
  drive_args="--scn /etc/scenario.scn --summary /out/summary.tsv $drive_args"
else
  drive_args="--data-mib $data_mib --op $op $drive_args"
fi
cat > "$rd/etc/run.conf" << EOF
NPT=$npt
DRIVE_ARGS="$drive_args"
HUGEPAGES_2M=$hugepages_2m
EOF
cat > "$rd/init" << 'EOF'
#!/bin/busybox sh
# PID 1 of the TCG VM: load KVM, record kvm_drive, write the results to /dev/vda, power off.
/bin/busybox --install -s /bin
export PATH=/bin:/sbin:/usr/bin LD_LIBRARY_PATH=/lib/x86_64-linux-gnu
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
. /etc/run.conf
st=/out/status.txt
step() { echo "$*" >> $st; echo "init: $*" > /dev/console; }
finish() { # write /out to the results disk and power off
  dmesg > /out/dmesg.txt
  for p in /sys/module/kvm/parameters/* /sys/module/kvm_amd/parameters/*; do
    [ -r "$p" ] && echo "$p $(cat "$p" 2> /dev/null)"
  done > /out/params.txt 2> /dev/null
  grep -o -w -E 'svm|npt|nrip_save|vgif|decodeassists' /proc/cpuinfo | sort | uniq -c > /out/cpuflags.txt
  step "writing results"
  (cd /out && tar -cf /dev/vda .) && sync
  echo "init: done" > /dev/console
  poweroff -f
}
step "kernel $(uname -r), npt=$NPT, kvm_drive $DRIVE_ARGS"
for m in irqbypass virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci virtio_blk kvm ccp; do
  insmod /lib/modules/$m.ko || step "insmod $m failed"
done
if ! insmod /lib/modules/kvm-amd.ko npt=$NPT; then step "insmod kvm-amd npt=$NPT failed"; finish; fi
i=0; while [ ! -e /dev/vda ] && [ $i -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
[ -e /dev/kvm ] || { step "no /dev/kvm after loading kvm-amd"; finish; }
step "kvm_amd loaded: npt=$(cat /sys/module/kvm_amd/parameters/npt) tdp_mmu=$(cat /sys/module/kvm/parameters/tdp_mmu 2> /dev/null)"
# The harness's host settings: THP for MADV_HUGEPAGE memory only (backing=thp madvises it,
# backing=4k forbids it), and a 2M hugetlb pool for backing=hugetlb (the 1G pool, for
# hugetlb1g, comes from the kernel command line).  This VM is thrown away afterwards.
thp=/sys/kernel/mm/transparent_hugepage
[ -w $thp/enabled ] && echo madvise > $thp/enabled
[ "$HUGEPAGES_2M" -gt 0 ] && echo "$HUGEPAGES_2M" > /proc/sys/vm/nr_hugepages
h1g=/sys/kernel/mm/hugepages/hugepages-1048576kB/nr_hugepages
step "thp $(cat $thp/enabled 2> /dev/null); defrag $(cat $thp/defrag 2> /dev/null); nr_hugepages $(cat /proc/sys/vm/nr_hugepages) (asked $HUGEPAGES_2M); 1G pages $(cat $h1g 2> /dev/null)"
mount -t tracefs nodev /sys/kernel/tracing
inst=/sys/kernel/tracing/instances/kvmtcg
mkdir $inst
echo 65536 > $inst/buffer_size_kb
echo 1 > $inst/events/kvm/enable
echo 1 > $inst/events/kvmmmu/enable
echo 1 > $inst/tracing_on
step "running kvm_drive"
# --marker: each step's start and end in the trace, as ftrace print events
/bin/kvm_drive $DRIVE_ARGS --marker $inst/trace_marker > /out/stats.txt 2> /out/kvm_drive.err
rc=$?
echo 0 > $inst/tracing_on
step "kvm_drive exit $rc"
echo "kvm_drive_rc=$rc" >> $st
cd /out
trace-cmd extract -B kvmtcg -o /out/trace.dat > /out/extract.log 2>&1 || step "trace-cmd extract failed"
trace-cmd report /out/trace.dat > /out/report.txt 2> /out/report.err || step "trace-cmd report failed"
step "report: $(grep -c ': kvm' /out/report.txt) kvm/kvmmmu lines"
finish
EOF
chmod +x "$rd/init"
(cd "$rd" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initramfs.gz"
rm -rf "$rd"

# ---- boot ----
# A fresh results disk each run; the VM writes a tar archive at its start.
img=$work/results.img
truncate -s 256M "$img"
rm -f "$out"/{trace.dat,report.txt,stats.txt,kvm_drive.err,status.txt,dmesg.txt,params.txt,extract.log,report.err,cpuflags.txt,summary.tsv,layout.tdpt,scenario.scn}
# 2G for the VM's kernel, initramfs and the guest's memory; with a 1G hugetlb pool, reserved
# at boot (free 1G ranges can seldom be found later), 4G and 2G per page: with 3G the one
# 1G range above 4G was not free at boot.
mem_gib=$((hugepages_1g ? 4 + 2 * hugepages_1g : 2))
append="console=ttyS0 panic=-1 quiet loglevel=4"
[ "$hugepages_1g" -eq 0 ] || append="$append hugepagesz=1G hugepages=$hugepages_1g"
log "booting: -cpu $cpu, npt=$npt${scn:+, scenario $scn} (TCG: a minute or more)"
start=$(date +%s)
# -smp 1: one vCPU is enough and keeps TCG to one host thread beside other work.
timeout -k 10 "$timeout_s" qemu-system-x86_64 -accel tcg -machine q35 -cpu "$cpu" -smp 1 -m "${mem_gib}G" \
  -nographic -no-reboot \
  -kernel "$vmlinuz" -initrd "$work/initramfs.gz" \
  -append "$append" \
  -drive "file=$img,format=raw,if=virtio" \
  < /dev/null > "$out/console.log" 2>&1 &
qpid=$!
qrc=0
wait "$qpid" || qrc=$?
qpid=""
log "QEMU exited with status $qrc after $(($(date +%s) - start))s"
[ "$qrc" -ne 124 ] || log "QEMU timed out after ${timeout_s}s: see $out/console.log"

# ---- results ----
# layout.tdpt (kvm_drive's memory as the importer cannot see it in the tracepoints) comes
# from kvm_drive itself, with the hvas it really had.
tar -xf "$img" -C "$out" 2> /dev/null || log "no results archive on the disk (see $out/console.log)"
[ -z "$scn" ] || cp "$scn" "$out/scenario.scn"
[ -f "$out/status.txt" ] && sed 's/^/  vm: /' "$out/status.txt" >&2
if [ -s "$out/trace.dat" ] && grep -q '^kvm_drive_rc=0$' "$out/status.txt" 2> /dev/null &&
  { [ -z "$scn" ] || [ -s "$out/summary.tsv" ]; }; then
  log "results in $out"
  exit 0
fi
log "failed: see $out/status.txt, $out/dmesg.txt, $out/kvm_drive.err, $out/console.log"
exit 1
