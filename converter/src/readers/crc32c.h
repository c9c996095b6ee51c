// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as LevelDB tables
// and TensorFlow bundles store it, and their "mask" that keeps a crc of data
// containing crcs from being trivially predictable.
#ifndef EMBERT_CONVERTER_READERS_CRC32C_H_
#define EMBERT_CONVERTER_READERS_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace embert::convert {

// crc32c of `n` bytes continuing from `crc` (0 to start).
uint32_t Crc32cExtend(uint32_t crc, const uint8_t* data, size_t n);
inline uint32_t Crc32c(const uint8_t* data, size_t n) { return Crc32cExtend(0, data, n); }

inline uint32_t MaskCrc32c(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + 0xa282ead8u; }

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_CRC32C_H_
