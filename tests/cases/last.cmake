# Generator test instances of last (tests/generator_cases.cmake: mnv3_generator_case).
#   last: in exp head classes height width act head_act
macro(_mnv3_last name in exp head classes h w act head_act)
    mnv3_generator_case(${name} last in_c=${in} exp_c=${exp} head_c=${head} classes=${classes}
                        height=${h} width=${w} act=${act} head_act=${head_act} ${ARGN})
endmacro()


# ---- last stage -------------------------------------------------------------------------
_mnv3_last(test_last_large_1000   160 960 1280 1000 7 7 hswish hswish e_vecs=2 e_px=7 fc_vecs=4)
_mnv3_last(test_last_small_1001   96 576 1024 1001 7 7 hswish hswish fc_vecs=2)
_mnv3_last(test_last_min_relu     160 960 1280 1001 7 7 relu relu parallel=false)
_mnv3_last(test_last_075_3x3      72 432 768 1000 3 3 hswish relu e_px=16)
_mnv3_last(test_last_tiny_mixed   24 88 72 10 3 5 relu hswish e_px=20 fc_vecs=1 vec=8)

# ---- float import of quantized models: every stage clamped to a runtime range -----------
_mnv3_last(test_last_clamps_1001      96 576 1024 1001 7 7 hswish hswish clamps=true)
