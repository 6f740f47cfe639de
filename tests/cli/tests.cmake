# Command-line behaviours; each case of cli/cli.sh is one test named for the behaviour.
set(cli_cases
  help_lists_every_command_and_option
  usage_errors_exit_2_with_a_message
  pinned_setting_ignores_trace_sets_and_reports_once
  json_is_byte_identical_across_runs_and_has_every_part
  json_and_table_say_what_each_auto_setting_became
  a_counter_the_kernel_profile_lacks_is_absent_in_every_output_not_0
  every_stat_is_documented_with_its_kind_in_the_man_page_and_docs
  csv_has_one_row_per_mark_then_final
  csv_rows_carry_the_settings_as_they_stood_at_each_mark
  table_shows_marks_final_and_digest
  table_columns_line_up_for_every_stat
  output_file_appears_complete_and_only_on_success
  output_onto_a_fifo_or_symlink_writes_through_it_and_never_replaces_it
  output_onto_an_input_is_refused_before_anything_runs
  output_in_a_missing_folder_is_refused_before_the_replay
  cannot_write_the_output_is_exit_2_everywhere
  a_hostile_trace_is_refused_at_its_line_with_its_cost
  signals_remove_the_temporary_and_a_killed_run_is_cleaned_next_time
  a_trace_names_only_model_files_beside_it_or_in_a_models_folder
  info_reports_counts_duration_ranges_and_kind
  convert_is_lossless_between_every_encoding
  stdin_is_read_with_dash
  check_mode_replays_the_same
  progress_bar_only_on_a_terminal
  readme_example_compiles_and_runs
  a_cold_2d_walk_reads_24_entries_from_memory_without_caches
  itlb_multihit_machine_check_on_skylake_sp_without_nx
  itlb_multihit_prevented_by_nx_huge_pages
  itlb_multihit_is_harmless_on_zen4)
if(TDPSIM_SANITIZE)
  set(example_flags "-fsanitize=address,undefined")
endif()
foreach(c ${cli_cases})
  add_test(NAME cli.${c}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/cli/cli.sh ${c} ${TDPSIM_BIN} ${PROJECT_SOURCE_DIR}
            ${CMAKE_CURRENT_BINARY_DIR}/cli-${c})
  set_tests_properties(cli.${c} PROPERTIES ENVIRONMENT "SANITIZE_FLAGS=${example_flags}")
endforeach()
