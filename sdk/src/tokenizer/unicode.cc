// Lookups in the generated tables (see gen_unicode_tables.py).
#include "tokenizer/unicode.h"

namespace embert::tok {
namespace {

struct ClassRun {
  uint32_t first, last;
  uint8_t value;
};
struct LowerRun {
  uint32_t first;
  uint16_t count;  // code points first, first + stride, ...
  uint8_t stride;
  int32_t delta;
};
struct Mapping {
  uint32_t cp;
  uint16_t offset;  // into kPool
  uint8_t length;
};

#include "tokenizer/unicode_tables.inc"  // generated in the build tree

// Index of the last entry whose first code point is <= c, or N.
template <typename T, size_t N, typename First>
size_t LastAtOrBefore(const T (&table)[N], uint32_t c, First first) {
  size_t lo = 0, hi = N;
  while (lo < hi) {
    const size_t mid = (lo + hi) / 2;
    if (first(table[mid]) <= c) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return lo == 0 ? N : lo - 1;
}

template <size_t N>
const ClassRun* FindRun(const ClassRun (&table)[N], uint32_t c) {
  const size_t i = LastAtOrBefore(table, c, [](const ClassRun& r) { return r.first; });
  return i < N && c <= table[i].last ? &table[i] : nullptr;
}

template <size_t N>
const Mapping* FindMapping(const Mapping (&table)[N], uint32_t c) {
  const size_t i = LastAtOrBefore(table, c, [](const Mapping& m) { return m.cp; });
  return i < N && table[i].cp == c ? &table[i] : nullptr;
}

size_t Expand(const Mapping* m, uint32_t c, uint32_t* out) {
  if (m == nullptr) {
    out[0] = c;
    return 1;
  }
  for (size_t i = 0; i < m->length; ++i) out[i] = kPool[m->offset + i];
  return m->length;
}

// Hangul syllables decompose algorithmically (Unicode 3.12).
constexpr uint32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr uint32_t kTCount = 28, kNCount = 21 * 28, kSCount = 19 * 21 * 28;

}  // namespace

uint8_t ClassOf(uint32_t c) {
  if (c >= kStage1Limit) {
    const ClassRun* r = FindRun(kTail, c);
    return r ? r->value : uint8_t{kControl};  // unassigned, private use, or > U+10FFFF
  }
  return kStage2[(size_t{kStage1[c >> kBlockShift]} << kBlockShift) | (c & ((1u << kBlockShift) - 1))];
}

size_t ToLower(uint32_t c, uint32_t* out) {
  if (c < 0x80) {
    out[0] = (c >= 'A' && c <= 'Z') ? c + 32 : c;
    return 1;
  }
  if (const Mapping* m = FindMapping(kLowerSpecial, c)) return Expand(m, c, out);
  const size_t i = LastAtOrBefore(kLowerRuns, c, [](const LowerRun& r) { return r.first; });
  out[0] = c;
  if (i < sizeof(kLowerRuns) / sizeof(kLowerRuns[0])) {
    const LowerRun& r = kLowerRuns[i];
    const uint32_t k = c - r.first;
    if (k % r.stride == 0 && k / r.stride < r.count) out[0] = static_cast<uint32_t>(static_cast<int32_t>(c) + r.delta);
  }
  return 1;
}

size_t Decompose(uint32_t c, uint32_t* out) {
  if (c >= kSBase && c < kSBase + kSCount) {
    const uint32_t s = c - kSBase;
    out[0] = kLBase + s / kNCount;
    out[1] = kVBase + (s % kNCount) / kTCount;
    const uint32_t t = s % kTCount;
    if (t == 0) return 2;
    out[2] = kTBase + t;
    return 3;
  }
  return Expand(c < 0xC0 ? nullptr : FindMapping(kDecomp, c), c, out);
}

uint8_t CombiningClass(uint32_t c) {
  const ClassRun* r = FindRun(kCombining, c);
  return r ? r->value : 0;
}

const char* UnicodeVersion() { return EMBERT_UNICODE_VERSION; }

}  // namespace embert::tok
