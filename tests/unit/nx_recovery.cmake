# KVM's NX huge page recovery worker on the simulated clock, and nx_huge_pages=never.
add_executable(test_nx_recovery unit/test_nx_recovery.c)
target_link_libraries(test_nx_recovery PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
add_test(NAME unit.nx_recovery_worker_runs_as_kvm_schedules_it COMMAND test_nx_recovery)
