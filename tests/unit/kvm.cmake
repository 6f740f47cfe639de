# Unit tests of KVM's TDP fault path (libtdpsim/kvm/): the hugepage decisions - host level x
# memslot alignment x dirty logging x fault kind x NX x the table at the goal level - as a
# table of rows derived from KVM's rules (mmu.c, tdp_mmu.c), plus single decisions by name.
add_executable(test_kvm_decisions unit/test_kvm_decisions.c)
target_link_libraries(test_kvm_decisions PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
add_test(NAME unit.kvm_hugepage_decisions_follow_kvms_rules COMMAND test_kvm_decisions)
set_tests_properties(unit.kvm_hugepage_decisions_follow_kvms_rules PROPERTIES
  ENVIRONMENT "CK_EXCLUDE_TAGS=dirty_log_toggle")
# Dirty logging's on/off (x86.c kvm_mmu_slot_apply_flags): eager split or
# write-protection when logging starts, huge pages recovered when it stops.
add_test(NAME unit.kvm_dirty_log_on_splits_and_off_recovers_huge_pages
  COMMAND test_kvm_decisions)
set_tests_properties(unit.kvm_dirty_log_on_splits_and_off_recovers_huge_pages
  PROPERTIES ENVIRONMENT "CK_INCLUDE_TAGS=dirty_log_toggle")
# The shadow MMU (mmu=shadow): KVM's walk of the guest's tables and --check's shadow rules.
add_executable(test_shadow unit/test_shadow.c)
target_link_libraries(test_shadow PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
add_test(NAME unit.shadow_mmu_walk_and_check_rules COMMAND test_shadow)
# Nested eager page splitting's split caches: top-ups, what a split takes, freed at log off.
add_executable(test_nested_split unit/test_nested_split.c)
target_link_libraries(test_nested_split PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
add_test(NAME unit.nested_split_caches_fill_drain_and_free_as_kvms COMMAND test_nested_split)
