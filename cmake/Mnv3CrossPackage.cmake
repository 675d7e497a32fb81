# The installable package of a cross build (`cmake --install <build> --prefix <dir>`;
# docs/arm.md): included by the top-level CMakeLists.txt after runtime/.
#
#   lib/libmnv3_layers.a           every AOT-compiled layer and the Halide runtime, one archive
#   include/mnv3/*.h               the public headers
#   lib/cmake/mnv3/mnv3Config.cmake   find_package(mnv3): targets mnv3::runtime and friends
# and, for Linux targets, the runtime's own static libraries (lib/libmnv3_runtime.a, ...);
# for Android targets (no NDK here), the runtime as sources instead (share/mnv3/src/, with
# the generated layer registry and headers), which the consumer's NDK build compiles.

set(_layers_archive "${CMAKE_BINARY_DIR}/libmnv3_layers.a")
get_target_property(_layer_libs mnv3_layers INTERFACE_LINK_LIBRARIES)
set(_archives ${_layer_libs} ${MNV3_LAYERS_RUNTIME})
set(_mri "CREATE ${_layers_archive}\n")
foreach (_lib IN LISTS _archives)
    string(APPEND _mri "ADDLIB $<TARGET_FILE:${_lib}>\n")
endforeach ()
string(APPEND _mri "SAVE\nEND\n")
file(GENERATE OUTPUT "${CMAKE_BINARY_DIR}/mnv3_layers.mri" CONTENT "${_mri}")
set(_archive_files "")
foreach (_lib IN LISTS _archives)
    list(APPEND _archive_files "$<TARGET_FILE:${_lib}>")
endforeach ()
# GNU ar's MRI script: one archive holding every member of the per-layer archives.
add_custom_command(OUTPUT "${_layers_archive}"
                   COMMAND ${CMAKE_COMMAND} -E rm -f "${_layers_archive}"
                   COMMAND sh -c "\"${CMAKE_AR}\" -M < \"${CMAKE_BINARY_DIR}/mnv3_layers.mri\""
                   DEPENDS ${_archive_files} "${CMAKE_BINARY_DIR}/mnv3_layers.mri"
                   COMMENT "Merging the layer archives into libmnv3_layers.a"
                   VERBATIM)
add_custom_target(mnv3_layers_archive ALL DEPENDS "${_layers_archive}")
add_dependencies(mnv3_layers_archive ${_archives})

# What the package records about itself (mnv3Config.cmake.in).
if (MNV3_RESOLVED_TARGET MATCHES "-android")
    set(MNV3_PACKAGE_SOURCES ON)
    set(MNV3_PACKAGE_SYSTEM_LIBS "log;dl;m")
else ()
    set(MNV3_PACKAGE_SOURCES "")
    set(MNV3_PACKAGE_SYSTEM_LIBS "${CMAKE_DL_LIBS};m")
endif ()
configure_file("${PROJECT_SOURCE_DIR}/cmake/mnv3Config.cmake.in"
               "${CMAKE_BINARY_DIR}/mnv3Config.cmake" @ONLY)
include(CMakePackageConfigHelpers)
write_basic_package_version_file("${CMAKE_BINARY_DIR}/mnv3ConfigVersion.cmake" VERSION 0.1
                                 COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)

install(FILES "${_layers_archive}" DESTINATION lib)
install(FILES "${CMAKE_BINARY_DIR}/mnv3Config.cmake" "${CMAKE_BINARY_DIR}/mnv3ConfigVersion.cmake"
        DESTINATION lib/cmake/mnv3)

# Public headers: the model description's and the runtime's, in one include/mnv3.
set(_public_headers "${PROJECT_SOURCE_DIR}/model/include/mnv3" "${PROJECT_SOURCE_DIR}/runtime/include/mnv3")
if (MNV3_PACKAGE_SOURCES)
    # The model store (downloads with curl) is not part of the Android package.
    install(DIRECTORY ${_public_headers} DESTINATION include REGEX "/(model_store|sha256)\\.h$" EXCLUDE)
    # The sources in the tree's own layout under share/mnv3/src (relative includes such as
    # "bneck/bneck.h" keep working), plus the generated tables and the layer registry.
    set(_dst share/mnv3/src)
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/model/src/" DESTINATION ${_dst}/model FILES_MATCHING PATTERN "*.cpp")
    install(FILES "${CMAKE_BINARY_DIR}/model/kind_table.cpp" DESTINATION ${_dst}/model)
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/generators/" DESTINATION ${_dst}/generators
            FILES_MATCHING PATTERN "*_kind.cpp" PATTERN "*_tflite.cpp" PATTERN "*.h" PATTERN "common.h" EXCLUDE)
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/runtime/core/" DESTINATION ${_dst}/runtime/core)
    install(FILES "${CMAKE_BINARY_DIR}/layers/registry.cpp" DESTINATION ${_dst}/runtime/core)
    install(DIRECTORY "${PROJECT_SOURCE_DIR}/runtime/import/" DESTINATION ${_dst}/runtime/import
            FILES_MATCHING PATTERN "*.cpp" PATTERN "*.h")
    install(FILES "${CMAKE_BINARY_DIR}/runtime/tflite_hooks.cpp" DESTINATION ${_dst}/runtime/import)
    install(FILES "${PROJECT_SOURCE_DIR}/runtime/image/preprocess.cpp" DESTINATION ${_dst}/runtime/image)
    install(FILES "${PROJECT_SOURCE_DIR}/runtime/io/input_file.cpp" DESTINATION ${_dst}/runtime/io)
    install(FILES "${PROJECT_SOURCE_DIR}/runtime/classifier/classifier.cpp" "${PROJECT_SOURCE_DIR}/runtime/classifier/labels.cpp"
            DESTINATION ${_dst}/runtime/classifier)
    set(_headers "")
    foreach (_lib IN LISTS _layer_libs)
        list(APPEND _headers "${CMAKE_BINARY_DIR}/layers/${_lib}.h")
    endforeach ()
    get_target_property(_halide_inc Halide::Runtime INTERFACE_INCLUDE_DIRECTORIES)
    install(FILES ${_headers} "${_halide_inc}/HalideRuntime.h" "${_halide_inc}/HalideBuffer.h"
            DESTINATION ${_dst}/halide)
else ()
    install(DIRECTORY ${_public_headers} DESTINATION include)
    set(_libs mnv3_io mnv3_model mnv3_runtime mnv3_tflite mnv3_tflite_import mnv3_image mnv3_models mnv3_classifier)
    install(TARGETS ${_libs} ARCHIVE DESTINATION lib)
endif ()
