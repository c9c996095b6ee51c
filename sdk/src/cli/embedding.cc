#include "embedding.h"

#include <cmath>

#include "diagnostics.h"
#include "line_runner.h"

namespace embert_cli {

std::vector<Embedding> EmbedTexts(Session& session, const Options& options, const std::vector<std::string>& texts) {
  std::vector<Embedding> out(texts.size());
  embert_context* ctx = session.context();
  for (size_t i = 0; i < texts.size(); ++i) {
    Embedding& e = out[i];
    const float* values = nullptr;
    size_t size = 0;
    e.status = embert_tokenize(ctx, texts[i].data(), texts[i].size(), nullptr, 0);
    if (e.status == EMBERT_STATUS_OK) e.status = embert_embed(ctx, options.pooling, options.normalize, &values, &size);
    if (e.status != EMBERT_STATUS_OK) {
      e.error = DescribeStatus(e.status, embert_context_last_error(ctx));
    } else if (!AllFinite(values, size)) {
      e.error = NonFiniteResult().error;
    } else {
      e.values.assign(values, values + size);
    }
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
