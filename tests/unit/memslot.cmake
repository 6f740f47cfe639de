# KVM's memslot metadata: lpage_info / disallow_lpage.
add_executable(test_memslot unit/test_memslot.c)
target_link_libraries(test_memslot PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
add_test(NAME unit.memslot_lpage_info_follows_alignment_congruence_and_tracking
         COMMAND test_memslot)
