# Guest page tables in guest-pt memory and the hardware walker over them (libtdpsim/guest/).
add_executable(test_guest unit/test_guest.c)
target_link_libraries(test_guest PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
add_test(NAME unit.guest_page_tables_map_walk_and_fault_as_x86_does COMMAND test_guest)
