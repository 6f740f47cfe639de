# Kernel version profiles (libtdpsim/kvm/profile.c, models/kvm/<version>.ini): the built-in
# profiles and their values per their kernels, profile files and their located errors, the
# kvm setting; and the command line: tdpsim info --profiles, --set kvm=.
find_package(Threads REQUIRED)   # the test races threads to the first parse
add_executable(test_profile unit/test_profile.c)
target_link_libraries(test_profile PRIVATE tdpsim_static tdpsim_internal PkgConfig::check
                      Threads::Threads)
add_test(NAME unit.profiles_load_with_the_reference_values_and_locate_errors_in_files
         COMMAND test_profile)
add_test(NAME cli.profiles_listed_selected_by_kvm_and_unknown_ones_refused
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/unit/profile_cli.sh ${TDPSIM_BIN}
                 ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/profile-cli)
