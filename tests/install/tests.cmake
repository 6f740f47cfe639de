# Installation: `cmake --install` into a scratch prefix inside the build tree, then consumers
# built out of tree against that copy (pkg-config and find_package), the exported symbols,
# the man page, and the message naming a missing Debian package.
set(TDPSIM_INSTALL_DIR ${CMAKE_CURRENT_BINARY_DIR}/install)
set(TDPSIM_INSTALL_SRC ${CMAKE_CURRENT_SOURCE_DIR}/install)

# Installing into a scratch prefix needs install directories relative to the prefix.
foreach(dir LIBDIR INCLUDEDIR BINDIR MANDIR)
  if(IS_ABSOLUTE "${CMAKE_INSTALL_${dir}}")
    message(STATUS "install tests skipped: CMAKE_INSTALL_${dir} is an absolute path")
    return()
  endif()
endforeach()

# A sanitized libtdpsim needs consumers compiled and linked with the same sanitizers.
set(TDPSIM_CONSUMER_FLAGS "")
if(TDPSIM_SANITIZE)
  set(TDPSIM_CONSUMER_FLAGS
      "-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer")
endif()

# What every script gets: where things are, which tools, whether the build is sanitized.
set(TDPSIM_INSTALL_ENV
  TDPSIM_PREFIX=${TDPSIM_INSTALL_DIR}/prefix
  TDPSIM_WORK=${TDPSIM_INSTALL_DIR}
  TDPSIM_LIBDIR=${CMAKE_INSTALL_LIBDIR}
  TDPSIM_INCLUDEDIR=${CMAKE_INSTALL_INCLUDEDIR}
  TDPSIM_BINDIR=${CMAKE_INSTALL_BINDIR}
  TDPSIM_MANDIR=${CMAKE_INSTALL_MANDIR}
  TDPSIM_DATADIR=${CMAKE_INSTALL_DATADIR}
  TDPSIM_VERSION=${PROJECT_VERSION}
  TDPSIM_SOURCE_DIR=${PROJECT_SOURCE_DIR}
  TDPSIM_SANITIZE=${TDPSIM_SANITIZE}
  TDPSIM_CONSUMER_FLAGS=${TDPSIM_CONSUMER_FLAGS}
  TDPSIM_CC=${CMAKE_C_COMPILER}
  TDPSIM_CMAKE=${CMAKE_COMMAND}
  TDPSIM_GENERATOR=${CMAKE_GENERATOR}
  TDPSIM_MAKE_PROGRAM=${CMAKE_MAKE_PROGRAM}
  TDPSIM_CONSUMER_SRC=${TDPSIM_INSTALL_SRC}/consumer)

function(tdpsim_install_test name script)
  add_test(NAME ${name} COMMAND bash ${TDPSIM_INSTALL_SRC}/${script} ${ARGN})
  set_tests_properties(${name} PROPERTIES ENVIRONMENT "${TDPSIM_INSTALL_ENV}" TIMEOUT 60
                       SKIP_RETURN_CODE 77)
endfunction()

# The fixture: a fresh install of this build; checks that every part landed.
tdpsim_install_test(install.installs_libraries_headers_package_files_program_and_man_page
  install_prefix.sh ${CMAKE_BINARY_DIR} $<CONFIG>)
set_tests_properties(install.installs_libraries_headers_package_files_program_and_man_page
  PROPERTIES FIXTURES_SETUP tdpsim_installed)

tdpsim_install_test(install.consumer_builds_with_pkg_config consumer_pkg_config.sh)
tdpsim_install_test(install.consumer_builds_with_cmake_find_package
  consumer_cmake.sh tdpsim::tdpsim)
tdpsim_install_test(install.static_consumer_builds_with_cmake_find_package
  consumer_cmake.sh tdpsim::tdpsim_static)
tdpsim_install_test(install.man_page_installed_and_renders man_page.sh)
tdpsim_install_test(install.consumer_of_0_1_headers_links_and_runs consumer_of_0_1_headers.sh
  ${PROJECT_SOURCE_DIR}/traces/golden/version-6.1-gets-huge-pages-back-on-refault.tdpt)
set_tests_properties(install.consumer_builds_with_pkg_config
  install.consumer_builds_with_cmake_find_package
  install.static_consumer_builds_with_cmake_find_package
  install.man_page_installed_and_renders
  install.consumer_of_0_1_headers_links_and_runs
  PROPERTIES FIXTURES_REQUIRED tdpsim_installed)

tdpsim_install_test(install.shared_library_exports_only_tdpsim_symbols
  exports.sh $<TARGET_FILE:tdpsim_shared> ${PROJECT_SOURCE_DIR}/include/tdpsim)

tdpsim_install_test(build.missing_dependency_names_the_debian_package missing_dependency.sh)
