# PNG decoding and preprocessing (mnv3_image). The two photos come from MNV3_IMAGES_DIR in
# the environment, else from the shared data directory next to the checkout.
if (TARGET mnv3_image)
    add_executable(test_image test_image.cpp)
    target_link_libraries(test_image PRIVATE mnv3_image mnv3_catch_main PNG::PNG)
    target_compile_definitions(test_image PRIVATE
                               MNV3_IMAGES_DIR="${PROJECT_SOURCE_DIR}/../shared/data/images"
                               MNV3_TEST_TMP_DIR="${CMAKE_CURRENT_BINARY_DIR}")
    add_test(NAME image COMMAND test_image)
endif ()
