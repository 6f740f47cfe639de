# Unit tests of the host's THP rules (libtdpsim/host/thp.c, vma.c): which VMA a backing kind
# or QEMU backend is, when a fault may map a 2M page (enabled, shmem_enabled, mounts'
# huge=), the fragmentation draws with direct compaction, and their counters.
add_executable(test_thp unit/test_thp.c)
target_link_libraries(test_thp PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
add_test(NAME unit.host_thp_follows_the_sysfs_knobs_and_qemu_backends COMMAND test_thp)
