// A TFLite (.tflite, flatbuffer schema v3) reader, written from scratch: no TensorFlow and no
// flatbuffers library. Every offset, length and cross-reference in the file is checked before
// use, so a damaged or hostile file yields a one-line mnv3::Error, never a crash or an
// allocation larger than the file justifies.
//
// Only what an importer of single-subgraph CNNs needs is decoded: tensors (shape, type,
// quantization, data), operators in execution order with the options of the ops listed in
// Op, the graph inputs/outputs and the buffers. Everything else in the file is skipped.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace mnv3::tflite {

// TensorType values of the schema (Tensor::type holds the raw value).
enum TensorType : int { kFloat32 = 0, kFloat16 = 1, kInt32 = 2, kUInt8 = 3, kInt64 = 4, kInt16 = 7, kInt8 = 9 };

// The builtin operators the MobileNetV3 importer maps; anything else is Other (see
// Operator::builtin_code / op_name for which one it is).
enum class Op { Add, AveragePool2D, Conv2D, DepthwiseConv2D, Mul, Reshape, Softmax, HardSwish, Other };
enum class Padding { Same, Valid };
enum class Activation { None, Relu, ReluN1To1, Relu6, Tanh, SignBit, Other };

// Checked by parse: every scale is finite and > 0; zero points are in [0, 255] for UINT8,
// [-128, 127] for INT8, 0 for INT16 / INT32 / INT64, in int32 for other types; per-channel
// parameters have exactly one (scale, zero point) per index of quantized_dimension.
struct Quantization {
    std::vector<float> scale;         // empty: not quantized; 1: per tensor; else per channel
    std::vector<int64_t> zero_point;  // the same length as scale
    int quantized_dimension = 0;      // the axis of per-channel parameters
};

struct Tensor {
    std::string name;
    std::vector<int> shape;  // every dim in [0, 1<<20], product <= 1<<28, rank <= 8
    int type = 0;            // TensorType value
    int buffer = 0;          // index into Model::buffers (always valid)
    Quantization quant;
};

struct Operator {
    Op op = Op::Other;
    int builtin_code = -1;  // BuiltinOperator value (max of the deprecated and the new field)
    std::string op_name;    // e.g. "CONV_2D", or "CUSTOM(name)", for messages
    std::vector<int> inputs, outputs;  // tensor indices (always valid); -1 = optional input absent
    // Options of Conv2D / DepthwiseConv2D / AveragePool2D (required for those ops, and then
    // stride, dilation and filter sizes are >= 1):
    Padding padding = Padding::Same;
    int stride_w = 1, stride_h = 1, dilation_w = 1, dilation_h = 1;
    int depth_multiplier = 1;  // DepthwiseConv2D: >= 1 (the 0 some converters write reads as 1)
    int filter_w = 0, filter_h = 0;  // AveragePool2D
    // Conv2D, DepthwiseConv2D, AveragePool2D, Add, Mul:
    Activation activation = Activation::None;
    std::vector<int> new_shape;  // Reshape (may be empty: then the second input holds it)
    float beta = 1.0f;           // Softmax
};

struct Model {
    uint32_t version = 0;                        // schema version (always 3)
    std::vector<Tensor> tensors;                 // of subgraph 0 (the only one)
    std::vector<Operator> operators;             // execution order
    std::vector<int> inputs, outputs;            // tensor indices of the graph (always valid)
    std::vector<std::vector<uint8_t>> buffers;   // Buffer data, copied out of the file
    std::string description;
};

// Parses a .tflite file held in memory. Throws mnv3::Error ("tflite: <where>: <what>").
// Rejects files without the "TFL3" identifier, schema versions other than 3, and models
// with other than exactly one subgraph.
Model parse(const uint8_t *data, size_t size);
// Reads and parses a file through mnv3::InputFile: a regular file (a directory, FIFO or
// device is refused before anything is read) of at most 512 MiB (checked before reading).
// Throws mnv3::Error ("cannot open TFLite file '<path>': ...", "TFLite file '<path>': ...",
// or the parse error prefixed with the path).
Model read_file(const std::string &path);

// The data of a tensor as typed values, checked: the tensor index is valid, its type is
// UINT8 / INT32, and its buffer holds exactly product(shape) * sizeof(T) bytes; else
// mnv3::Error.
std::vector<uint8_t> tensor_u8(const Model &, int tensor);
std::vector<int32_t> tensor_i32(const Model &, int tensor);

// product(shape) (1 for a scalar).
int64_t num_elements(const Tensor &);
// "CONV_2D", "HARD_SWISH", ... ("BUILTIN_<code>" for codes without a name here).
const char *builtin_name(int builtin_code);
// "UINT8", "INT32", ... ("TYPE_<n>" otherwise).
std::string type_name(int tensor_type);
// One line per operator: op, inputs (shape, type, quantization), output quantization, options.
std::string summary(const Model &);

}  // namespace mnv3::tflite
