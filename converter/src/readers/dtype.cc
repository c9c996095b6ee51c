#include <cstring>

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
    default: return 1;
  }
}

namespace {

float HalfToFloat(uint16_t h) {
  const uint32_t sign = uint32_t{h & 0x8000u} << 16;
  uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: normalise
      exp = 127 - 15 + 1;
      while ((mant & 0x400) == 0) {
        mant <<= 1;
        --exp;
      }
      bits = sign | (exp << 23) | ((mant & 0x3FF) << 13);
    }
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | (mant << 13);
  } else {
    bits = sign | ((exp + 127 - 15) << 23) | (mant << 13);
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

template <typename T>
T Load(const uint8_t* p) {
  T v;
  std::memcpy(&v, p, sizeof v);  // little-endian hosts; unaligned data is fine
  return v;
}

}  // namespace

void ToFloat32(DType d, const uint8_t* p, size_t n, float* out) {
  const size_t s = DTypeSize(d);
  for (size_t i = 0; i < n; ++i, p += s) {
    switch (d) {
      case DType::F64: out[i] = static_cast<float>(Load<double>(p)); break;
      case DType::F32: out[i] = Load<float>(p); break;
      case DType::F16: out[i] = HalfToFloat(Load<uint16_t>(p)); break;
      case DType::BF16: {
        const uint32_t bits = uint32_t{Load<uint16_t>(p)} << 16;
        std::memcpy(&out[i], &bits, 4);
        break;
      }
      case DType::I64: out[i] = static_cast<float>(Load<int64_t>(p)); break;
      case DType::I32: out[i] = static_cast<float>(Load<int32_t>(p)); break;
      case DType::I16: out[i] = static_cast<float>(Load<int16_t>(p)); break;
      case DType::I8: out[i] = static_cast<float>(Load<int8_t>(p)); break;
      case DType::U8: out[i] = static_cast<float>(Load<uint8_t>(p)); break;
      case DType::BOOL: out[i] = *p ? 1.0f : 0.0f; break;
      case DType::U16: out[i] = static_cast<float>(Load<uint16_t>(p)); break;
      case DType::U32: out[i] = static_cast<float>(Load<uint32_t>(p)); break;
      case DType::U64: out[i] = static_cast<float>(Load<uint64_t>(p)); break;
    }
  }
}

}  // namespace embert::convert
