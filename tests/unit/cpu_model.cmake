# CPU models (libtdpsim/cpu/model.c, models/cpu/<name>.ini): the built-in models with their
# multihit status and published geometry, model files and their located errors, the cpu
# setting; and the command line: tdpsim info --cpus, --set cpu=.
find_package(Threads REQUIRED)   # the test races threads to the first parse
add_executable(test_cpu_model unit/test_cpu_model.c)
target_link_libraries(test_cpu_model PRIVATE tdpsim_static tdpsim_internal PkgConfig::check
                      Threads::Threads)
# The test reads the built-in files themselves, to check that every value names its source.
target_compile_definitions(test_cpu_model PRIVATE TDPSIM_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
add_test(NAME unit.cpu_models_load_with_published_geometry_and_locate_errors_in_files
         COMMAND test_cpu_model)
add_test(NAME cli.cpu_models_listed_selected_by_cpu_and_unknown_ones_refused
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/unit/cpu_model_cli.sh ${TDPSIM_BIN}
                 ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/cpu-model-cli)
