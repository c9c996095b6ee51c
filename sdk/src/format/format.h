// The .embert file (schema/embert.fbs) as the SDK and bert-convert both see
// it: its version and the alignment of its arrays.
#ifndef EMBERT_SDK_FORMAT_FORMAT_H_
#define EMBERT_SDK_FORMAT_FORMAT_H_

#include <cstddef>
#include <cstdint>

#include "embert/embert.h"

namespace embert::format {

// The schema version bert-convert writes and the newest the SDK reads (see
// schema/embert.fbs history; bump it when an older SDK would misread a file).
constexpr uint32_t kSchemaVersion = 1;

// Every weight array and the vocabulary index start at a multiple of this in
// the file (the schema's force_align: 64), so that a file loaded at an
// EMBERT_MODEL_ALIGNMENT address is read in place with aligned rows.
constexpr size_t kAlignment = 64;
static_assert(EMBERT_MODEL_ALIGNMENT % kAlignment == 0, "a loaded file keeps its arrays aligned");

}  // namespace embert::format

#endif  // EMBERT_SDK_FORMAT_FORMAT_H_
