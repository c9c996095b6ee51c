// Element conversion to float32. Bytes are assembled little-endian
// explicitly (checkpoints are little-endian whatever the host), and read
// byte-wise because safetensors data need not be aligned.
#include <cstring>

#include "readers/checked_math.h"
#include "readers/checkpoint.h"

namespace embert::convert {
namespace {

float BitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float HalfToFloat(uint16_t h) {
  const uint32_t sign = uint32_t{h & 0x8000u} << 16;
  uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  if (exp == 0) {
    if (mant == 0) return BitsToFloat(sign);
    exp = 127 - 15 + 1;  // subnormal half: normalise into a float32 normal
    while ((mant & 0x400) == 0) {
      mant <<= 1;
      --exp;
    }
    return BitsToFloat(sign | (exp << 23) | ((mant & 0x3FF) << 13));
  }
  if (exp == 31) return BitsToFloat(sign | 0x7F800000u | (mant << 13));  // inf / NaN (payload kept)
  return BitsToFloat(sign | ((exp + 127 - 15) << 23) | (mant << 13));
}

template <typename Convert>
void Each(const uint8_t* p, size_t n, size_t item, float* out, Convert convert) {
  for (size_t i = 0; i < n; ++i, p += item) out[i] = convert(p);
}

template <typename Int, int kBytes>
float IntToFloat(const uint8_t* p) {
  return static_cast<float>(static_cast<Int>(LoadLe(p, kBytes)));
}

}  // namespace

void ToFloat32(DType d, const uint8_t* p, size_t n, float* out) {
  const size_t s = DTypeSize(d);
  switch (d) {
    case DType::F64:
      return Each(p, n, s, out, [](const uint8_t* q) {
        const uint64_t bits = LoadLe(q, 8);
        double v;
        std::memcpy(&v, &bits, 8);
        return static_cast<float>(v);
      });
    case DType::F32:
      return Each(p, n, s, out, [](const uint8_t* q) { return BitsToFloat(static_cast<uint32_t>(LoadLe(q, 4))); });
    case DType::F16:
      return Each(p, n, s, out, [](const uint8_t* q) { return HalfToFloat(static_cast<uint16_t>(LoadLe(q, 2))); });
    case DType::BF16:
      return Each(p, n, s, out,
                  [](const uint8_t* q) { return BitsToFloat(static_cast<uint32_t>(LoadLe(q, 2)) << 16); });
    case DType::I64: return Each(p, n, s, out, IntToFloat<int64_t, 8>);
    case DType::I32: return Each(p, n, s, out, IntToFloat<int32_t, 4>);
    case DType::I16: return Each(p, n, s, out, IntToFloat<int16_t, 2>);
    case DType::I8: return Each(p, n, s, out, IntToFloat<int8_t, 1>);
    case DType::U64: return Each(p, n, s, out, IntToFloat<uint64_t, 8>);
    case DType::U32: return Each(p, n, s, out, IntToFloat<uint32_t, 4>);
    case DType::U16: return Each(p, n, s, out, IntToFloat<uint16_t, 2>);
    case DType::U8: return Each(p, n, s, out, IntToFloat<uint8_t, 1>);
    case DType::BOOL: return Each(p, n, s, out, [](const uint8_t* q) { return *q != 0 ? 1.0f : 0.0f; });
  }
}

}  // namespace embert::convert
