// Tests of the reference itself, on hand-computed cases: if the reference were wrong in the
// same way as a generator, the generator tests could not notice.
#include "reference.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace mnv3ref;

TEST_CASE("reference: conv geometry, both padding conventions", "[reference]") {
    struct Row {
        int in, k, s, d;
        Padding pad;
        int out, before, after;
    };
    // Worked by hand from the spec formulas.
    const Row rows[] = {
        {224, 3, 2, 1, Padding::Symmetric, 112, 1, 0},  // (224+2-3)/2+1; last window ends at 223
        {224, 3, 2, 1, Padding::Same, 112, 0, 1},       // total (111*2+3-224)=1 -> 0 before
        {15, 3, 2, 1, Padding::Symmetric, 8, 1, 1},     // (15+2-3)/2+1 = 8
        {15, 3, 2, 1, Padding::Same, 8, 1, 1},          // total 14+3-15 = 2
        {14, 5, 2, 1, Padding::Symmetric, 7, 2, 1},     // (14+4-5)/2+1 = 7
        {14, 5, 2, 1, Padding::Same, 7, 1, 2},          // total 12+5-14 = 3
        {13, 5, 2, 1, Padding::Same, 7, 2, 2},          // total 12+5-13 = 4
        {7, 5, 1, 2, Padding::Symmetric, 7, 4, 4},      // dilated span 9
        {7, 5, 1, 2, Padding::Same, 7, 4, 4},
        {11, 3, 2, 2, Padding::Same, 6, 2, 2},          // total 10+5-11 = 4
        {10, 3, 2, 2, Padding::Same, 5, 1, 2},          // total 8+5-10 = 3
        {3, 5, 2, 1, Padding::Same, 2, 2, 2},           // total 2+5-3 = 4
        {3, 5, 2, 1, Padding::Symmetric, 2, 2, 2},      // (3+4-5)/2+1 = 2
        {7, 3, 1, 1, Padding::Symmetric, 7, 1, 1},
    };
    for (const Row &r : rows) {
        INFO("in " << r.in << " k " << r.k << " s " << r.s << " d " << r.d << " "
                   << (r.pad == Padding::Same ? "same" : "sym"));
        const ConvGeometry g = conv_geometry(r.in, r.k, r.s, r.d, r.pad);
        CHECK(g.out == r.out);
        CHECK(g.pad_before == r.before);
        CHECK(g.pad_after == r.after);
    }
}

TEST_CASE("reference: activations", "[reference]") {
    CHECK(relu(-2.0) == 0.0);
    CHECK(relu(1.5) == 1.5);
    CHECK(hsigmoid(0.0) == Approx(0.5));
    CHECK(hsigmoid(-3.0) == 0.0);
    CHECK(hsigmoid(-4.0) == 0.0);
    CHECK(hsigmoid(3.0) == 1.0);
    CHECK(hsigmoid(10.0) == 1.0);
    CHECK(hswish(-3.0) == 0.0);
    CHECK(hswish(-5.0) == 0.0);
    CHECK(hswish(3.0) == 3.0);
    CHECK(hswish(7.0) == 7.0);
    CHECK(hswish(1.0) == Approx(4.0 / 6.0));
    CHECK(hswish(-1.0) == Approx(-2.0 / 6.0));
    CHECK(activate(-1.0, Act::None) == -1.0);
    CHECK(parse_act("hswish") == Act::HSwish);
    CHECK(parse_padding("same") == Padding::Same);
    CHECK_THROWS(parse_act("gelu"));
}

TEST_CASE("reference: conv2d orientation, padding, stride, dilation", "[reference]") {
    // Impulse at (y=1, x=2) of a 4x5 map; kernel w[ky][kx] = 10*ky + kx. Cross-correlation
    // with pad 1: out(y, x) = w[1 + 1 - y][2 + 1 - x] where that tap exists.
    Tensor3 in(4, 5, 1);
    in.at(1, 2, 0) = 1.0f;
    Tensor4 w(1, 1, 3, 3);
    for (int ky = 0; ky < 3; ky++)
        for (int kx = 0; kx < 3; kx++) w.at(0, 0, ky, kx) = 10.0f * ky + kx;
    const Tensor3 o = conv2d(in, w, {}, 1, 1, 1, 1, 1, 4, 5);
    CHECK(o.at(0, 1, 0) == 22.0f);
    CHECK(o.at(1, 2, 0) == 11.0f);
    CHECK(o.at(2, 3, 0) == 0.0f);
    CHECK(o.at(2, 1, 0) == 2.0f);
    CHECK(o.at(0, 3, 0) == 20.0f);
    CHECK(o.at(3, 3, 0) == 0.0f);  // impulse out of the window

    // Stride 2, pad_top 0, pad_left 1: out(y, x) reads rows 2y..2y+2, cols 2x-1..2x+1.
    // out(0, 1) covers rows 0..2, cols 1..3: the impulse is at tap ky=1, kx=1.
    const Tensor3 s = conv2d(in, w, {0.5f}, 2, 1, 1, 0, 1, 2, 3);
    CHECK(s.at(0, 1, 0) == 11.5f);
    CHECK(s.at(0, 0, 0) == 0.5f);
    CHECK(s.at(1, 1, 0) == 0.5f);  // rows 2..4 miss the impulse

    // Dilation 2, pad 2: out(y, x) taps rows y-2, y, y+2 and cols x-2, x, x+2.
    const Tensor3 d = conv2d(in, w, {}, 1, 2, 1, 2, 2, 4, 5);
    CHECK(d.at(3, 4, 0) == 0.0f);  // taps rows 1,3,5 cols 2,4,6: (1,2) is ky=0,kx=0 -> 0
    CHECK(d.at(3, 0, 0) == 2.0f);  // rows 1,3,5 cols -2,0,2: (1,2) is ky=0, kx=2
    CHECK(d.at(1, 2, 0) == 11.0f);
    CHECK(d.at(1, 1, 0) == 0.0f);  // cols -1, 1, 3 miss the impulse column
    CHECK(d.at(3, 2, 0) == 1.0f);  // ky=0 (row 1), kx=1 (col 2)
}

TEST_CASE("reference: dense channel order and depthwise groups", "[reference]") {
    // 1x1 conv, w[o][i] = 10*o + i + 1, input channels (1, 100).
    Tensor3 in(1, 1, 2);
    in.at(0, 0, 0) = 1.0f;
    in.at(0, 0, 1) = 100.0f;
    Tensor4 w(3, 2, 1, 1);
    for (int o = 0; o < 3; o++)
        for (int i = 0; i < 2; i++) w.at(o, i, 0, 0) = 10.0f * o + i + 1;
    const Tensor3 p = pointwise(in, w, {0.0f, 0.0f, -1000.0f}, Act::ReLU);
    CHECK(p.at(0, 0, 0) == 1.0f + 200.0f);   // 1*1 + 2*100
    CHECK(p.at(0, 0, 1) == 11.0f + 1200.0f); // 11*1 + 12*100
    CHECK(p.at(0, 0, 2) == 1221.0f);          // relu(21*1 + 22*100 - 1000)

    // Depthwise: channel c only sees channel c.
    Tensor3 x(3, 3, 2);
    x.at(1, 1, 0) = 1.0f;
    x.at(1, 1, 1) = 2.0f;
    Tensor4 dw(2, 1, 3, 3);
    dw.at(0, 0, 1, 1) = 3.0f;
    dw.at(1, 0, 0, 0) = 5.0f;
    const Tensor3 y = conv2d(x, dw, {}, 1, 1, 2, 1, 1, 3, 3);
    CHECK(y.at(1, 1, 0) == 3.0f);
    CHECK(y.at(1, 1, 1) == 0.0f);
    CHECK(y.at(2, 2, 1) == 10.0f);  // tap (0,0) of out (2,2) is input (1,1)
    CHECK(y.at(2, 2, 0) == 0.0f);
    CHECK_THROWS(conv2d(x, dw, {}, 1, 1, 1, 1, 1, 3, 3));  // groups 1 needs w.i == 2
}

TEST_CASE("reference: squeeze-excite, pooling, linear", "[reference]") {
    Tensor3 x(2, 2, 2);
    for (int y = 0; y < 2; y++)
        for (int xx = 0; xx < 2; xx++) {
            x.at(y, xx, 0) = 1.0f;
            x.at(y, xx, 1) = 2.0f;
        }
    x.at(0, 0, 0) = 3.0f;  // channel 0 mean = 1.5
    const std::vector<float> pooled = global_avg_pool(x);
    CHECK(pooled[0] == 1.5f);
    CHECK(pooled[1] == 2.0f);
    // z = relu(1.5 + 2 - 1) = 2.5; gate0 = hsigmoid(2.5) = 5.5/6, gate1 = hsigmoid(-2.5) = 0.5/6.
    Tensor4 w1(1, 2, 1, 1, 1.0f);
    Tensor4 w2(2, 1, 1, 1);
    w2.at(0, 0, 0, 0) = 1.0f;
    w2.at(1, 0, 0, 0) = -1.0f;
    const Tensor3 s = squeeze_excite(x, w1, {-1.0f}, w2, {0.0f, 0.0f});
    CHECK(s.at(0, 0, 0) == Approx(3.0 * 5.5 / 6));
    CHECK(s.at(1, 1, 0) == Approx(1.0 * 5.5 / 6));
    CHECK(s.at(1, 0, 1) == Approx(2.0 * 0.5 / 6));

    const std::vector<float> l = linear({1.0f, -2.0f}, Tensor4(1, 2, 1, 1, 1.0f), {0.5f}, Act::None);
    CHECK(l[0] == -0.5f);
}

TEST_CASE("reference: bneck residual rule", "[reference]") {
    BneckParams p;
    p.in_c = p.out_c = 8;
    p.exp_c = 16;
    p.height = 5, p.width = 5;
    Rng rng(1);
    const Tensor3 in = random_tensor(5, 5, 8, rng);
    BneckWeights w = random_bneck_weights(p, rng);
    std::fill(w.proj_w.v.begin(), w.proj_w.v.end(), 0.0f);
    std::fill(w.proj_b.begin(), w.proj_b.end(), 0.0f);
    CHECK(bneck(p, w, in).v == in.v);  // stride 1, in == out: identity plus zero
    p.stride = 2;
    const Tensor3 s2 = bneck(p, w, in);
    CHECK(s2.h == 3);
    CHECK(s2.w == 3);
    for (float v : s2.v) CHECK(v == 0.0f);  // no residual at stride 2
}

TEST_CASE("reference: generator layouts", "[reference]") {
    Tensor4 pw(3, 2, 1, 1);
    for (int o = 0; o < 3; o++)
        for (int i = 0; i < 2; i++) pw.at(o, i, 0, 0) = 10.0f * o + i;
    const Packed a = pack_pointwise(pw);
    CHECK(a.extents == std::vector<int>{3, 2});
    CHECK(a.v == std::vector<float>{0, 10, 20, 1, 11, 21});  // (co, ci), co innermost

    Tensor4 dw(2, 1, 3, 3);
    for (int c = 0; c < 2; c++)
        for (int ky = 0; ky < 3; ky++)
            for (int kx = 0; kx < 3; kx++) dw.at(c, 0, ky, kx) = 100.0f * c + 10.0f * ky + kx;
    const Packed b = pack_depthwise(dw);
    CHECK(b.extents == std::vector<int>{2, 3, 3});
    CHECK(b.v[0] == 0.0f);
    CHECK(b.v[1] == 100.0f);    // c = 1, kx = 0, ky = 0
    CHECK(b.v[2] == 1.0f);      // c = 0, kx = 1
    CHECK(b.v[2 * 3] == 10.0f); // c = 0, ky = 1
    CHECK(b.v[2 * 3 * 2 + 2 * 1 + 1] == 121.0f);  // c = 1, kx = 1, ky = 2

    Tensor4 st(2, 3, 3, 3);
    for (int o = 0; o < 2; o++)
        for (int i = 0; i < 3; i++)
            for (int ky = 0; ky < 3; ky++)
                for (int kx = 0; kx < 3; kx++) st.at(o, i, ky, kx) = 1000.0f * o + 100.0f * i + 10.0f * ky + kx;
    const Packed c = pack_stem(st);
    CHECK(c.extents == std::vector<int>{2, 3, 3, 3});
    // (co, ci, kx, ky): index co + 2 * (ci + 3 * (kx + 3 * ky))
    CHECK(c.v[1 + 2 * (2 + 3 * (1 + 3 * 2))] == 1000.0f + 200.0f + 20.0f + 1.0f);

    Tensor3 t(2, 3, 4);
    const Packed d = pack_activations(t);
    CHECK(d.extents == std::vector<int>{4, 6});
    const Packed e = pack_image(t);
    CHECK(e.extents == std::vector<int>{4, 3, 2});
    CHECK(placeholder(2).extents == std::vector<int>{1, 1});
}

TEST_CASE("reference: random weights exercise both sides of the activations", "[reference]") {
    // Pre-activations of an expand conv and of the depthwise after it: a good share below 0,
    // above 0, below -3 and above 3, so ReLU and both h-swish knees are exercised.
    BneckParams p;
    p.in_c = 40, p.exp_c = 120, p.out_c = 40, p.kernel = 5, p.height = 14, p.width = 14;
    Rng rng(7);
    const Tensor3 in = random_tensor(p.height, p.width, p.in_c, rng);
    const BneckWeights w = random_bneck_weights(p, rng);
    auto shares = [](const Tensor3 &t, double lo, double hi) {
        size_t below = 0, above = 0;
        for (float v : t.v) below += v < lo, above += v > hi;
        return std::make_pair(double(below) / t.size(), double(above) / t.size());
    };
    const Tensor3 pre = pointwise(in, w.expand_w, w.expand_b, Act::None);
    auto s0 = shares(pre, 0.0, 0.0), s3 = shares(pre, -3.0, 3.0);
    INFO("expand: <0 " << s0.first << " >0 " << s0.second << " <-3 " << s3.first << " >3 " << s3.second);
    CHECK(s0.first > 0.3);
    CHECK(s0.second > 0.3);
    CHECK(s3.first > 0.02);
    CHECK(s3.second > 0.02);
    const Tensor3 act = activate(pre, Act::HSwish);
    const ConvGeometry g = conv_geometry(14, 5, 1, 1, Padding::Symmetric);
    const Tensor3 dw = conv2d(act, w.dw_w, w.dw_b, 1, 1, p.exp_c, g.pad_before, g.pad_before, g.out, g.out);
    auto d0 = shares(dw, 0.0, 0.0), d3 = shares(dw, -3.0, 3.0);
    INFO("depthwise: <0 " << d0.first << " >0 " << d0.second << " <-3 " << d3.first << " >3 " << d3.second);
    CHECK(d0.first > 0.2);
    CHECK(d0.second > 0.2);
    CHECK(d3.first + d3.second > 0.02);
}

TEST_CASE("reference: comparison", "[reference]") {
    const std::vector<float> want = {0.0f, 1.0f, -100.0f};
    CHECK(compare(want, want).ok());
    CHECK(compare({0.00009f, 1.00019f, -100.01f}, want).ok());
    const Comparison c = compare({0.0f, 1.0003f, -100.0f}, want);
    CHECK_FALSE(c.ok());
    CHECK(c.failures == 1);
    CHECK(c.worst == 1);
    CHECK_FALSE(compare({0.0f, std::nanf(""), -100.0f}, want).ok());
}
