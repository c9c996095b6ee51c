# Installation: libembert.a, <embert/embert.h>, the CMake package embert
# (find_package(embert) -> embert::embert), the pkg-config file embert.pc and
# the embert tool when it is built (bert-convert installs itself).
#
# libembert.a is static, so its consumers must also link what it links:
# pthreadpool, cpuinfo, XNNPACK (when EMBERT_WITH_XNNPACK), threads, libm and
# the C++ runtime. In the build tree those come from the BUILD_INTERFACE-only
# target embert_deps; the installed package finds them again (embertConfig.cmake)
# or lists them (embert.pc).
include(CMakePackageConfigHelpers)

set(EMBERT_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/embert CACHE STRING
    "Where the CMake package files of embert are installed, relative to the prefix")
mark_as_advanced(EMBERT_INSTALL_CMAKEDIR)

install(TARGETS embert EXPORT embertTargets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
        INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY ${PROJECT_SOURCE_DIR}/sdk/include/embert
        DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        FILES_MATCHING PATTERN "*.h")
install(EXPORT embertTargets
        NAMESPACE embert::
        FILE embertTargets.cmake
        DESTINATION ${EMBERT_INSTALL_CMAKEDIR})

# The C++ runtime a C program needs to link libembert.a.
if(CMAKE_CXX_COMPILER_ID STREQUAL "AppleClang")
  set(EMBERT_CXX_RUNTIME c++)
else()
  set(EMBERT_CXX_RUNTIME stdc++)
endif()

set(embert_package_dir ${PROJECT_BINARY_DIR}/package)
configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/embertConfig.cmake.in
  ${embert_package_dir}/embertConfig.cmake
  INSTALL_DESTINATION ${EMBERT_INSTALL_CMAKEDIR})
write_basic_package_version_file(${embert_package_dir}/embertConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMinorVersion)  # 0.x: minor versions may break the API
install(FILES ${embert_package_dir}/embertConfig.cmake
              ${embert_package_dir}/embertConfigVersion.cmake
        DESTINATION ${EMBERT_INSTALL_CMAKEDIR})

# pkg-config: everything in Libs (not Libs.private) because only the static
# library is installed, so `pkg-config --libs embert` must be enough to link.
# A -L is added for a dependency outside the linker's default directories.
set(EMBERT_PC_LIBS "")
set(EMBERT_PC_LIBDIRS "")
set(embert_pc_dep_libs ${EMBERT_PTHREADPOOL_LIB} ${EMBERT_CPUINFO_LIB})
set(embert_pc_dep_names pthreadpool cpuinfo)
if(EMBERT_WITH_XNNPACK)
  list(PREPEND embert_pc_dep_libs ${EMBERT_XNNPACK_LIB})
  list(PREPEND embert_pc_dep_names XNNPACK)
endif()
foreach(lib IN LISTS embert_pc_dep_libs)
  get_filename_component(dir ${lib} DIRECTORY)
  if(dir AND NOT dir IN_LIST CMAKE_CXX_IMPLICIT_LINK_DIRECTORIES AND NOT dir IN_LIST EMBERT_PC_LIBDIRS)
    list(APPEND EMBERT_PC_LIBDIRS ${dir})
  endif()
endforeach()
foreach(dir IN LISTS EMBERT_PC_LIBDIRS)
  string(APPEND EMBERT_PC_LIBS " -L${dir}")
endforeach()
foreach(name IN LISTS embert_pc_dep_names)
  string(APPEND EMBERT_PC_LIBS " -l${name}")
endforeach()
string(APPEND EMBERT_PC_LIBS " -lpthread -lm -l${EMBERT_CXX_RUNTIME}")
# The .pc file finds its prefix from its own location, so the installation can
# be moved (and `cmake --install --prefix` anywhere works).
if(IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}")
  set(EMBERT_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(EMBERT_PC_LIBDIR "${CMAKE_INSTALL_LIBDIR}")
else()
  file(RELATIVE_PATH embert_pc_up /prefix/${CMAKE_INSTALL_LIBDIR}/pkgconfig /prefix)
  string(REGEX REPLACE "/$" "" embert_pc_up "${embert_pc_up}")
  set(EMBERT_PC_PREFIX "\${pcfiledir}/${embert_pc_up}")
  set(EMBERT_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
endif()
if(IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(EMBERT_PC_INCLUDEDIR "${CMAKE_INSTALL_INCLUDEDIR}")
else()
  set(EMBERT_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()
configure_file(${CMAKE_CURRENT_LIST_DIR}/embert.pc.in ${embert_package_dir}/embert.pc @ONLY)
install(FILES ${embert_package_dir}/embert.pc DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)

# The tools: the embert CLI here; bert-convert installs itself
# (converter/src/tool) when EMBERT_BUILD_CONVERTER is ON.
if(TARGET embert_cli)
  install(TARGETS embert_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()
