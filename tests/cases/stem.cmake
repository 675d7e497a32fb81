# Generator test instances of stem (tests/generator_cases.cmake: mnv3_generator_case).
#   stem: in out kernel stride height width act padding
macro(_mnv3_stem name in out k s h w act pad)
    mnv3_generator_case(${name} stem in_c=${in} out_c=${out} kernel=${k} stride=${s}
                        height=${h} width=${w} act=${act} padding=${pad} ${ARGN})
endmacro()

# ---- stem -------------------------------------------------------------------------------
_mnv3_stem(test_stem_224_sym       3 16 3 2 224 224 hswish sym  px=4 parallel=true)
_mnv3_stem(test_stem_224_same_relu 3 16 3 2 224 224 relu   same px=8 parallel=false)
# 15 rows x 13 columns; 24 channels (one full vector + a shifted tail); px=5 does not divide 7.
_mnv3_stem(test_stem_odd_sym       3 24 3 2 15 13   hswish sym  px=5 vec=8)
# 7 rows x 9 columns under SAME (pad bottom/right); 8 channels; px=16 wider than a 5-pixel row.
_mnv3_stem(test_stem_odd_same      3 8  3 2 7 9     relu   same px=16 parallel=false)
_mnv3_stem(test_stem_k5_same_odd   3 40 5 2 17 16   hswish same px=3)

# ---- float import of quantized models: every stage clamped to a runtime range -----------
_mnv3_stem(test_stem_clamps_same      3 16 3 2 32 30 hswish same clamps=true)
