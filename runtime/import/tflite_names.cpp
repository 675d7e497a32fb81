// Names and enum values of the TFLite schema (schema.fbs v3): kept apart from the decoding in
// tflite_reader.cpp because this is a long table that changes only when the schema grows.
#include "tflite_names.h"

#include <string>

namespace mnv3::tflite {
namespace {

// BuiltinOperator, indexed by value.
const char *const kBuiltinNames[] = {
    "ADD", "AVERAGE_POOL_2D", "CONCATENATION", "CONV_2D", "DEPTHWISE_CONV_2D",
    "DEPTH_TO_SPACE", "DEQUANTIZE", "EMBEDDING_LOOKUP", "FLOOR", "FULLY_CONNECTED",
    "HASHTABLE_LOOKUP", "L2_NORMALIZATION", "L2_POOL_2D", "LOCAL_RESPONSE_NORMALIZATION",
    "LOGISTIC", "LSH_PROJECTION", "LSTM", "MAX_POOL_2D", "MUL", "RELU", "RELU_N1_TO_1",
    "RELU6", "RESHAPE", "RESIZE_BILINEAR", "RNN", "SOFTMAX", "SPACE_TO_DEPTH", "SVDF", "TANH",
    "CONCAT_EMBEDDINGS", "SKIP_GRAM", "CALL", "CUSTOM", "EMBEDDING_LOOKUP_SPARSE", "PAD",
    "UNIDIRECTIONAL_SEQUENCE_RNN", "GATHER", "BATCH_TO_SPACE_ND", "SPACE_TO_BATCH_ND",
    "TRANSPOSE", "MEAN", "SUB", "DIV", "SQUEEZE", "UNIDIRECTIONAL_SEQUENCE_LSTM",
    "STRIDED_SLICE", "BIDIRECTIONAL_SEQUENCE_RNN", "EXP", "TOPK_V2", "SPLIT", "LOG_SOFTMAX",
    "DELEGATE", "BIDIRECTIONAL_SEQUENCE_LSTM", "CAST", "PRELU", "MAXIMUM", "ARG_MAX",
    "MINIMUM", "LESS", "NEG", "PADV2", "GREATER", "GREATER_EQUAL", "LESS_EQUAL", "SELECT",
    "SLICE", "SIN", "TRANSPOSE_CONV", "SPARSE_TO_DENSE", "TILE", "EXPAND_DIMS", "EQUAL",
    "NOT_EQUAL", "LOG", "SUM", "SQRT", "RSQRT", "SHAPE", "POW", "ARG_MIN", "FAKE_QUANT",
    "REDUCE_PROD", "REDUCE_MAX", "PACK", "LOGICAL_OR", "ONE_HOT", "LOGICAL_AND",
    "LOGICAL_NOT", "UNPACK", "REDUCE_MIN", "FLOOR_DIV", "REDUCE_ANY", "SQUARE", "ZEROS_LIKE",
    "FILL", "FLOOR_MOD", "RANGE", "RESIZE_NEAREST_NEIGHBOR", "LEAKY_RELU",
    "SQUARED_DIFFERENCE", "MIRROR_PAD", "ABS", "SPLIT_V", "UNIQUE", "CEIL", "REVERSE_V2",
    "ADD_N", "GATHER_ND", "COS", "WHERE", "RANK", "ELU", "REVERSE_SEQUENCE", "MATRIX_DIAG",
    "QUANTIZE", "MATRIX_SET_DIAG", "ROUND", "HARD_SWISH", "IF", "WHILE",
    "NON_MAX_SUPPRESSION_V4", "NON_MAX_SUPPRESSION_V5", "SCATTER_ND", "SELECT_V2", "DENSIFY",
    "SEGMENT_SUM", "BATCH_MATMUL", "PLACEHOLDER_FOR_GREATER_OP_CODES", "CUMSUM", "CALL_ONCE",
    "BROADCAST_TO", "RFFT2D", "CONV_3D", "IMAG", "REAL", "COMPLEX_ABS", "HASHTABLE",
    "HASHTABLE_FIND", "HASHTABLE_IMPORT", "HASHTABLE_SIZE", "REDUCE_ALL", "CONV_3D_TRANSPOSE",
    "VAR_HANDLE", "READ_VARIABLE", "ASSIGN_VARIABLE", "BROADCAST_ARGS",
    "RANDOM_STANDARD_NORMAL", "BUCKETIZE", "RANDOM_UNIFORM", "MULTINOMIAL", "GELU",
};
constexpr int kNumBuiltinNames = int(sizeof(kBuiltinNames) / sizeof(kBuiltinNames[0]));
// A dropped or duplicated entry would shift every later name.
static_assert(kNumBuiltinNames == 151, "GELU is 150");

}  // namespace

const char *builtin_name(int code) {
    if (code >= 0 && code < kNumBuiltinNames) return kBuiltinNames[code];
    return "BUILTIN_OTHER";
}

std::string type_name(int type) {
    static const char *const names[] = {"FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64",
                                        "STRING",  "BOOL",    "INT16", "COMPLEX64", "INT8"};
    if (type >= 0 && type < int(sizeof(names) / sizeof(names[0]))) return names[type];
    return "TYPE_" + std::to_string(type);
}

namespace detail {

Op op_of(int builtin_code) {
    switch (builtin_code) {
        case 0: return Op::Add;
        case 1: return Op::AveragePool2D;
        case 3: return Op::Conv2D;
        case 4: return Op::DepthwiseConv2D;
        case 18: return Op::Mul;
        case 22: return Op::Reshape;
        case 25: return Op::Softmax;
        case 117: return Op::HardSwish;
        default: return Op::Other;
    }
}

Activation activation_of(int v) {
    switch (v) {
        case 0: return Activation::None;
        case 1: return Activation::Relu;
        case 2: return Activation::ReluN1To1;
        case 3: return Activation::Relu6;
        case 4: return Activation::Tanh;
        case 5: return Activation::SignBit;
        default: return Activation::Other;
    }
}

const char *activation_name(Activation a) {
    switch (a) {
        case Activation::None: return "NONE";
        case Activation::Relu: return "RELU";
        case Activation::ReluN1To1: return "RELU_N1_TO_1";
        case Activation::Relu6: return "RELU6";
        case Activation::Tanh: return "TANH";
        case Activation::SignBit: return "SIGN_BIT";
        default: return "OTHER";
    }
}

}  // namespace detail
}  // namespace mnv3::tflite
