# tdpsim/output.h: how every output file is written.
add_executable(test_output unit/test_output.c)
target_link_libraries(test_output PRIVATE tdpsim_static PkgConfig::check)
add_test(NAME unit.outputs_appear_whole_write_through_devices_and_clean_dead_temporaries
         COMMAND test_output)
