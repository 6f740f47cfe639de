# The malformed-trace corpus: one test per line of bad/EXPECTED, each run by bad/run_case.sh
# in a scratch directory of its own so that the cases can run in parallel.
set(bad_src ${CMAKE_CURRENT_SOURCE_DIR}/bad)
set(bad_scratch ${CMAKE_CURRENT_BINARY_DIR}/bad)

# A case added to the manifest gets its test at the next build.
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${bad_src}/EXPECTED)

file(STRINGS ${bad_src}/EXPECTED bad_lines REGEX "^[^#]")
foreach(line IN LISTS bad_lines)
  if(NOT line MATCHES "^([^\t]+)\t([^\t]+)\t([^\t]+)\t")
    message(FATAL_ERROR "tests/bad/EXPECTED: not CASE<tab>KIND<tab>TEST<tab>...: ${line}")
  endif()
  set(case ${CMAKE_MATCH_1})
  set(kind ${CMAKE_MATCH_2})
  set(test bad_input.${CMAKE_MATCH_3})
  add_test(NAME ${test}
           COMMAND bash ${bad_src}/run_case.sh ${TDPSIM_BIN} ${case} ${bad_scratch}/${case})
  set_tests_properties(${test} PROPERTIES LABELS bad TIMEOUT 120)
  # A known hole in the reader: the case documents it and runs once the library is fixed.
  if(kind STREQUAL "bug")
    set_tests_properties(${test} PROPERTIES DISABLED TRUE)
  endif()
endforeach()

add_test(NAME bad_input.manifest_lists_every_case
         COMMAND bash ${bad_src}/run_case.sh --manifest)
set_tests_properties(bad_input.manifest_lists_every_case PROPERTIES LABELS bad)
