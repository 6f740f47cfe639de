# Golden traces: each traces/golden/NAME.tdpt has its expected JSON in NAME.json.
file(GLOB golden_traces ${PROJECT_SOURCE_DIR}/traces/golden/*.tdpt)
foreach(trace ${golden_traces})
  get_filename_component(name ${trace} NAME_WLE)
  add_test(NAME golden.${name}
    COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/scenarios/golden.sh ${TDPSIM_BIN} ${trace}
            ${CMAKE_CURRENT_BINARY_DIR}/golden-${name})
endforeach()
