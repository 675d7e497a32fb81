# Generator test instances of ssd_extra (tests/generator_cases.cmake: mnv3_generator_case).
#   ssd_extra: in mid out kernel stride height width act padding
macro(_mnv3_ssd_extra name in mid out k s h w act pad)
    mnv3_generator_case(${name} ssd_extra in_c=${in} mid_c=${mid} out_c=${out} kernel=${k} stride=${s}
                        height=${h} width=${w} act=${act} padding=${pad} ${ARGN})
endmacro()

# SSDLite320's four extra blocks (maps 10 -> 5 -> 3 -> 2 -> 1), op by op and fused.
_mnv3_ssd_extra(test_ssd_extra_1_10x10   480 256 512 3 2 10 10 relu6 sym)
_mnv3_ssd_extra(test_ssd_extra_2_5x5     512 128 256 3 2 5 5   relu6 sym fuse=true rows=1)
_mnv3_ssd_extra(test_ssd_extra_3_3x3     256 128 256 3 2 3 3   relu6 sym parallel=false)
_mnv3_ssd_extra(test_ssd_extra_4_2x2     256 64  128 3 2 2 2   relu6 sym fuse=true rows=2)
# Edge cases: odd map under SAME (pad bottom/right), channel counts off the vector width,
# stride 1, another activation, register blocks larger than the map.
_mnv3_ssd_extra(test_ssd_extra_odd_same  40 24 56 3 2 9 7     relu6 same fuse=true rows=2 vec=8)
_mnv3_ssd_extra(test_ssd_extra_s1_hswish 24 20 36 3 1 6 5     hswish sym e_px=20 p_px=20 p_vecs=3)
