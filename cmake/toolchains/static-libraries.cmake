# Included after project() by toolchains that link programs statically (CMAKE_PROJECT_INCLUDE):
# find_library and the Find modules (FindPNG, FindZLIB) then pick archives, not shared objects.
set(CMAKE_FIND_LIBRARY_SUFFIXES .a)
