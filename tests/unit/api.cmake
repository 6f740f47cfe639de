# The public API as it grows: versions accepted up to the current one, _init() beside every
# _INIT macro, the model sets listed, and what the hooks say about MMUs and roles.
add_executable(test_api unit/test_api.c)
target_link_libraries(test_api PRIVATE tdpsim_static tdpsim_internal PkgConfig::check)
add_test(NAME unit.public_api_versions_models_and_hook_payloads COMMAND test_api)
