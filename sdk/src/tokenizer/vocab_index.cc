// Verifying and reading the vocabulary table (bert-convert builds it:
// format/vocab_index_build.cc).
#include <cstring>

#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_index.h"

namespace embert::tok {
namespace {

using vocab_index::Hash;
using vocab_index::IsContinuation;
using vocab_index::ReadU32;

// Vocabulary keys are a few bytes long: an inline loop beats a call to memcmp.
inline bool Equal(const uint8_t* a, const uint8_t* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

}  // namespace

Status VocabIndex::Open(const uint8_t* data, size_t size, uint32_t format, uint32_t vocab_size, VocabIndex* out) {
  auto bad = [](const char* why) {
    return Status::Error(EMBERT_STATUS_INVALID_MODEL, "invalid model: tokenizer.vocab_index: %s", why);
  };
  if (format != kVocabIndexFormat) return bad("unknown format");
  if (data == nullptr || size < vocab_index::kHeaderBytes || std::memcmp(data, "EVIX", 4) != 0) {
    return bad("bad header");
  }
  if (ReadU32(data + 4) != format || ReadU32(data + 8) != vocab_size) return bad("header disagrees");
  const uint64_t slots = ReadU32(data + 12);
  const uint64_t max_key = ReadU32(data + 16);
  const uint64_t pool = ReadU32(data + 20);
  if (slots < 16 || (slots & (slots - 1)) != 0 || slots < vocab_size) return bad("bad slot count");
  if (max_key > 4096) return bad("token too long");
  const uint64_t expected = vocab_index::kHeaderBytes + 4 * slots + 4 * (uint64_t{vocab_size} + 1) + pool;
  if (expected != size) return bad("size disagrees with header");
  const uint8_t* slot_p = data + vocab_index::kHeaderBytes;
  const uint8_t* off_p = slot_p + 4 * slots;
  for (uint64_t i = 0; i < slots; ++i) {
    if (ReadU32(slot_p + 4 * i) > vocab_size) return bad("slot out of range");
  }
  uint32_t prev = 0;
  for (uint64_t i = 0; i <= vocab_size; ++i) {
    const uint32_t o = ReadU32(off_p + 4 * i);
    if (o < prev || o > pool || (i == 0 && o != 0)) return bad("offsets not increasing within the pool");
    prev = o;
  }
  if (prev != pool) return bad("offsets do not end at the pool's end");
  // WordPiece never tries a piece longer than max_key_bytes: it must be the
  // real longest key, or some tokens could never be found.
  const uint8_t* pool_p = off_p + 4 * (uint64_t{vocab_size} + 1);
  uint32_t longest = 0;
  for (uint32_t i = 0; i < vocab_size; ++i) {
    const uint32_t begin = ReadU32(off_p + 4u * i);
    const uint32_t len = ReadU32(off_p + 4u * (i + 1)) - begin;
    const uint32_t key = IsContinuation(pool_p + begin, len) ? len - 2 : len;
    if (key > longest) longest = key;
  }
  if (longest != max_key) return bad("longest key disagrees with the header");
  out->data_ = data;
  out->size_ = size;
  out->vocab_size_ = vocab_size;
  out->slots_ = slot_p;
  out->offsets_ = off_p;
  out->pool_ = pool_p;
  out->slot_mask_ = static_cast<uint32_t>(slots - 1);
  out->max_key_bytes_ = static_cast<uint32_t>(max_key);
  return Status::Ok();
}

int32_t VocabIndex::Find(const char* s, size_t n) const {
  const auto* b = reinterpret_cast<const uint8_t*>(s);
  const bool cont = IsContinuation(b, n);
  return FindKey(
      cont, cont ? b + 2 : b, cont ? n - 2 : n,
      Hash(cont ? vocab_index::kContinuationSeed : vocab_index::kWordSeed, cont ? b + 2 : b, cont ? n - 2 : n));
}

int32_t VocabIndex::FindKey(bool continuation, const uint8_t* key, size_t n, uint32_t hash) const {
  if (data_ == nullptr) return -1;
  const size_t want = continuation ? n + 2 : n;
  // Open() checked every slot, so the table has at most vocab_size filled
  // slots and the probe ends at an empty one within slot_mask_ + 1 steps.
  for (uint32_t step = 0; step <= slot_mask_; ++step) {
    const uint32_t v = ReadU32(slots_ + 4u * ((hash + step) & slot_mask_));
    if (v == 0) return -1;
    const uint32_t id = v - 1;
    const uint32_t begin = ReadU32(offsets_ + 4u * id);
    const uint32_t len = ReadU32(offsets_ + 4u * (id + 1)) - begin;
    if (len != want) continue;
    const uint8_t* t = pool_ + begin;
    if (continuation) {
      if (t[0] == '#' && t[1] == '#' && Equal(t + 2, key, n)) return static_cast<int32_t>(id);
    } else if (Equal(t, key, n) && !IsContinuation(t, len)) {
      return static_cast<int32_t>(id);
    }
  }
  return -1;
}

bool VocabIndex::Token(int32_t id, const uint8_t** text, size_t* size) const {
  if (data_ == nullptr || id < 0 || static_cast<uint32_t>(id) >= vocab_size_) return false;
  const uint32_t begin = ReadU32(offsets_ + 4u * static_cast<uint32_t>(id));
  *text = pool_ + begin;
  *size = ReadU32(offsets_ + 4u * (static_cast<uint32_t>(id) + 1)) - begin;
  return true;
}

uint32_t VocabIndex::max_key_bytes() const { return max_key_bytes_; }

}  // namespace embert::tok
