# The code's structure: rules a reader of KVM expects to hold, checked on the source tree.
add_test(NAME structure.tdp_mmu_calls_stay_behind_mmu_c
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/structure/tdp_mmu_calls_stay_behind_mmu_c.sh
          ${PROJECT_SOURCE_DIR})
add_test(NAME structure.tools_use_only_the_public_api
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/structure/tools_use_only_the_public_api.sh
          ${PROJECT_SOURCE_DIR})
add_test(NAME structure.comments_cite_no_documents_outside_the_repository
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/structure/comments_cite_no_documents_outside_the_repository.sh
          ${PROJECT_SOURCE_DIR})
add_test(NAME structure.gen_draws_from_its_own_prng_alone
  COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/structure/gen_draws_from_its_own_prng_alone.sh
          ${PROJECT_SOURCE_DIR})
