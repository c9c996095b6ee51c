// Names and element sizes of the checkpoint dtypes.
#include "readers/checkpoint.h"

namespace embert::convert {

const char* DTypeName(DType d) {
  switch (d) {
    case DType::F64: return "F64";
    case DType::F32: return "F32";
    case DType::F16: return "F16";
    case DType::BF16: return "BF16";
    case DType::I64: return "I64";
    case DType::I32: return "I32";
    case DType::I16: return "I16";
    case DType::I8: return "I8";
    case DType::U8: return "U8";
    case DType::BOOL: return "BOOL";
    case DType::U16: return "U16";
    case DType::U32: return "U32";
    case DType::U64: return "U64";
  }
  return "?";
}

size_t DTypeSize(DType d) {
  switch (d) {
    case DType::F64:
    case DType::I64:
    case DType::U64: return 8;
    case DType::F32:
    case DType::I32:
    case DType::U32: return 4;
    case DType::F16:
    case DType::BF16:
    case DType::I16:
    case DType::U16: return 2;
    case DType::I8:
    case DType::U8:
    case DType::BOOL: return 1;
  }
  return 1;
}

}  // namespace embert::convert
