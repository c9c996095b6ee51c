#include "embedding.h"

#include <cmath>

#include "diagnostics.h"
#include "line_runner.h"

namespace embert_cli {

std::vector<Embedding> EmbedTexts(Session& session, const Options& options, const std::vector<std::string>& texts) {
  std::vector<Embedding> out(texts.size());
  embert_context* ctx = session.context();
  auto finish = [&](Embedding& e, const float* values, size_t size) {
    if (!AllFinite(values, size)) {
      e.error = NonFiniteResult().error;
    } else {
      e.values.assign(values, values + size);
    }
  };
  if (BatchTokens(options) == 0) {  // one text per run
    for (size_t i = 0; i < texts.size(); ++i) {
      Embedding& e = out[i];
      const float* values = nullptr;
      size_t size = 0;
      e.status = embert_tokenize(ctx, texts[i].data(), texts[i].size(), nullptr, 0);
      if (e.status == EMBERT_STATUS_OK)
        e.status = embert_embed(ctx, options.pooling, options.normalize, &values, &size);
      if (e.status != EMBERT_STATUS_OK) {
        e.error = DescribeStatus(e.status, embert_context_last_error(ctx));
      } else {
        finish(e, values, size);
      }
    }
    return out;
  }
  // Packed runs (embert_tokenize_batch): each text gets the bits it gets
  // alone; a text the tokenizer refuses fails alone.
  std::vector<embert_text> items;
  for (const auto& t : texts) items.push_back(embert_text{t.data(), t.size(), nullptr, 0});
  for (size_t next = 0; next < items.size();) {
    size_t taken = 0;
    embert_status s = embert_tokenize_batch(ctx, items.data() + next, items.size() - next, &taken);
    if (s != EMBERT_STATUS_OK) {
      out[next].status = s;
      out[next].error = DescribeStatus(s, embert_context_last_error(ctx));
      ++next;
      continue;
    }
    const float* values = nullptr;
    size_t count = 0, dim = 0;
    s = embert_embed_batch(ctx, options.pooling, options.normalize, &values, &count, &dim);
    for (size_t i = 0; i < taken; ++i) {
      Embedding& e = out[next + i];
      if (s != EMBERT_STATUS_OK) {
        e.status = s;
        e.error = DescribeStatus(s, embert_context_last_error(ctx));
      } else {
        finish(e, values + i * dim, dim);
      }
    }
    next += taken;
  }
  return out;
}

double Cosine(const std::vector<float>& a, const std::vector<float>& b) {
  double ab = 0.0, aa = 0.0, bb = 0.0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  return aa > 0.0 && bb > 0.0 ? ab / std::sqrt(aa * bb) : 0.0;
}

}  // namespace embert_cli
