# The researcher's commands: timelines (the sampling API and replay --timeline), tdpsim plot
# (gnuplot), tdpsim compare.  Each case of research/research.sh is one test named for the
# behaviour; the cases needing gnuplot are skipped (77) where it is missing.
add_executable(test_timeline research/test_timeline.c)
target_link_libraries(test_timeline PRIVATE tdpsim_static PkgConfig::check)
add_test(NAME research.sampling_api_boundaries_samples_and_errors COMMAND test_timeline)

set(research_cases
  timeline_has_a_row_per_interval_inside_a_sweep
  timeline_per_interval_counts_sum_to_the_final_stats
  timeline_by_simulated_time_steps_through_an_advance
  timeline_by_events_counts_events
  timeline_mark_column_is_the_mark_in_force
  timeline_leaves_the_replay_unchanged
  timeline_columns_are_the_documented_ones
  interval_takes_units_and_rejects_anything_else
  compare_output_is_identical_for_j1_and_j4
  compare_columns_are_the_single_replays_in_policy_order
  compare_ratio_is_each_value_over_the_first
  compare_stats_chooses_the_rows
  compare_rejects_bad_policies_with_a_message
  compare_reports_a_failing_policy_by_name
  plot_every_kind_makes_a_well_formed_png_and_svg
  plot_keep_script_reruns_in_gnuplot
  plot_marks_become_labelled_vertical_lines
  plot_without_gnuplot_says_how_to_install_it
  plot_rejects_what_is_not_a_timeline
  replay_plot_draws_the_overview
  compare_plots_ratios_and_pressure
  readme_quick_start_compare_runs
  help_of_compare_and_plot_has_an_example
  man_page_documents_compare_plot_and_timelines)
foreach(c ${research_cases})
  add_test(NAME research.${c}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/research/research.sh ${c} ${TDPSIM_BIN}
            ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/research-${c})
  set_tests_properties(research.${c} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()

# tdpsim gen: its arithmetic (the PRNG, the zipfian's powers), then research/gen.sh, one
# behaviour per case.
add_executable(test_gen_rng research/test_gen_rng.c ${PROJECT_SOURCE_DIR}/tools/tdpsim/gen_rng.c)
target_include_directories(test_gen_rng PRIVATE ${PROJECT_SOURCE_DIR}/tools/tdpsim)
target_link_libraries(test_gen_rng PRIVATE tdpsim_static PkgConfig::check m)
set_source_files_properties(${PROJECT_SOURCE_DIR}/tools/tdpsim/gen_rng.c
  PROPERTIES COMPILE_OPTIONS -ffp-contract=off)
add_test(NAME research.gen_prng_streams_ranges_and_powers COMMAND test_gen_rng)
set(gen_cases
  same_seed_and_options_give_byte_identical_traces
  different_seeds_give_different_traces
  every_workload_replays_cleanly_also_under_check
  every_encoding_replays_to_the_same_digest
  sequential_sweeps_each_vcpus_share_once_a_pass
  zipfian_hottest_item_takes_its_share
  pointer_chase_visits_every_node_once_a_lap
  jit_under_forced_nx_huge_pages_takes_exec_faults_and_splits
  migration_dirties_pages_and_recovers_huge_pages
  boot_mixes_kernel_and_user_code_and_data
  vcpus_ticks_and_settings_go_into_the_trace
  bad_workloads_and_values_exit_2_with_a_message
  help_documents_every_workload_with_an_example
  man_page_and_docs_document_gen)
foreach(c ${gen_cases})
  add_test(NAME research.gen_${c}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/research/gen.sh ${c} ${TDPSIM_BIN}
            ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/gen-${c})
  set_tests_properties(research.gen_${c} PROPERTIES SKIP_RETURN_CODE 77)
endforeach()

# tdpsim grid: research/grid.sh, one behaviour per case; GNU parallel's and Slurm's cases are
# skipped (77) where those are missing or Slurm cannot start.
set(grid_cases
  csv_has_a_row_per_cell_and_mark_equal_to_single_replays
  grid_file_and_command_line_give_the_same_csv
  output_is_identical_for_j1_and_j4
  finished_cells_are_not_run_again
  a_changed_trace_or_setting_runs_its_cells_anew
  list_shows_every_cell_done_or_todo
  gnu_parallel_runs_the_job_list_to_the_local_csv
  slurm_job_array_runs_the_grid_to_the_local_csv
  more_cells_than_slurm_tasks_share_the_tasks
  machine_check_cells_are_marked_and_exit_3
  a_failing_cell_is_named_and_the_others_are_kept
  bad_grids_are_refused_with_a_message
  policies_and_fixed_settings_make_the_cells
  help_has_examples_and_the_man_page_documents_grid)
foreach(c ${grid_cases})
  add_test(NAME research.grid_${c}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/research/grid.sh ${c} ${TDPSIM_BIN}
            ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/grid-${c})
  set_tests_properties(research.grid_${c} PROPERTIES SKIP_RETURN_CODE 77 TIMEOUT 600)
endforeach()
# One single-node Slurm at a time (it binds ports and runs daemons).
# Its waits (two minutes for the node, five for the array) fit inside its own time limit.
set_tests_properties(research.grid_slurm_job_array_runs_the_grid_to_the_local_csv PROPERTIES
  RUN_SERIAL TRUE TIMEOUT 1200)
