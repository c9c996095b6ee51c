// Verification of a model file before any use. A file that passes cannot make
// a run read or write out of bounds: every tensor reachable by the encoder is
// checked here against the config (dtype, shape, byte size, alignment,
// scales), and the resolvers below only return what was checked.
#include <cfloat>
#include <cmath>
#include <cstring>

#include "format/format.h"
#include "format/pack_layouts.h"
#include "format/xxhash64.h"
#include "model/model.h"

namespace embert {
namespace {

using schema::DType;

// Generous bounds that keep every size computation far from overflow.
constexpr uint32_t kMaxDim = 1u << 16;
constexpr uint32_t kMaxVocab = 1u << 22;
constexpr uint32_t kMaxLayers = 256;

// fp32 weights must be finite: NaN or Inf would make every answer NaN, or
// undefined where a kernel converts to integers.
bool AllFinite(const uint8_t* data, size_t count) {
  const float* f = reinterpret_cast<const float*>(data);
  bool ok = true;
  for (size_t i = 0; i < count; ++i) ok &= std::isfinite(f[i]);
  return ok;
}

Status Invalid(const char* what, const char* problem) {
  return Status::Error(EMBERT_STATUS_INVALID_MODEL, "invalid model: %s: %s", what, problem);
}

// Checks tensors of one model; also used by the resolvers, which ignore the
// status because VerifyModel already passed.
class Checker {
 public:
  explicit Checker(const embert_model& model) : model_(model) {}

  Status Bytes(const schema::Tensor* t, const char* what, const uint8_t** data, size_t* size) const {
    const auto* buffers = model_.root->buffers();
    if (buffers == nullptr || t->buffer() == 0 || t->buffer() >= buffers->size()) {
      return Invalid(what, "buffer index out of range");
    }
    const auto* bytes = buffers->Get(t->buffer())->data();
    if (bytes == nullptr) return Invalid(what, "buffer has no data");
    *data = bytes->data();
    *size = bytes->size();
    if (reinterpret_cast<uintptr_t>(*data) % format::kAlignment != 0) {
      return Status::Error(EMBERT_STATUS_MISALIGNED,
                           "invalid model: %s: data not %zu-byte aligned (file not written by "
                           "bert-convert, or loaded from a misaligned address)",
                           what, format::kAlignment);
    }
    return Status::Ok();
  }

  Status Matrix(const schema::Tensor* t, const char* what, uint32_t rows, uint32_t cols, bool allow_int8,
                MatrixView* out, bool allow_packed = false) const {
    if (t == nullptr) return Invalid(what, "missing");
    const auto* shape = t->shape();
    if (shape == nullptr || shape->size() != 2 || shape->Get(0) != rows || shape->Get(1) != cols) {
      return Status::Error(EMBERT_STATUS_INVALID_MODEL, "invalid model: %s: shape must be [%u, %u]", what, rows, cols);
    }
    const qgemm::PackLayout* packed = nullptr;
    if (t->layout() != schema::Layout::ROW_MAJOR) {
      packed = qgemm::FileLayout(static_cast<uint8_t>(t->layout()));
      if (packed == nullptr) return Invalid(what, "unknown layout");
      if (!allow_packed || t->dtype() != DType::INT8 || !allow_int8) {
        return Invalid(what, "only int8 linear weights may be packed");
      }
    }
    size_t item = 0;
    if (t->dtype() == DType::FLOAT32) {
      item = 4;
    } else if (t->dtype() == DType::INT8 && allow_int8) {
      item = 1;
    } else {
      return Invalid(what, "dtype not allowed here");
    }
    const uint8_t* data = nullptr;
    size_t size = 0;
    EMBERT_RETURN_IF_ERROR(Bytes(t, what, &data, &size));
    // rows and cols are the config's (at most 1e7 each): no overflow in 64 bits.
    const uint64_t want =
        packed ? uint64_t{(rows + packed->Width() - 1) / packed->Width()} * ((cols + 3) / 4) * packed->Width() * 4
               : uint64_t{rows} * cols * item;
    if (size != want) return Invalid(what, "byte size does not match shape and layout");
    out->layout = static_cast<uint8_t>(t->layout());
    if (item == 4 && !AllFinite(data, size / 4)) return Invalid(what, "holds NaN or Inf");
    out->int8 = item == 1;
    out->data = data;
    out->rows = rows;
    out->cols = cols;
    out->scales = nullptr;
    if (out->int8) {
      const auto* scales = t->scales();
      if (scales == nullptr || scales->size() != rows) {
        return Invalid(what, "int8 tensor needs one scale per row");
      }
      for (uint32_t i = 0; i < rows; ++i) {
        const float s = scales->Get(i);
        if (!(std::isfinite(s) && s > 0.0f)) return Invalid(what, "scale not finite and positive");
      }
      out->scales = scales->data();
    }
    return Status::Ok();
  }

  Status Vector(const schema::Tensor* t, const char* what, uint32_t n, const float** out) const {
    if (t == nullptr) return Invalid(what, "missing");
    const auto* shape = t->shape();
    if (shape == nullptr || shape->size() != 1 || shape->Get(0) != n) {
      return Status::Error(EMBERT_STATUS_INVALID_MODEL, "invalid model: %s: shape must be [%u]", what, n);
    }
    if (t->dtype() != DType::FLOAT32) return Invalid(what, "must be float32");
    const uint8_t* data = nullptr;
    size_t size = 0;
    EMBERT_RETURN_IF_ERROR(Bytes(t, what, &data, &size));
    if (size != uint64_t{n} * 4) return Invalid(what, "byte size does not match shape");
    if (!AllFinite(data, n)) return Invalid(what, "holds NaN or Inf");
    *out = reinterpret_cast<const float*>(data);
    return Status::Ok();
  }

  Status Linear(const schema::Linear* l, const char* what, uint32_t out, uint32_t in, bool allow_int8,
                LinearView* view) const {
    if (l == nullptr) return Invalid(what, "missing");
    char name[96];
    std::snprintf(name, sizeof name, "%s.weight", what);
    EMBERT_RETURN_IF_ERROR(Matrix(l->weight(), name, out, in, allow_int8, &view->weight, /*allow_packed=*/true));
    std::snprintf(name, sizeof name, "%s.bias", what);
    EMBERT_RETURN_IF_ERROR(Vector(l->bias(), name, out, &view->bias));
    view->in = in;
    view->out = out;
    view->smoothing = nullptr;
    if (const auto* s = l->input_smoothing()) {
      if (s->size() != in || !view->weight.int8) {
        return Invalid(what, "input_smoothing must have one entry per input and int8 weights");
      }
      for (uint32_t i = 0; i < in; ++i) {
        const float v = s->Get(i);
        if (!(std::isfinite(v) && v > 0.0f)) return Invalid(what, "input_smoothing not positive");
      }
      view->smoothing = s->data();
    }
    view->input_scale = l->input_scale();
    // A denormal scale would make 1 / scale infinite.
    if (!(std::isfinite(view->input_scale) && (view->input_scale == 0.0f || view->input_scale >= FLT_MIN))) {
      return Invalid(what, "input_scale negative, denormal or not finite");
    }
    if (view->input_scale > 0.0f && !view->weight.int8) return Invalid(what, "input_scale needs int8 weights");
    return Status::Ok();
  }

  Status Norm(const schema::LayerNorm* n, const char* what, uint32_t size, LayerNormView* view) const {
    if (n == nullptr) return Invalid(what, "missing");
    char name[96];
    std::snprintf(name, sizeof name, "%s.gamma", what);
    EMBERT_RETURN_IF_ERROR(Vector(n->gamma(), name, size, &view->gamma));
    std::snprintf(name, sizeof name, "%s.beta", what);
    return Vector(n->beta(), name, size, &view->beta);
  }

  Status Embeddings(EmbeddingsView* v) const {
    const auto* e = model_.root->embeddings();
    const BertDims& d = model_.dims;
    if (e == nullptr) return Invalid("embeddings", "missing");
    const uint32_t E = d.embedding;
    EMBERT_RETURN_IF_ERROR(Matrix(e->word(), "embeddings.word", d.vocab, E, true, &v->word));
    MatrixView m;
    EMBERT_RETURN_IF_ERROR(Matrix(e->position(), "embeddings.position", d.max_positions, E, false, &m));
    v->position = static_cast<const float*>(m.data);
    EMBERT_RETURN_IF_ERROR(Matrix(e->token_type(), "embeddings.token_type", d.type_vocab, E, false, &m));
    v->token_type = static_cast<const float*>(m.data);
    EMBERT_RETURN_IF_ERROR(Norm(e->norm(), "embeddings.norm", E, &v->norm));
    // ELECTRA's embeddings_project, exactly when the widths differ (fp32).
    v->has_projection = E != d.hidden;
    if (!v->has_projection) {
      return e->projection() == nullptr ? Status::Ok()
                                        : Invalid("embeddings.projection", "present but embedding_size is hidden_size");
    }
    return Linear(e->projection(), "embeddings.projection", d.hidden, E, false, &v->projection);
  }

  Status Layer(uint32_t i, LayerView* v) const {
    const auto* l = model_.root->layers()->Get(i);
    const BertDims& d = model_.dims;
    char what[64];
    const bool q = model_.quantized;
#define EMBERT_CHECK_LINEAR(field, out_dim, in_dim)          \
  std::snprintf(what, sizeof what, "layers[%u]." #field, i); \
  EMBERT_RETURN_IF_ERROR(Linear(l->field(), what, out_dim, in_dim, q, &v->field));
    EMBERT_CHECK_LINEAR(query, d.hidden, d.hidden)
    EMBERT_CHECK_LINEAR(key, d.hidden, d.hidden)
    EMBERT_CHECK_LINEAR(value, d.hidden, d.hidden)
    EMBERT_CHECK_LINEAR(attention_output, d.hidden, d.hidden)
    EMBERT_CHECK_LINEAR(intermediate, d.intermediate, d.hidden)
    EMBERT_CHECK_LINEAR(output, d.hidden, d.intermediate)
#undef EMBERT_CHECK_LINEAR
    std::snprintf(what, sizeof what, "layers[%u].attention_norm", i);
    EMBERT_RETURN_IF_ERROR(Norm(l->attention_norm(), what, d.hidden, &v->attention_norm));
    std::snprintf(what, sizeof what, "layers[%u].output_norm", i);
    return Norm(l->output_norm(), what, d.hidden, &v->output_norm);
  }

  Status MaskedLm(MaskedLmView* v) const {
    const auto* h = model_.root->masked_lm();
    const BertDims& d = model_.dims;
    EMBERT_RETURN_IF_ERROR(
        Linear(h->transform(), "masked_lm.transform", d.hidden, d.hidden, model_.quantized, &v->transform));
    EMBERT_RETURN_IF_ERROR(Norm(h->transform_norm(), "masked_lm.transform_norm", d.hidden, &v->transform_norm));
    if (h->decoder() != nullptr) {
      EMBERT_RETURN_IF_ERROR(Matrix(h->decoder(), "masked_lm.decoder", d.vocab, d.hidden, true, &v->decoder));
    } else {
      if (d.embedding != d.hidden) return Invalid("masked_lm.decoder", "cannot be tied to embeddings of another width");
      EmbeddingsView e;
      EMBERT_RETURN_IF_ERROR(Embeddings(&e));
      v->decoder = e.word;  // tied
    }
    return Vector(h->decoder_bias(), "masked_lm.decoder_bias", d.vocab, &v->decoder_bias);
  }

 private:
  const embert_model& model_;
};

Status CheckDims(const schema::BertConfig* c, const schema::TokenizerConfig* t, BertDims* d) {
  if (c == nullptr) return Invalid("config", "missing");
  d->vocab = c->vocab_size();
  d->hidden = c->hidden_size();
  d->layers = c->num_layers();
  d->heads = c->num_heads();
  d->intermediate = c->intermediate_size();
  d->max_positions = c->max_position_embeddings();
  d->type_vocab = c->type_vocab_size();
  d->layer_norm_eps = c->layer_norm_eps();
  d->act = c->hidden_act();
  d->embedding = c->embedding_size() != 0 ? c->embedding_size() : c->hidden_size();
  d->architecture = c->architecture();
  if (d->architecture != schema::Architecture::BERT && d->architecture != schema::Architecture::DISTILBERT &&
      d->architecture != schema::Architecture::ELECTRA) {
    return Invalid("config.architecture", "unknown architecture");
  }
  if (d->embedding > kMaxDim) return Invalid("config.embedding_size", "out of range");
  if (d->embedding != d->hidden && d->architecture != schema::Architecture::ELECTRA) {
    return Invalid("config.embedding_size", "differs from hidden_size in a model that is not ELECTRA");
  }
  if (d->vocab == 0 || d->vocab > kMaxVocab) return Invalid("config.vocab_size", "out of range");
  if (d->hidden == 0 || d->hidden > kMaxDim) return Invalid("config.hidden_size", "out of range");
  if (d->layers == 0 || d->layers > kMaxLayers) return Invalid("config.num_layers", "out of range");
  if (d->heads == 0 || d->hidden % d->heads != 0) {
    return Invalid("config.num_heads", "must divide hidden_size");
  }
  d->head_dim = d->hidden / d->heads;
  if (d->intermediate == 0 || d->intermediate > 4 * kMaxDim) {
    return Invalid("config.intermediate_size", "out of range");
  }
  if (d->max_positions < 3 || d->max_positions > kMaxDim) {
    return Invalid("config.max_position_embeddings", "out of range");
  }
  if (d->type_vocab == 0 || d->type_vocab > 1024) return Invalid("config.type_vocab_size", "out of range");
  if (!(std::isfinite(d->layer_norm_eps) && d->layer_norm_eps > 0.0f)) {
    return Invalid("config.layer_norm_eps", "must be finite and positive");
  }
  if (d->act != schema::HiddenAct::GELU && d->act != schema::HiddenAct::GELU_TANH &&
      d->act != schema::HiddenAct::RELU) {
    return Invalid("config.hidden_act", "unknown activation");
  }
  if (t == nullptr) return Invalid("tokenizer", "missing");
  d->max_seq_len = t->max_seq_len();
  if (d->max_seq_len < 3 || d->max_seq_len > d->max_positions) {
    return Invalid("tokenizer.max_seq_len", "must be in [3, max_position_embeddings]");
  }
  return Status::Ok();
}

Status CheckTokenizer(embert_model* m) {
  const auto* t = m->root->tokenizer();
  // Every embedding row has its token; entries beyond the table (a vocab.txt
  // longer than it) only shape WordPiece and are read as [UNK].
  const uint32_t vocab = m->dims.vocab;
  if (t->vocab() == nullptr || t->vocab()->size() < vocab || t->vocab()->size() > kMaxVocab) {
    return Invalid("tokenizer.vocab", "must have at least vocab_size entries");
  }
  const uint32_t entries = t->vocab()->size();
  for (uint32_t i = 0; i < entries; ++i) {
    if (t->vocab()->Get(i) == nullptr) return Invalid("tokenizer.vocab", "null entry");
  }
  const int32_t required[] = {t->unk_id(), t->cls_id(), t->sep_id()};
  for (int32_t id : required) {
    if (id < 0 || static_cast<uint32_t>(id) >= vocab) {
      return Invalid("tokenizer", "[UNK], [CLS] and [SEP] ids must be in the embedding table");
    }
  }
  const int32_t optional[] = {t->pad_id(), t->mask_id()};
  for (int32_t id : optional) {
    if (id < -1 || (id >= 0 && static_cast<uint32_t>(id) >= vocab)) {
      return Invalid("tokenizer", "[PAD]/[MASK] id outside the embedding table");
    }
  }
  Span<const int32_t> special;
  if (const auto* s = t->special_ids()) {
    for (uint32_t i = 0; i < s->size(); ++i) {
      if (s->Get(i) < 0 || static_cast<uint32_t>(s->Get(i)) >= entries) {
        return Invalid("tokenizer.special_ids", "id outside the vocabulary");
      }
    }
    special = Span<const int32_t>(s->data(), s->size());
  }
  if (t->max_input_chars_per_word() == 0 || t->max_input_chars_per_word() > 1024) {
    return Invalid("tokenizer", "max_input_chars_per_word must be in [1, 1024]");
  }
  const auto* index = t->vocab_index();
  if (index == nullptr) return Invalid("tokenizer.vocab_index", "missing");
  Status s = tok::VocabIndex::Open(index->data(), index->size(), t->vocab_index_format(), entries, &m->vocab_index);
  if (!s.ok()) return s;

  tok::Settings& ts = m->tokenizer_settings;
  ts.lower_case = t->do_lower_case();
  switch (t->strip_accents()) {
    case schema::StripAccents::STRIP: ts.strip_accents = true; break;
    case schema::StripAccents::KEEP: ts.strip_accents = false; break;
    default: ts.strip_accents = ts.lower_case; break;
  }
  ts.split_chinese = t->tokenize_chinese_chars();
  ts.unk_id = t->unk_id();
  ts.cls_id = t->cls_id();
  ts.sep_id = t->sep_id();
  ts.special_ids = special;
  ts.embedded_ids = vocab;
  ts.max_input_chars_per_word = t->max_input_chars_per_word();
  return Status::Ok();
}

uint32_t SentenceDenseIn(const embert_model& m, size_t index) {
  const auto* dense = m.root->sentence_embedding()->dense();
  return index == 0 ? static_cast<uint32_t>(m.sentence.num_pooling * m.dims.hidden)
                    : dense->Get(static_cast<uint32_t>(index - 1))->weight()->shape()->Get(0);
}

// Model.sentence_embedding: 1 to 4 distinct known pooling modes, dense
// layers chained from the pooled width (fp32), one known activation each.
Status CheckSentenceEmbedding(embert_model* m) {
  SentenceEmbeddingInfo& info = m->sentence;
  info = SentenceEmbeddingInfo();
  info.num_pooling = 1;
  info.pooling[0] = schema::SentencePooling::MEAN_TOKENS;
  info.size = info.max_width = m->dims.hidden;
  const auto* se = m->root->sentence_embedding();
  if (se == nullptr) return Status::Ok();
  info.present = true;
  const auto* pooling = se->pooling();
  if (pooling == nullptr || pooling->size() == 0 || pooling->size() > kMaxSentencePooling) {
    return Invalid("sentence_embedding.pooling", "must hold 1 to 4 modes");
  }
  info.num_pooling = pooling->size();
  for (uint32_t i = 0; i < pooling->size(); ++i) {
    const int mode = static_cast<int>(pooling->Get(i));
    if (mode < 0 || mode > static_cast<int>(schema::SentencePooling::MAX)) {
      return Invalid("sentence_embedding.pooling", "unknown mode");
    }
    for (uint32_t j = 0; j < i; ++j) {
      if (static_cast<int>(pooling->Get(j)) == mode) return Invalid("sentence_embedding.pooling", "a mode given twice");
    }
    info.pooling[i] = static_cast<schema::SentencePooling>(mode);
  }
  info.size = info.max_width = static_cast<uint32_t>(info.num_pooling * m->dims.hidden);
  const auto* dense = se->dense();
  const auto* acts = se->dense_activation();
  const size_t n = dense != nullptr ? dense->size() : 0;
  if (n > kMaxSentenceDense) return Invalid("sentence_embedding.dense", "more than 4 layers");
  if ((acts != nullptr ? acts->size() : 0) != n) {
    return Invalid("sentence_embedding.dense_activation", "must have one entry per dense layer");
  }
  Checker check(*m);
  for (size_t i = 0; i < n; ++i) {
    const auto* l = dense->Get(static_cast<uint32_t>(i));
    const auto* shape = l != nullptr && l->weight() != nullptr ? l->weight()->shape() : nullptr;
    if (shape == nullptr || shape->size() != 2 || shape->Get(0) == 0 || shape->Get(0) > kMaxDim) {
      return Invalid("sentence_embedding.dense", "weight must be [out, in] with out in [1, 65536]");
    }
    char what[48];
    std::snprintf(what, sizeof what, "sentence_embedding.dense[%zu]", i);
    LinearView v;
    EMBERT_RETURN_IF_ERROR(check.Linear(l, what, shape->Get(0), SentenceDenseIn(*m, i), false, &v));
    const int act = static_cast<int>(acts->Get(static_cast<uint32_t>(i)));
    if (act < 0 || act > static_cast<int>(schema::DenseActivation::MAX)) {
      return Invalid("sentence_embedding.dense_activation", "unknown activation");
    }
    info.activation[i] = static_cast<schema::DenseActivation>(act);
    info.size = v.out;
    if (v.out > info.max_width) info.max_width = v.out;
  }
  info.num_dense = n;
  info.normalize = se->normalize();
  return Status::Ok();
}

Status CheckChecksum(const embert_model& m) {
  const auto* c = m.root->checksum();
  if (c == nullptr) return Invalid("checksum", "missing");
  const uint8_t* field = reinterpret_cast<const uint8_t*>(c);
  const size_t offset = static_cast<size_t>(field - m.data);
  if (offset + 8 > m.size) return Invalid("checksum", "outside the file");
  // The writer hashed the file with the checksum's own 8 bytes as zero.
  static const uint8_t kZeros[8] = {0};
  Xxh64Stream h(0);
  h.Update(m.data, offset);
  h.Update(kZeros, 8);
  h.Update(m.data + offset + 8, m.size - offset - 8);
  if (h.Digest() != c->xxh64()) {
    return Status::Error(EMBERT_STATUS_CHECKSUM_MISMATCH,
                         "model checksum mismatch: the file is corrupted or truncated");
  }
  return Status::Ok();
}

}  // namespace

Status VerifyModel(embert_model* m) {
  if (m->size < 16 || m->size >= FLATBUFFERS_MAX_BUFFER_SIZE) {
    return Status::Error(EMBERT_STATUS_INVALID_MODEL, "invalid model: size %zu out of range", m->size);
  }
  if (reinterpret_cast<uintptr_t>(m->data) % EMBERT_MODEL_ALIGNMENT != 0) {
    return Status::Error(EMBERT_STATUS_MISALIGNED, "model buffer must be %d-byte aligned", EMBERT_MODEL_ALIGNMENT);
  }
  if (!schema::ModelBufferHasIdentifier(m->data)) {
    return Status::Error(EMBERT_STATUS_INVALID_MODEL, "not an embert model (file identifier is not EMBT)");
  }
  flatbuffers::Verifier::Options options;
  options.max_depth = 16;
  options.max_tables = 1u << 20;
  options.check_alignment = true;
  flatbuffers::Verifier verifier(m->data, m->size, options);
  if (!schema::VerifyModelBuffer(verifier)) {
    return Status::Error(EMBERT_STATUS_INVALID_MODEL,
                         "invalid model: FlatBuffers structure check failed (truncated or corrupted)");
  }
  m->root = schema::GetModel(m->data);
  const uint32_t version = m->root->schema_version();
  if (version == 0) return Invalid("schema_version", "missing");
  if (version > format::kSchemaVersion) {
    return Status::Error(EMBERT_STATUS_UNSUPPORTED_VERSION,
                         "model schema version %u is newer than this library reads (%u)", version,
                         format::kSchemaVersion);
  }
  EMBERT_RETURN_IF_ERROR(CheckChecksum(*m));
  EMBERT_RETURN_IF_ERROR(CheckDims(m->root->config(), m->root->tokenizer(), &m->dims));

  const auto* q = m->root->quantization();
  if (q == nullptr) return Invalid("quantization", "missing");
  if (q->weights() == schema::WeightQuantization::INT8_PER_CHANNEL) {
    if (q->activations() != schema::ActivationQuantization::DYNAMIC_PER_TOKEN) {
      return Invalid("quantization", "int8 weights need dynamic per-token activations");
    }
    m->quantized = true;
  } else if (q->weights() == schema::WeightQuantization::NONE) {
    m->quantized = false;
  } else {
    return Invalid("quantization", "unknown weight quantization");
  }

  EMBERT_RETURN_IF_ERROR(CheckTokenizer(m));

  Checker check(*m);
  EmbeddingsView e;
  EMBERT_RETURN_IF_ERROR(check.Embeddings(&e));
  if (m->root->layers() == nullptr || m->root->layers()->size() != m->dims.layers) {
    return Invalid("layers", "count differs from config.num_layers");
  }
  for (uint32_t i = 0; i < m->dims.layers; ++i) {
    LayerView l;
    EMBERT_RETURN_IF_ERROR(check.Layer(i, &l));
  }
  LinearView lin;
  if (m->root->pooler() != nullptr) {
    EMBERT_RETURN_IF_ERROR(
        check.Linear(m->root->pooler(), "pooler", m->dims.hidden, m->dims.hidden, m->quantized, &lin));
  }
  if (const auto* c = m->root->classifier()) {
    if (c->transform() != nullptr) {
      // DistilBERT's pre_classifier + ReLU, ELECTRA's dense + GELU on h[CLS].
      EMBERT_RETURN_IF_ERROR(
          check.Linear(c->transform(), "classifier.transform", m->dims.hidden, m->dims.hidden, false, &lin));
      const auto act = c->transform_act();
      if (act != schema::HiddenAct::GELU && act != schema::HiddenAct::GELU_TANH && act != schema::HiddenAct::RELU) {
        return Invalid("classifier.transform_act", "unknown activation");
      }
    } else if (m->root->pooler() == nullptr) {
      return Invalid("classifier", "needs a pooler or a transform");
    }
    const auto* labels = c->labels();
    if (labels == nullptr || labels->size() == 0 || labels->size() > 65536) {
      return Invalid("classifier.labels", "must name every logit");
    }
    for (uint32_t i = 0; i < labels->size(); ++i) {
      if (labels->Get(i) == nullptr) return Invalid("classifier.labels", "null label");
    }
    EMBERT_RETURN_IF_ERROR(check.Linear(c->dense(), "classifier.dense", labels->size(), m->dims.hidden, false, &lin));
    if (c->score() != schema::ScoreFunction::SOFTMAX && c->score() != schema::ScoreFunction::SIGMOID) {
      return Invalid("classifier.score", "unknown score function");
    }
  }
  if (const auto* n = m->root->next_sentence()) {
    if (m->root->pooler() == nullptr) return Invalid("next_sentence", "needs a pooler");
    EMBERT_RETURN_IF_ERROR(check.Linear(n->dense(), "next_sentence.dense", 2, m->dims.hidden, false, &lin));
  }
  if (m->root->masked_lm() != nullptr) {
    if (m->root->tokenizer()->mask_id() < 0) return Invalid("masked_lm", "needs a [MASK] token");
    MaskedLmView mlm;
    EMBERT_RETURN_IF_ERROR(check.MaskedLm(&mlm));
  }
  return CheckSentenceEmbedding(m);
}

EmbeddingsView ResolveEmbeddings(const embert_model& model) {
  EmbeddingsView v;
  (void)Checker(model).Embeddings(&v);
  return v;
}

LayerView ResolveLayer(const embert_model& model, uint32_t index) {
  LayerView v;
  (void)Checker(model).Layer(index, &v);
  return v;
}

bool HasPooler(const embert_model& model) { return model.root->pooler() != nullptr; }

LinearView ResolvePooler(const embert_model& model) {
  LinearView v;
  (void)Checker(model).Linear(model.root->pooler(), "pooler", model.dims.hidden, model.dims.hidden, model.quantized,
                              &v);
  return v;
}

LinearView ResolveClassifier(const embert_model& model) {
  LinearView v;
  const auto* c = model.root->classifier();
  (void)Checker(model).Linear(c->dense(), "classifier.dense", c->labels()->size(), model.dims.hidden, false, &v);
  return v;
}

LinearView ResolveClassifierTransform(const embert_model& model, bool* present) {
  LinearView v;
  const auto* c = model.root->classifier();
  *present = c != nullptr && c->transform() != nullptr;
  if (*present) {
    (void)Checker(model).Linear(c->transform(), "classifier.transform", model.dims.hidden, model.dims.hidden, false,
                                &v);
  }
  return v;
}

Status CheckLinear(const embert_model& model, const schema::Linear* linear, const char* what, uint32_t out, uint32_t in,
                   bool allow_int8, LinearView* view) {
  LinearView unused;
  return Checker(model).Linear(linear, what, out, in, allow_int8, view != nullptr ? view : &unused);
}

LinearView ResolveNextSentence(const embert_model& model) {
  LinearView v;
  (void)Checker(model).Linear(model.root->next_sentence()->dense(), "next_sentence.dense", 2, model.dims.hidden, false,
                              &v);
  return v;
}

LinearView ResolveSentenceDense(const embert_model& model, size_t index) {
  LinearView v;
  const auto* l = model.root->sentence_embedding()->dense()->Get(static_cast<uint32_t>(index));
  (void)Checker(model).Linear(l, "sentence_embedding.dense", l->weight()->shape()->Get(0),
                              SentenceDenseIn(model, index), false, &v);
  return v;
}

MaskedLmView ResolveMaskedLm(const embert_model& model) {
  MaskedLmView v;
  (void)Checker(model).MaskedLm(&v);
  return v;
}

}  // namespace embert
