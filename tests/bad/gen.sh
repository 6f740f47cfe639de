#!/bin/bash
# gen.sh CASE OUT: write the generated malformed trace CASE to OUT.
# gen.sh --list: the names of the cases made here.
#
# Binary, large and random cases are made at test time rather than committed: the bytes are
# spelled out below with the offsets the expected messages name.  Everything is deterministic
# (a fixed-seed generator, gzip -n), so the expected messages can be exact.
set -eu

if [ "${1-}" = --list ]; then
	# The case labels below, one per line: the manifest test checks each is in EXPECTED.
	sed -n 's/^[[:space:]]*\([a-z0-9][a-z0-9.-]*\))$/\1/p' "$0"
	exit 0
fi
[ $# -eq 2 ] || { echo "usage: gen.sh CASE OUT | --list" >&2; exit 2; }
name=$1
out=$2

# The 8-byte binary header: magic "TDPB\r\n\x1a" and version 1 (still read).
hdr() { printf 'TDPB\r\n\032\001'; }
# A compact access (vcpu 0, read, cpl 3), gva 0x1000 past the previous one: 3 bytes.
acc() { printf '\200\200\100'; }
# N bytes of a Park-Miller generator (x = x * 16807 mod 2^31-1; exact in any awk's doubles,
# so every awk gives the same bytes, unlike srand/rand).
lcg() {
	LC_ALL=C awk -v n="$1" -v x="$2" 'BEGIN {
		for (i = 0; i < n; i++) {
			x = (x * 16807) % 2147483647
			printf "%c", int(x / 65536) % 256
		}
	}'
}
# N copies of the byte C, quickly (the 10 MB line).
rep() { head -c "$1" /dev/zero | tr '\0' "$2"; }
# 1000 valid lines, to be gzip'd and then damaged.
lines() {
	printf 'tdpsim-trace 1\n'
	awk 'BEGIN { for (i = 0; i < 1000; i++) printf "access vcpu=0 gva=0x%x op=r\n", i * 4096 }'
}

{
	case $name in
	# ---- text ----
	empty.tdpt)
		: ;;
	nul-byte.tdpt)
		printf 'tdpsim-trace 1\nmark label=a\nmark label=a\000b\n' ;;
	long-line-10mb.tdpt)
		printf 'tdpsim-trace 1\nmark label='; rep 10485760 a; printf '\n' ;;
	long-line-after-longest-allowed.tdpt)
		# Line 2 is 65535 bytes (fits whichever way the limit is read), line 3 is 65537.
		printf 'tdpsim-trace 1\n#'; rep 65534 c; printf '\n#'; rep 65536 c; printf '\n' ;;
	long-last-line-without-newline.tdpt)
		printf 'tdpsim-trace 1\n'; rep 100000 x ;;
	label-too-long.tdpt)
		printf 'tdpsim-trace 1\nmark label='; rep 4096 a; printf '\n' ;;
	too-many-set-pairs.tdpt)
		printf 'tdpsim-trace 1\nset'; printf ' key%d=1' $(seq 65)
		printf '\n' ;;
	random-bytes.dat)
		lcg 4096 7654321 ;;

	# ---- binary ----
	binary-bad-version.tdpb)
		printf 'TDPB\r\n\032\006\000\000' ;;
	binary-truncated-header.tdpb)
		printf 'TDPB\r\n\032' ;;
	binary-bad-magic.tdpb)
		printf 'TDPX\r\n\032\001\000\000' ;;
	binary-header-only.tdpb)
		hdr ;;
	binary-missing-end.tdpb)
		hdr; acc; acc ;;                         # the end record would be at byte 14
	binary-wrong-count.tdpb)
		hdr; acc; acc; printf '\000\003' ;;      # end record at 14 claims 3 records
	binary-truncated-record.tdpb)
		# memslot at byte 11: tag 2, slot 0, gpa +0, then size cut inside its varint.
		hdr; acc; printf '\002\000\000\200\200' ;;
	binary-truncated-string.tdpb)
		hdr; printf '\022\012abc' ;;             # mark, label of 10 bytes, 3 given
	binary-unknown-tag.tdpb)
		hdr; acc; printf '\030\000\000\002' ;;   # tag 24 = TDPSIM_CMD__COUNT, at byte 11
	binary-v1-with-a-v2-record.tdpb)
		hdr; acc; printf '\025\000\000\002' ;;   # tag 21 = l2-exit (version 2), at byte 11
	binary-data-after-end.tdpb)
		hdr; acc; printf '\000\001x' ;;          # end record at 11, then a stray byte
	binary-malformed-varint.tdpb)
		# A compact access whose gva varint runs past 64 bits.
		hdr; printf '\200\377\377\377\377\377\377\377\377\377\377\001\000\001' ;;
	binary-compact-op3.tdpb)
		hdr; printf '\203\000\000\001' ;;
	binary-string-too-long.tdpb)
		hdr; printf '\022\210\047' ;;            # mark label of 5000 bytes
	binary-control-char.tdpb)
		hdr; acc; printf '\022\003a\007b\000\002' ;;
	binary-vcpu-above-max.tdpb)
		hdr; printf '\006\210\047\000\000\003\000\001' ;;  # generic access, vcpu=5000
	binary-u32-overflow.tdpb)
		hdr; printf '\006\200\200\200\200\020\000\000\003\000\001' ;;  # vcpu=2^32
	binary-gpa-above-2-52.tdpb)
		# memslot: slot 0, gpa delta zigzag(2^52), size 4K, hva 0, flags 0.
		hdr; printf '\002\000\200\200\200\200\200\200\200\020\200\040\000\000\000\001' ;;
	binary-hva-wraps-below-zero.tdpb)
		# backing: hva delta -1 from 0 wraps to 2^64-1.
		hdr; printf '\003\001\200\040\000\000\000\001' ;;
	binary-non-canonical-gva.tdpb)
		hdr; printf '\200\200\200\200\200\200\200\200\200\004\000\001' ;;  # gva 2^57
	binary-bad-presence-flag.tdpb)
		hdr; printf '\010\000\000\002' ;;        # fault: vcpu 0, gpa 0, gva presence 2
	binary-set-empty-key.tdpb)
		hdr; printf '\001\000\001\061\000\001' ;;
	binary-vcpu-beyond-vcpus.tdpb)
		# set vcpus=2 (bytes 8..16), then an access by vcpu 2 at byte 17.
		hdr; printf '\001\005vcpus\001\062\220\000\000\002' ;;
	random-binary-body.tdpb)
		# The seed is one whose first record decodes, so the range checks see it.
		hdr; lcg 4096 142542013 ;;

	# ---- binary: values the text form cannot hold (see EXPECTED: bug) ----
	binary-enum-out-of-range.tdpb)
		# guest-map gva 0 gpa 0 size 2M page=0 (text words start at 1) prot rwx.
		hdr; printf '\005\000\000\200\200\200\001\000\007\000\000\000\000\001' ;;
	binary-op-out-of-range.tdpb)
		hdr; printf '\006\000\000\011\003\000\001' ;;     # generic access, op=9
	binary-prot-without-r.tdpb)
		hdr; printf '\005\000\000\200\200\200\001\001\002\000\000\000\000\001' ;;
	binary-set-key-not-a-name.tdpb)
		hdr; printf '\001\003a b\001\061\000\001' ;;      # set "a b"=1
	binary-memslot-unknown-flag.tdpb)
		# memslot 0, gpa 0, size 4K, hva 0x7f0000000000, flags=4 (no such flag).
		hdr; printf '\002\000\000\200\040\200\200\200\200\200\300\077\004\000\001' ;;

	# ---- gzip ----
	gzip-truncated.tdpt.gz)
		lines | gzip -n -c > "$out.full"
		head -c $(($(wc -c < "$out.full") / 2)) "$out.full"; rm -f "$out.full" ;;
	gzip-bad-crc.tdpt.gz)
		# The CRC is the first 4 of the last 8 bytes: flip its first byte.
		lines | gzip -n -c > "$out.full"; n=$(wc -c < "$out.full")
		head -c $((n - 8)) "$out.full"
		head -c $((n - 7)) "$out.full" | tail -c 1 | LC_ALL=C tr '\000-\377' '\001-\377\000'
		tail -c 7 "$out.full"; rm -f "$out.full" ;;
	gzip-trailing-garbage.tdpt.gz)
		# A whole member, then bytes that are not another one.
		lines | gzip -n -c; printf 'not gzip' ;;
	gzip-trailing-zeros.tdpt.gz)
		lines | gzip -n -c; printf '\000\000\000\000' ;;
	gzip-second-member-bad-crc.tdpt.gz)
		# A good member, then one whose CRC (the first of its last 8 bytes) is flipped.
		lines | gzip -n -c
		printf 'mark label=z\n' | gzip -n -c > "$out.full"; n=$(wc -c < "$out.full")
		head -c $((n - 8)) "$out.full"
		head -c $((n - 7)) "$out.full" | tail -c 1 | LC_ALL=C tr '\000-\377' '\001-\377\000'
		tail -c 7 "$out.full"; rm -f "$out.full" ;;
	gzip-second-member-bad-length.tdpt.gz)
		# The same, with its ISIZE (the last 4 bytes) one too many.
		lines | gzip -n -c
		printf 'mark label=z\n' | gzip -n -c > "$out.full"; n=$(wc -c < "$out.full")
		head -c $((n - 4)) "$out.full"; printf '\016\000\000\000'; rm -f "$out.full" ;;
	gzip-second-member-cut.tdpt.gz)
		lines | gzip -n -c
		printf 'mark label=z\n' | gzip -n -c > "$out.full"
		head -c 15 "$out.full"; rm -f "$out.full" ;;
	gzip-text-error.tdpt.gz)
		printf 'tdpsim-trace 1\nmark label=a\nmark label=b colour=red\n' | gzip -n -c ;;
	gzip-binary-error.tdpb.gz)
		{ hdr; acc; acc; printf '\000\003'; } | gzip -n -c ;;
	*)
		echo "gen.sh: no case '$name'" >&2; exit 2 ;;
	esac
} > "$out"
