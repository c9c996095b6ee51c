// Fuzzes model loading: arbitrary bytes must be refused or, if they verify,
// run a classification without any out-of-bounds access. The checksum would
// stop nearly every mutation, so the fuzzer's bytes are re-sealed first
// (the checksum recomputed) whenever they still parse as FlatBuffers.
#include <cstdlib>
#include <cstring>

#include "embert/embert.h"
#include "format/xxhash64.h"
#include "schema/embert_generated.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 16 || size > (8u << 20)) return 0;
  auto* buf = static_cast<uint8_t*>(std::aligned_alloc(64, (size + 63) / 64 * 64));
  std::memcpy(buf, data, size);
  flatbuffers::Verifier v(buf, size);
  if (embert::schema::VerifyModelBuffer(v)) {
    if (const auto* c = embert::schema::GetModel(buf)->checksum()) {
      const size_t off = static_cast<size_t>(reinterpret_cast<const uint8_t*>(c) - buf);
      std::memset(buf + off, 0, 8);
      const uint64_t h = embert::Xxh64(buf, size, 0);
      std::memcpy(buf + off, &h, 8);
    }
  }
  embert_model* model = nullptr;
  if (embert_model_load_buffer(buf, size, &model, nullptr, 0) == EMBERT_STATUS_OK) {
    embert_context_options o;
    embert_context_options_init(&o);
    o.max_seq_len = 8;
    size_t arena_size = 0;
    if (embert_context_arena_size(model, &o, &arena_size) == EMBERT_STATUS_OK && arena_size < (64u << 20)) {
      void* arena = std::aligned_alloc(64, (arena_size + 63) / 64 * 64);
      embert_context* ctx = nullptr;
      if (embert_context_create(model, &o, arena, arena_size, &ctx, nullptr, 0) == EMBERT_STATUS_OK) {
        const char text[] = "ab [MASK] c";
        if (embert_tokenize(ctx, text, sizeof text - 1, "x", 1) == EMBERT_STATUS_OK) {
          embert_classification r;
          r.struct_size = sizeof r;
          embert_classify(ctx, &r);
          embert_mask_predictions m;
          m.struct_size = sizeof m;
          embert_fill_mask(ctx, 3, &m);
          const float* e;
          size_t n;
          embert_embed(ctx, EMBERT_POOLING_MEAN, 1, &e, &n);
          embert_embed(ctx, EMBERT_POOLING_MODEL, EMBERT_NORMALIZE_MODEL, &e, &n);  // sentence_embedding
        }
        embert_context_destroy(ctx);
      }
      std::free(arena);
    }
    embert_model_destroy(model);
  }
  std::free(buf);
  return 0;
}
