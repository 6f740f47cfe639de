# tdpsim import: recordings in (tests/import/import.sh, one behaviour per case).
set(import_cases
  real_shadow_samples_give_one_fault_per_spte_request
  real_shadow_sample_replays_under_shadow_with_a_notice
  real_shadow_4k_samples_reproduce_the_real_stats_under_shadow
  check_recorded_reports_the_level_agreement
  guest_ptes_of_the_walk_become_guest_maps
  tdp_6_18_format_gives_faults_levels_and_times
  tdp_5_15_format_gives_the_same_trace
  perf_script_text_gives_the_same_trace
  ftrace_prefix_forms_all_parse
  unused_events_are_counted_and_listed
  malformed_line_names_file_and_line_or_is_counted_with_lenient
  layout_file_replaces_the_inferred_slot_and_maps_unmaps
  tracecmd_dat_is_read_with_libtracecmd
  intel_ept_violation_exit_qualification_becomes_kvms_error_code
  scn_scenarios_recorded_on_a_real_kvm_6_1_agree_stat_for_stat
  scn_scenarios_of_the_real_harness_reproduce_every_real_stat
  scn_without_a_summary_builds_the_harness_layout_with_a_mark_per_step
  scn_errors_name_the_file_and_line_or_the_summary_row
  against_real_names_each_stat_that_differs_and_where_first
  tracecmd_dat_of_a_real_kvm_gives_one_fault_per_fault_and_its_stats
  lackey_log_of_a_real_program_gives_fetches_and_exec_faults)
foreach(c ${import_cases})
  add_test(NAME import.${c}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/import/import.sh ${c} ${TDPSIM_BIN} ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/import-${c})
  set_tests_properties(import.${c} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()
# The trace.dat case goes through libtraceevent, which leaks in tep_parse_event: the sanitizer
# build ignores leaks from that library only (LSan suppressions beside this file).
set_tests_properties(import.tracecmd_dat_is_read_with_libtracecmd
  import.tracecmd_dat_of_a_real_kvm_gives_one_fault_per_fault_and_its_stats PROPERTIES ENVIRONMENT
  "LSAN_OPTIONS=suppressions=${CMAKE_CURRENT_SOURCE_DIR}/import/lsan-libtraceevent.supp")

# kvm_drive: a tiny guest on a real /dev/kvm, for the real-KVM case (it skips where there is
# none and no recording under TDPSIM_REAL_KVM_DIR; scripts/kvm-in-tcg.sh makes recordings).
# Linux-only: it needs <linux/kvm.h>.
if(CMAKE_SYSTEM_NAME STREQUAL "Linux" AND EXISTS /usr/include/linux/kvm.h)
  add_executable(kvm_drive realkvm/kvm_drive.c)
endif()
