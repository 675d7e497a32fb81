# Generator test instances of bneck (tests/generator_cases.cmake: mnv3_generator_case).
#   bneck: in exp out se kernel stride dilation height width act padding
macro(_mnv3_bneck name in exp out se k s d h w act pad)
    mnv3_generator_case(${name} bneck in_c=${in} exp_c=${exp} out_c=${out} se_c=${se}
                        kernel=${k} stride=${s} dilation=${d} height=${h} width=${w}
                        act=${act} padding=${pad} ${ARGN})
endmacro()

# The schedule the shipped x86 schedule files use for every layer, spelled out so the zoo
# instances below test it regardless of the schedule files' future contents.
set(_zoo_bneck fuse=true rows=2 e_vecs=2 e_px=6 p_vecs=2 p_px=6 parallel=true)

# ---- bneck: the model zoo's combinations (exact zoo shapes) ------------------------------
# MobileNetV3-Large 1.0: no expand + residual; stride 2 on an even map; residual with 72 wide;
# k5 stride 2 with SE; k5 residual with SE; h-swish stride 2; 184 wide; SE non-residual;
# k5 stride 2 h-swish SE; 7x7 residual SE 240.
_mnv3_bneck(test_bneck_L1_noexp_res    16 16  16  0   3 1 1 112 112 relu sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_L2_s2_even      16 64  24  0   3 2 1 112 112 relu sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_L3_res_e72      24 72  24  0   3 1 1 56 56   relu sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_L4_k5_s2_se24   24 72  40  24  5 2 1 56 56   relu sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_L5_k5_res_se32  40 120 40  32  5 1 1 28 28   relu sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_L7_s2_hswish    40 240 80  0   3 2 1 28 28   hswish sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_L9_e184_res     80 184 80  0   3 1 1 14 14   hswish sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_L11_se120       80 480 112 120 3 1 1 14 14   hswish sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_L13_k5_s2_se168 112 672 160 168 5 2 1 14 14 hswish sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_L14_7x7_se240   160 960 160 240 5 1 1 7 7    hswish sym ${_zoo_bneck})
# MobileNetV3-Small 1.0: no expand with SE 8 (narrower than a vector) at stride 2, both
# paddings; 88 wide; k5 stride 2 SAME with SE; SE 40 non-residual.
_mnv3_bneck(test_bneck_S1_noexp_se8_s2      16 16 16 8  3 2 1 112 112 relu sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_S1_noexp_se8_s2_same 16 16 16 8  3 2 1 112 112 relu same ${_zoo_bneck})
_mnv3_bneck(test_bneck_S3_res_e88           24 88 24 0  3 1 1 28 28   relu sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_S4_k5_s2_same_se24   24 96 40 24 5 2 1 28 28   hswish same ${_zoo_bneck})
_mnv3_bneck(test_bneck_S8_k5_res_se40       48 144 48 40 5 1 1 14 14  hswish sym ${_zoo_bneck})
# Width 0.75: 88 / 120 channels, SE 88 and 184.
_mnv3_bneck(test_bneck_075_se88             64 360 88 88 3 1 1 14 14  hswish sym ${_zoo_bneck})
_mnv3_bneck(test_bneck_075_7x7_se184        120 720 120 184 5 1 1 7 7 hswish sym ${_zoo_bneck})
# Large-minimalistic, SAME: ReLU, k3, no SE, stride 2 on an even map.
_mnv3_bneck(test_bneck_min_s2_same          112 672 160 0 3 2 1 14 14 relu same ${_zoo_bneck})
# Resolution 96: the last stage runs on 3x3 maps (k5 window wider than the map).
_mnv3_bneck(test_bneck_3x3_k5_se144         96 576 96 144 5 1 1 3 3   hswish sym ${_zoo_bneck})

# ---- bneck: edge cases and schedule knobs -----------------------------------------------
# Stride 2 on odd maps (15 rows x 13 columns, 7 x 9) under both paddings, k3 and k5, every
# schedule path: op by op, fused without SE (rows 1, 2, 3), fused with SE.
_mnv3_bneck(test_bneck_odd_s2_sym_k3_unfused  24 72 40 0 3 2 1 15 13 relu sym
            fuse=false parallel=false)
_mnv3_bneck(test_bneck_odd_s2_same_k3_rows1   24 72 40 0 3 2 1 15 13 relu same
            fuse=true rows=1)
_mnv3_bneck(test_bneck_odd_s2_sym_k5_se_rows3 40 120 48 32 5 2 1 7 9 hswish sym
            fuse=true rows=3)
_mnv3_bneck(test_bneck_odd_s2_same_k5_se_unfused 40 120 48 32 5 2 1 7 9 hswish same
            fuse=false)
_mnv3_bneck(test_bneck_even_s2_same_k5_rows3  40 184 88 0 5 2 1 14 14 relu same
            fuse=true rows=3 p_vecs=4)
_mnv3_bneck(test_bneck_odd_s1_k5_rows2_serial 40 120 40 0 5 1 1 15 13 hswish same
            fuse=true rows=2 parallel=false)
# Dilation 2: the LR-ASPP tail (k5, stride 1, SE, residual) on an odd map; k3 dilated with
# SAME at stride 2; k3 dilated fused residual.
_mnv3_bneck(test_bneck_dil2_k5_se_res         160 960 160 240 5 1 2 9 11 hswish sym)
_mnv3_bneck(test_bneck_dil2_k3_s2_same        24 72 40 0 3 2 2 11 10 relu same fuse=false)
_mnv3_bneck(test_bneck_dil2_k3_res_fused      24 72 24 0 3 1 2 13 15 hswish sym fuse=true rows=2)
# No expand (exp_c == in_c): with SE, stride 1, residual, fused; without SE, k5, stride 2,
# op by op.
_mnv3_bneck(test_bneck_noexp_se8_res_fused    24 24 24 8 3 1 1 9 7 hswish sym
            fuse=true rows=2 vec=4)
_mnv3_bneck(test_bneck_noexp_k5_s2_unfused    16 16 24 0 5 2 1 13 15 relu sym fuse=false)
# Register blocks larger than a row / than the whole map, 4 vectors of outputs.
_mnv3_bneck(test_bneck_bigblocks_fused        40 184 40 0 3 1 1 7 9 hswish sym
            fuse=true rows=2 e_vecs=4 e_px=20 p_vecs=4 p_px=20)
_mnv3_bneck(test_bneck_bigblocks_unfused_se   96 576 96 144 5 1 1 7 7 hswish sym
            fuse=false e_vecs=4 e_px=64 p_vecs=4 p_px=64)
_mnv3_bneck(test_bneck_bigblocks_se_rows3     24 88 24 24 3 1 1 9 7 relu same
            fuse=true rows=3 e_px=13 p_px=11 p_vecs=4 vec=8 parallel=false)
# Tiny map: 3x3 input, k5 stride 2 SAME (window wider than the map, 2x2 output).
_mnv3_bneck(test_bneck_3x3_k5_s2_same         16 48 24 0 5 2 1 3 3 relu same fuse=true rows=3)

# ---- float import of quantized models: every stage clamped to a runtime range -----------
_mnv3_bneck(test_bneck_clamps_se_res  40 240 40 64 5 1 1 14 14 hswish same clamps=true fuse=false)
_mnv3_bneck(test_bneck_clamps_se_s2   16 16 16 8 3 2 1 28 28 relu same clamps=true)
_mnv3_bneck(test_bneck_clamps_fused   24 88 24 0 3 1 1 28 28 relu same clamps=true fuse=true rows=2)
_mnv3_bneck(test_bneck_clamps_s2      16 72 24 0 3 2 1 30 30 hswish same clamps=true)
