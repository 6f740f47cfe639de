# The vCPU TLBs (libtdpsim/tlb): behaviours, and every geometry - the test's own and the
# built-in models - replayed against a deliberately simple reference model.
add_executable(test_tlb unit/test_tlb.c)
target_link_libraries(test_tlb PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
add_test(NAME unit.tlbs_hit_evict_flush_and_multihit_as_a_reference_lru_model_does_for_every_cpu
         COMMAND test_tlb)
set_tests_properties(unit.tlbs_hit_evict_flush_and_multihit_as_a_reference_lru_model_does_for_every_cpu
                     PROPERTIES TIMEOUT 600)

# --check's TLB rule (cpu/vcpu.c): cached translations agree with EPT; a machine built from
# its parts with KVM's flush wired to a switch, to make the missing flush it must catch.
add_executable(test_tlb_check unit/test_tlb_check.c)
target_link_libraries(test_tlb_check PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
add_test(NAME unit.check_finds_tlb_entries_that_outlive_their_ept_mapping COMMAND test_tlb_check)
