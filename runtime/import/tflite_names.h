// The TFLite schema's enums as this reader maps them: builtin operator codes to Op, and the
// ActivationFunctionType values (tflite_names.cpp). Private to the reader; the public names
// (builtin_name, type_name) are declared in mnv3/tflite.h.
#pragma once
#include "mnv3/tflite.h"

namespace mnv3::tflite::detail {

// The Op a BuiltinOperator code maps to (Op::Other for every op the importer does not map).
Op op_of(int builtin_code);
// ActivationFunctionType value -> Activation (Other for values outside the schema's list).
Activation activation_of(int v);
// "RELU6", ... for summary().
const char *activation_name(Activation a);

}  // namespace mnv3::tflite::detail
