#!/bin/bash
# Comments cite KVM's and Linux's source (file and function), the vendors' manuals and the
# publications themselves - never documents outside the repository (issue 9): no "reference
# 1.5", "reference section 8", "§4.8", "anchors 4.1", kvm-mmu.md, anchors.md, DESIGN.md or
# real-kvm.md in the code, the tests, the models or the benchmarks' sources.  $1: the tree.
set -eu
cd "$1"
self=tests/structure/comments_cite_no_documents_outside_the_repository.sh
pattern='[Rr]eference [0-9]|[Rr]eference section|[Rr]ef\.? [0-9]+\.[0-9]|§ ?[0-9]'
pattern+='|kvm-mmu\.md|[Aa]nchors [0-9]|anchors\.md|anchors, section|DESIGN\.md|real-kvm\.md'
pattern+='|shared/reference'
files=$(find libtdpsim include tools tests models -type f ! -path "$self"; ls bench/*.c)
found=$(grep -nHE "$pattern" $files || true)
if [ -n "$found" ]; then
	echo "citations of documents outside the repository (cite the kernel's file and function,"
	echo "the manual or the publication, or a page of docs/):"
	printf '%s\n' "$found"
	exit 1
fi
echo "no comment cites a document outside the repository"
