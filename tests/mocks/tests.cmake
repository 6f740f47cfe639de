# cmocka tests: the exact calls made to hooks and injected models.
add_executable(test_hooks mocks/test_hooks.c)
target_link_libraries(test_hooks PRIVATE tdpsim_static PkgConfig::cmocka)
add_test(NAME mocks.hooks_are_called_once_per_event_and_mark COMMAND test_hooks)
add_executable(test_policy mocks/test_policy.c)
target_link_libraries(test_policy PRIVATE tdpsim_static PkgConfig::cmocka)
add_test(NAME mocks.hugepage_policy_and_mmu_hooks_are_called_as_documented COMMAND test_policy)
add_executable(test_multihit mocks/test_multihit.c)
target_link_libraries(test_multihit PRIVATE tdpsim_static PkgConfig::cmocka)
add_test(NAME mocks.multihit_model_is_called_once_with_both_translations COMMAND test_multihit)
set_tests_properties(mocks.multihit_model_is_called_once_with_both_translations PROPERTIES
  ENVIRONMENT "TDPSIM_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
