# Unit tests of the host address space (libtdpsim/host/): backings, faultin, zero pages and
# their COW break, THP and hugetlb, frames, host_pfn_mapping_level, host-table memory, and
# the VMM's own changes: madvise (dontneed, pageout, collapse, hugepage, nohugepage) and
# munmap, with their MMU-notifier rounds.
add_executable(test_host unit/test_host.c)
target_link_libraries(test_host PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
add_test(NAME unit.host_maps_hvas_through_zero_pages_thp_and_hugetlb COMMAND test_host)
