# Image decoding (PNG via libpng) and preprocessing: mnv3_image, separate from the runtime.
add_library(mnv3_image STATIC src/png_image.cpp src/preprocess.cpp)
target_include_directories(mnv3_image PUBLIC include)
target_link_libraries(mnv3_image PRIVATE PNG::PNG)
