// SHA-256 (FIPS 180-4), for the data_sha256 checksums of expected.json.
#ifndef EMBERT_TESTS_CONVERTER_READERS_SHA256_H_
#define EMBERT_TESTS_CONVERTER_READERS_SHA256_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace embert::test {

// Lower-case hex digest.
std::string Sha256Hex(const uint8_t* data, size_t size);

}  // namespace embert::test

#endif  // EMBERT_TESTS_CONVERTER_READERS_SHA256_H_
