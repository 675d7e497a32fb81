# Image decoding (PNG via libpng) and preprocessing: mnv3_image, separate from the runtime.
add_library(mnv3_image STATIC image/png_image.cpp image/preprocess.cpp)
target_include_directories(mnv3_image PUBLIC include ../model/include)
target_link_libraries(mnv3_image PUBLIC mnv3_io PRIVATE PNG::PNG)
