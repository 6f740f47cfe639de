# Check unit tests: one executable per area, linked with the static library and allowed to
# include internal headers (libtdpsim/) to test the pieces behind the API.
foreach(name num clock trace sim streaming)
  add_executable(test_${name} unit/test_${name}.c)
  target_link_libraries(test_${name} PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
endforeach()

add_test(NAME unit.numbers_parse_as_the_trace_format_says COMMAND test_num)
add_test(NAME unit.clock_runs_background_work_in_deterministic_order COMMAND test_clock)
add_test(NAME unit.trace_codecs_parse_report_and_round_trip COMMAND test_trace)
add_test(NAME unit.machine_settings_memslots_marks_digest COMMAND test_sim)
add_test(NAME unit.replaying_50_million_events_keeps_peak_rss_flat COMMAND test_streaming)
set_tests_properties(unit.replaying_50_million_events_keeps_peak_rss_flat PROPERTIES TIMEOUT 1200)

# Areas added later keep their unit tests in a fragment of their own: unit/<area>.cmake.
file(GLOB unit_fragments CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/unit/*.cmake)
list(REMOVE_ITEM unit_fragments ${CMAKE_CURRENT_SOURCE_DIR}/unit/tests.cmake)
foreach(fragment ${unit_fragments})
  include(${fragment})
endforeach()
