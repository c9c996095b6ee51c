// Sentence embeddings of texts for embed-based commands (similarity,
// search): the one place that turns texts into vectors, in packed runs of
// BatchTokens(options) tokens (embert_embed_batch), or one text per run.
#ifndef EMBERT_CLI_EMBEDDING_H_
#define EMBERT_CLI_EMBEDDING_H_

#include <string>
#include <vector>

#include "args.h"
#include "session.h"

namespace embert_cli {

struct Embedding {
  std::vector<float> values;
  embert_status status = EMBERT_STATUS_OK;  // of the failed SDK call
  std::string error;                        // why it failed ("" when ok)
  bool ok() const { return error.empty(); }
};

// The embedding of each text with options.pooling / options.normalize, in
// order; a text that fails (e.g. invalid UTF-8) has its error set.
std::vector<Embedding> EmbedTexts(Session& session, const Options& options, const std::vector<std::string>& texts);

// Cosine similarity of two vectors of the same size (0 when one is zero).
double Cosine(const std::vector<float>& a, const std::vector<float>& b);

}  // namespace embert_cli

#endif  // EMBERT_CLI_EMBEDDING_H_
