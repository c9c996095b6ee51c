// The loaded model: a verified FlatBuffers file and typed views into it.
//
// Nothing here copies weights. Views are resolved from the FlatBuffers tables
// on demand (context creation), after VerifyModel has checked every tensor
// they can reach, so a resolver never fails.
#ifndef EMBERT_SDK_MODEL_MODEL_H_
#define EMBERT_SDK_MODEL_MODEL_H_

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "core/status.h"
#include "format/format.h"
#include "format/weights.h"
#include "schema/embert_generated.h"
#include "tokenizer/tokenizer.h"

namespace embert {

// Takes or drops a reference to the model (contexts do); the last drop frees it.
void RetainModel(const embert_model* model);
void ReleaseModel(const embert_model* model);

struct BertDims {
  uint32_t vocab = 0;
  uint32_t hidden = 0;
  uint32_t layers = 0;
  uint32_t heads = 0;
  uint32_t head_dim = 0;
  uint32_t intermediate = 0;
  uint32_t max_positions = 0;
  uint32_t type_vocab = 0;
  uint32_t max_seq_len = 0;
  float layer_norm_eps = 1e-12f;
  schema::HiddenAct act = schema::HiddenAct::GELU;
  uint32_t embedding = 0;  // width of the embedding tables: hidden, or ELECTRA's embedding_size
  schema::Architecture architecture = schema::Architecture::BERT;
};

// DistilBERT has no token types: a pair is its two texts with [SEP] between,
// and the types a caller or the tokenizer gives are ignored (the encoder
// adds its one zero row).
inline bool IgnoresTokenTypes(const BertDims& d) { return d.architecture == schema::Architecture::DISTILBERT; }
// Whether a second text (type 1) can be given.
inline bool TakesPairs(const BertDims& d) { return d.type_vocab >= 2 || IgnoresTokenTypes(d); }
// The token types an input may give: the table's rows, or 0 and 1 for a
// model that ignores them (its tokenizer still marks a pair's second text).
inline uint32_t AcceptedTokenTypes(const BertDims& d) { return IgnoresTokenTypes(d) ? 2 : d.type_vocab; }

struct LayerView {
  LinearView query, key, value, attention_output, intermediate, output;
  LayerNormView attention_norm, output_norm;
};

struct MaskedLmView {
  LinearView transform;
  LayerNormView transform_norm;
  MatrixView decoder;  // the word embeddings when tied
  const float* decoder_bias = nullptr;
};

// Model.sentence_embedding, checked (a sentence-transformers model's modules
// after the Transformer). Without one: MEAN, no dense, no normalisation.
constexpr size_t kMaxSentencePooling = 4;
constexpr size_t kMaxSentenceDense = 4;
struct SentenceEmbeddingInfo {
  bool present = false;
  schema::SentencePooling pooling[kMaxSentencePooling] = {};  // concatenated in this order
  size_t num_pooling = 0;
  schema::DenseActivation activation[kMaxSentenceDense] = {};
  size_t num_dense = 0;
  bool normalize = false;
  uint32_t size = 0;       // floats of the result (EMBERT_MODEL_EMBEDDING_SIZE)
  uint32_t max_width = 0;  // the widest step: pooled, or a dense's output
};

}  // namespace embert

// The opaque handle of the C API.
struct embert_model {
  const uint8_t* data = nullptr;
  size_t size = 0;
  void* mapping = nullptr;  // munmap on destroy when set
  size_t mapping_size = 0;
  void* owned_copy = nullptr;  // free on destroy when set (no mmap available)
  const embert::schema::Model* root = nullptr;
  embert::BertDims dims;
  embert::tok::VocabIndex vocab_index;
  embert::tok::Settings tokenizer_settings;
  bool quantized = false;
  embert::SentenceEmbeddingInfo sentence;
  // Lifetime: one reference held by the handle, one per context. Whoever
  // drops the last one frees the model; `released` tells contexts that
  // embert_model_destroy was called while they still existed.
  mutable std::atomic<uint32_t> references{1};
  std::atomic<bool> released{false};
};

namespace embert {

// Verifies `data` completely (identifier, version, FlatBuffers structure,
// checksum, every tensor against the config, tokenizer tables) and fills the
// model's derived fields. `model->data/size` must be set.
Status VerifyModel(embert_model* model);

EmbeddingsView ResolveEmbeddings(const embert_model& model);
LayerView ResolveLayer(const embert_model& model, uint32_t index);
bool HasPooler(const embert_model& model);
LinearView ResolvePooler(const embert_model& model);
LinearView ResolveClassifier(const embert_model& model);
// The classifier's [CLS] transform (ClassificationHead.transform), used
// instead of the pooler; `present` false when the classifier has none.
LinearView ResolveClassifierTransform(const embert_model& model, bool* present);
LinearView ResolveNextSentence(const embert_model& model);
MaskedLmView ResolveMaskedLm(const embert_model& model);
// Dense module `index` (< model.sentence.num_dense) of Model.sentence_embedding.
LinearView ResolveSentenceDense(const embert_model& model, size_t index);

// Checks one linear layer of the file ([out, in] weight, [out] bias, in
// bounds and aligned; int8 only when `allow_int8`) and fills its view: for
// the task heads of sdk/src/heads, which verify their own tensors.
Status CheckLinear(const embert_model& model, const schema::Linear* linear, const char* what, uint32_t out, uint32_t in,
                   bool allow_int8, LinearView* view);

}  // namespace embert

#endif  // EMBERT_SDK_MODEL_MODEL_H_
