# Fuzz harnesses (fuzz/*.c).  Every build runs each harness once over its seeds and the
# regressions (inputs a fuzzer found, kept in fuzz/regressions/<harness>/) through a plain
# main() (fuzz/standalone.c), so the sanitizer build checks them too.  With
# -DTDPSIM_FUZZ=ON and clang, each is also a libFuzzer target, and a smoke run of a fixed
# number of inputs from a fixed seed is a test (label fuzz); AFL++ builds the same files with
# afl-clang-fast -fsanitize=fuzzer.  docs/fuzzing.md says how to run them for long.
set(fuzz_src ${CMAKE_CURRENT_SOURCE_DIR}/fuzz)
set(fuzz_seeds_trace ${PROJECT_SOURCE_DIR}/traces/examples ${PROJECT_SOURCE_DIR}/traces/golden
    ${CMAKE_CURRENT_SOURCE_DIR}/bad/cases)
set(fuzz_seeds_replay ${fuzz_seeds_trace})
set(fuzz_seeds_profile ${PROJECT_SOURCE_DIR}/models/kvm)
set(fuzz_seeds_cpu_model ${PROJECT_SOURCE_DIR}/models/cpu)
set(fuzz_seeds_import_ftrace ${CMAKE_CURRENT_SOURCE_DIR}/import/samples)
set(fuzz_seeds_import_perf ${CMAKE_CURRENT_SOURCE_DIR}/import/samples)
set(fuzz_seeds_import_lackey ${fuzz_src}/seeds/lackey)

find_program(SETARCH setarch) # util-linux
set(fuzz_no_aslr "")
if(SETARCH)
  set(fuzz_no_aslr ${SETARCH} -R)
endif()

foreach(h trace replay profile cpu_model import_ftrace import_perf import_lackey)
  set(seeds "")
  foreach(d ${fuzz_seeds_${h}})
    if(EXISTS ${d})
      list(APPEND seeds ${d})
    endif()
  endforeach()
  if(EXISTS ${fuzz_src}/regressions/${h})
    list(APPEND seeds ${fuzz_src}/regressions/${h})
  endif()
  add_executable(fuzz_${h} fuzz/fuzz_${h}.c fuzz/standalone.c)
  target_link_libraries(fuzz_${h} PRIVATE tdpsim_static tdpsim_internal)
  target_compile_definitions(fuzz_${h} PRIVATE _GNU_SOURCE) # memfd_create
  add_test(NAME fuzz.${h}_harness_takes_its_seeds_and_regressions COMMAND fuzz_${h} ${seeds})
  if(TDPSIM_FUZZ)
    add_executable(libfuzzer_${h} fuzz/fuzz_${h}.c)
    target_link_libraries(libfuzzer_${h} PRIVATE tdpsim_static tdpsim_internal)
    target_compile_definitions(libfuzzer_${h} PRIVATE _GNU_SOURCE)
    target_link_options(libfuzzer_${h} PRIVATE -fsanitize=fuzzer)
    set(work ${CMAKE_CURRENT_BINARY_DIR}/fuzz-${h}-corpus)
    file(MAKE_DIRECTORY ${work})
    # The seeds as one sorted list of files, not as directories: libFuzzer takes a
    # directory's files in readdir order, which differs from one file system to another,
    # and with it the whole run.  From a list the run is the same on every machine.
    set(seed_files "")
    foreach(d ${seeds})
      file(GLOB_RECURSE in_dir LIST_DIRECTORIES false ${d}/*)
      list(APPEND seed_files ${in_dir})
    endforeach()
    list(SORT seed_files)
    string(REPLACE ";" "," seed_list "${seed_files}")
    set(seed_list_file ${CMAKE_CURRENT_BINARY_DIR}/fuzz-${h}-seeds.txt)
    file(WRITE ${seed_list_file} "${seed_list}")
    # A fixed number of runs from a fixed seed, never a time: the same work on any machine
    # (its new inputs go to an empty directory on a fresh build), and without address space
    # randomisation, whose pointers would otherwise enter the dictionary of compared values.
    add_test(NAME fuzz.${h}_libfuzzer_smoke_run
      COMMAND ${fuzz_no_aslr} $<TARGET_FILE:libfuzzer_${h}> -runs=${TDPSIM_FUZZ_RUNS} -seed=1 -max_len=8192 -rss_limit_mb=4096
              -timeout=600 -seed_inputs=@${seed_list_file} ${work})
    set_tests_properties(fuzz.${h}_libfuzzer_smoke_run PROPERTIES LABELS fuzz TIMEOUT 1800)
  endif()
endforeach()
