#include "write/embert_writer.h"

#include <algorithm>
#include <cstring>

#include "format/format.h"
#include "format/pack_layouts.h"
#include "format/vocab_index.h"
#include "format/xxhash64.h"
#include "quantize/quantize.h"
#include "quantize/smoothing.h"
#include "readers/convert_error.h"
#include "schema/embert_generated.h"

namespace embert::convert {
namespace {

namespace fb = flatbuffers;
namespace s = embert::schema;

class Writer {
 public:
  Writer(const WriteOptions& o, std::vector<TensorReport>* report) : options_(o), report_(report) {
    builder_.ForceDefaults(false);
    // Buffer 0 is the empty sentinel: index 0 means "no data".
    buffers_.push_back(s::CreateBuffer(builder_));
  }

  uint32_t AddBuffer(const void* data, size_t bytes) {
    builder_.ForceVectorAlignment(bytes, 1, format::kAlignment);
    const auto v = builder_.CreateVector(static_cast<const uint8_t*>(data), bytes);
    buffers_.push_back(s::CreateBuffer(builder_, v));
    return static_cast<uint32_t>(buffers_.size() - 1);
  }

  fb::Offset<s::Tensor> F32(const std::string& name, const std::vector<float>& v, std::vector<uint32_t> shape) {
    const uint32_t b = AddBuffer(v.data(), v.size() * sizeof(float));
    Report(name, "fp32", 0, 0, v.size() * 4);
    return s::CreateTensor(builder_, s::DType::FLOAT32, builder_.CreateVector(shape), b);
  }

  // `packable`: a linear layer's weight, which --pack may store in a kernel's
  // packed layout (the word table is gathered by row and never packed).
  fb::Offset<s::Tensor> Int8(const std::string& name, const Matrix& m, bool packable = false) {
    const QuantizedMatrix q = QuantizePerRow(m);
    const qgemm::PackLayout* layout = packable ? qgemm::FileLayout(options_.pack_layout) : nullptr;
    uint32_t b;
    if (layout != nullptr) {
      std::vector<uint8_t> packed(layout->Bytes(m.rows, m.cols));
      qgemm::PackWeights(*layout, q.values.data(), m.rows, m.cols, packed.data());
      b = AddBuffer(packed.data(), packed.size());
    } else {
      b = AddBuffer(q.values.data(), q.values.size());
    }
    Report(name, "int8", q.max_abs_error, q.relative_rms, q.values.size() + 4 * q.scales.size());
    return s::CreateTensor(builder_, s::DType::INT8, builder_.CreateVector(std::vector<uint32_t>{m.rows, m.cols}), b,
                           builder_.CreateVector(q.scales),
                           layout ? static_cast<s::Layout>(options_.pack_layout) : s::Layout::ROW_MAJOR);
  }

  fb::Offset<s::Tensor> Weight(const std::string& name, const Matrix& m, bool quantize) {
    return quantize ? Int8(name, m) : F32(name, m.data, {m.rows, m.cols});
  }

  fb::Offset<s::Linear> Linear(const std::string& name, const LinearWeights& l, bool quantize) {
    const auto sm = options_.input_smoothing.find(name);
    const auto st = options_.input_scales.find(name);
    const float input_scale = quantize && st != options_.input_scales.end() ? st->second : 0.0f;
    if (!quantize || sm == options_.input_smoothing.end()) {
      const auto w = quantize ? Int8(name + ".weight", l.weight, true) : Weight(name + ".weight", l.weight, false);
      const auto b = F32(name + ".bias", l.bias, {static_cast<uint32_t>(l.bias.size())});
      return s::CreateLinear(builder_, w, b, 0, input_scale);
    }
    // x / s is quantized at run time, W * s here.
    const auto w = Int8(name + ".weight", ScaleColumns(l.weight, *sm->second), true);
    const auto b = F32(name + ".bias", l.bias, {static_cast<uint32_t>(l.bias.size())});
    auto& factors = smoothing_vectors_[sm->second.get()];
    if (factors.IsNull()) factors = builder_.CreateVector(*sm->second);
    return s::CreateLinear(builder_, w, b, factors, input_scale);
  }

  fb::Offset<s::LayerNorm> Norm(const std::string& name, const NormWeights& n) {
    const auto g = F32(name + ".gamma", n.gamma, {static_cast<uint32_t>(n.gamma.size())});
    const auto b = F32(name + ".beta", n.beta, {static_cast<uint32_t>(n.beta.size())});
    return s::CreateLayerNorm(builder_, g, b);
  }

  std::vector<uint8_t> Build(const BertModel& m) {
    const bool q = options_.int8;
    const BertConfig& c = m.config;
    // Embeddings: the word table int8 per row (see converter/README.md for
    // the measured error), positions and token types fp32.
    const auto word = Weight("embeddings.word", m.word_embeddings, q);
    const auto pos = F32("embeddings.position", m.position_embeddings.data,
                         {m.position_embeddings.rows, m.position_embeddings.cols});
    const auto typ = F32("embeddings.token_type", m.token_type_embeddings.data,
                         {m.token_type_embeddings.rows, m.token_type_embeddings.cols});
    const auto enorm = Norm("embeddings.norm", m.embedding_norm);
    // ELECTRA's embedding projection stays fp32, like the heads (E x H weights).
    fb::Offset<s::Linear> projection;
    if (m.has_embedding_projection) projection = Linear("embeddings.projection", m.embedding_projection, false);
    const auto embeddings = s::CreateEmbeddings(builder_, word, pos, typ, enorm, projection);

    std::vector<fb::Offset<s::EncoderLayer>> layers;
    for (size_t i = 0; i < m.layers.size(); ++i) {
      const LayerWeights& l = m.layers[i];
      const std::string p = "layers." + std::to_string(i) + ".";
      const auto qq = Linear(p + "query", l.query, q);
      const auto kk = Linear(p + "key", l.key, q);
      const auto vv = Linear(p + "value", l.value, q);
      const auto ao = Linear(p + "attention_output", l.attention_output, q);
      const auto an = Norm(p + "attention_norm", l.attention_norm);
      const auto in = Linear(p + "intermediate", l.intermediate, q);
      const auto out = Linear(p + "output", l.output, q);
      const auto on = Norm(p + "output_norm", l.output_norm);
      layers.push_back(s::CreateEncoderLayer(builder_, qq, kk, vv, ao, an, in, out, on));
    }
    const auto layers_v = builder_.CreateVector(layers);

    fb::Offset<s::Linear> pooler;
    if (m.has_pooler) pooler = Linear("pooler", m.pooler, q);
    fb::Offset<s::ClassificationHead> classifier;
    if (m.has_classifier) {
      // Heads stay fp32: a few thousand weights that decide the answer.
      const auto dense = Linear("classifier", m.classifier, false);
      const auto labels = builder_.CreateVectorOfStrings(m.labels);
      fb::Offset<s::Linear> transform;
      if (m.has_classifier_transform) transform = Linear("classifier.transform", m.classifier_transform, false);
      classifier = s::CreateClassificationHead(
          builder_, dense, labels, m.sigmoid_scores ? s::ScoreFunction::SIGMOID : s::ScoreFunction::SOFTMAX, transform,
          m.classifier_transform_act == "relu" ? s::HiddenAct::RELU : s::HiddenAct::GELU);
    }
    fb::Offset<s::MaskedLmHead> mlm;
    if (m.has_masked_lm) {
      const auto t = Linear("masked_lm.transform", m.mlm_transform, q);
      const auto tn = Norm("masked_lm.transform_norm", m.mlm_norm);
      fb::Offset<s::Tensor> decoder;
      if (!m.mlm_tied) decoder = Weight("masked_lm.decoder", m.mlm_decoder, q);
      const auto bias = F32("masked_lm.decoder_bias", m.mlm_bias, {static_cast<uint32_t>(m.mlm_bias.size())});
      mlm = s::CreateMaskedLmHead(builder_, t, tn, decoder, bias);
    }
    fb::Offset<s::NextSentenceHead> nsp;
    if (m.has_next_sentence) {
      nsp = s::CreateNextSentenceHead(builder_, Linear("next_sentence", m.next_sentence, false));
    }

    // Task heads of Model.heads (format/task_heads.h): fp32 like the others.
    std::vector<fb::Offset<s::TaskHead>> task_heads;
    for (const TaskHeadWeights& h : m.task_heads) {
      std::vector<fb::Offset<s::Linear>> linears;
      for (size_t i = 0; i < h.linears.size(); ++i) {
        linears.push_back(Linear(h.kind + "." + std::to_string(i), h.linears[i], false));
      }
      const auto linears_v = builder_.CreateVector(linears);
      const auto labels_v = h.labels.empty() ? 0 : builder_.CreateVectorOfStrings(h.labels);
      task_heads.push_back(s::CreateTaskHead(builder_, builder_.CreateString(h.kind), linears_v, labels_v));
    }
    const auto task_heads_v = task_heads.empty() ? 0 : builder_.CreateVector(task_heads);

    // A sentence-transformers model's pooling, Dense modules (fp32 like the
    // heads) and normalisation.
    fb::Offset<s::SentenceEmbedding> sentence;
    if (m.has_sentence_embedding) {
      const SentenceEmbeddingSpec& e = m.sentence_embedding;
      std::vector<s::SentencePooling> pooling;
      for (SentencePooling p : e.pooling) pooling.push_back(static_cast<s::SentencePooling>(p));
      std::vector<fb::Offset<s::Linear>> dense;
      std::vector<s::DenseActivation> acts;
      for (size_t i = 0; i < e.dense.size(); ++i) {
        dense.push_back(Linear("sentence_embedding.dense." + std::to_string(i), e.dense[i], false));
        acts.push_back(static_cast<s::DenseActivation>(e.dense_activation[i]));
      }
      const auto pooling_v = builder_.CreateVector(pooling);
      const auto dense_v = dense.empty() ? 0 : builder_.CreateVector(dense);
      const auto acts_v = acts.empty() ? 0 : builder_.CreateVector(acts);
      sentence = s::CreateSentenceEmbedding(builder_, pooling_v, dense_v, acts_v, e.normalize);
    }

    // Tokenizer.
    const TokenizerSettings& t = m.tokenizer;
    const std::vector<uint8_t> index = tok::BuildVocabIndex(t.vocab);
    builder_.ForceVectorAlignment(index.size(), 1, format::kAlignment);
    const auto index_v = builder_.CreateVector(index);
    const auto vocab_v = builder_.CreateVectorOfStrings(t.vocab);
    const auto special_v = builder_.CreateVector(t.special_ids);
    uint32_t max_len = c.max_position_embeddings;
    if (t.max_seq_len != 0 && t.max_seq_len < max_len) max_len = t.max_seq_len;
    if (options_.max_seq_len != 0) {
      // An input longer than the position table cannot be run: clamp.
      if (options_.max_seq_len < 3) throw ConvertError("max_seq_len must be at least 3 ([CLS] x [SEP])");
      max_len = std::min(options_.max_seq_len, c.max_position_embeddings);
    }
    const s::StripAccents strip = t.strip_accents < 0   ? s::StripAccents::FOLLOW_LOWER_CASE
                                  : t.strip_accents > 0 ? s::StripAccents::STRIP
                                                        : s::StripAccents::KEEP;
    const auto tokenizer = s::CreateTokenizerConfig(builder_, vocab_v, t.do_lower_case, strip, t.tokenize_chinese_chars,
                                                    t.unk_id, t.cls_id, t.sep_id, t.pad_id, t.mask_id, special_v,
                                                    max_len, 100, tok::kVocabIndexFormat, index_v);

    s::HiddenAct act = s::HiddenAct::GELU;
    if (c.hidden_act == "gelu_new") act = s::HiddenAct::GELU_TANH;
    if (c.hidden_act == "relu") act = s::HiddenAct::RELU;
    const s::Architecture arch = c.family == Family::kDistilBert ? s::Architecture::DISTILBERT
                                 : c.family == Family::kElectra  ? s::Architecture::ELECTRA
                                                                 : s::Architecture::BERT;
    const auto config =
        s::CreateBertConfig(builder_, c.vocab_size, c.hidden_size, c.num_layers, c.num_heads, c.intermediate_size,
                            c.max_position_embeddings, c.type_vocab_size, c.layer_norm_eps, act, arch,
                            c.embedding_size == c.hidden_size ? 0 : c.embedding_size);
    const auto quantization =
        s::CreateQuantization(builder_, q ? s::WeightQuantization::INT8_PER_CHANNEL : s::WeightQuantization::NONE,
                              q ? s::ActivationQuantization::DYNAMIC_PER_TOKEN : s::ActivationQuantization::NONE);

    std::vector<fb::Offset<s::ActivationStat>> stats;
    for (const auto& a : options_.activation_stats) {
      stats.push_back(s::CreateActivationStat(builder_, builder_.CreateString(a.name), a.min, a.max,
                                              builder_.CreateVector(a.channel_abs_max)));
    }
    const auto stats_v = builder_.CreateVector(stats);
    std::vector<fb::Offset<s::SourceFile>> sources;
    for (const auto& f : options_.sources) {
      sources.push_back(
          s::CreateSourceFile(builder_, builder_.CreateString(f.path), builder_.CreateString(f.sha256), f.size));
    }
    const auto provenance = s::CreateProvenance(
        builder_, builder_.CreateString(m.source_format), builder_.CreateVector(sources),
        builder_.CreateString(options_.converter_version), builder_.CreateString(options_.command_line));
    const auto buffers_v = builder_.CreateVector(buffers_);

    const s::Checksum zero(0);
    s::ModelBuilder mb(builder_);
    mb.add_schema_version(format::kSchemaVersion);
    mb.add_config(config);
    mb.add_tokenizer(tokenizer);
    mb.add_quantization(quantization);
    mb.add_embeddings(embeddings);
    mb.add_layers(layers_v);
    if (m.has_pooler) mb.add_pooler(pooler);
    if (m.has_classifier) mb.add_classifier(classifier);
    if (m.has_masked_lm) mb.add_masked_lm(mlm);
    if (m.has_next_sentence) mb.add_next_sentence(nsp);
    mb.add_activation_stats(stats_v);
    mb.add_provenance(provenance);
    mb.add_buffers(buffers_v);
    mb.add_checksum(&zero);
    if (!task_heads.empty()) mb.add_heads(task_heads_v);
    if (m.has_sentence_embedding) mb.add_sentence_embedding(sentence);
    s::FinishModelBuffer(builder_, mb.Finish());

    std::vector<uint8_t> out(builder_.GetBufferPointer(), builder_.GetBufferPointer() + builder_.GetSize());
    Seal(&out);
    return out;
  }

 private:
  void Report(const std::string& name, const char* dtype, double max_abs, double rel, size_t bytes) {
    if (report_) report_->push_back(TensorReport{name, dtype, max_abs, rel, bytes});
  }

  // Every weight must start on a 64-byte boundary of the file (kernels read
  // it in place); then the checksum covers the file with its own field zero.
  static void Seal(std::vector<uint8_t>* out) {
    const auto* model = s::GetModel(out->data());
    for (const auto* b : *model->buffers()) {
      if (b->data() && (b->data()->data() - out->data()) % format::kAlignment != 0) {
        throw ConvertError("internal: a weight buffer is not 64-byte aligned");
      }
    }
    const auto* c = model->checksum();
    const size_t offset = reinterpret_cast<const uint8_t*>(c) - out->data();
    const uint64_t h = Xxh64(out->data(), out->size(), 0);
    for (int i = 0; i < 8; ++i) (*out)[offset + i] = static_cast<uint8_t>(h >> (8 * i));
  }

  fb::FlatBufferBuilder builder_{1 << 20};
  const WriteOptions& options_;
  std::map<const std::vector<float>*, fb::Offset<fb::Vector<float>>> smoothing_vectors_;
  std::vector<TensorReport>* report_;
  std::vector<fb::Offset<s::Buffer>> buffers_;
};

}  // namespace

std::vector<uint8_t> WriteEmbert(const BertModel& model, const WriteOptions& options,
                                 std::vector<TensorReport>* report) {
  return Writer(options, report).Build(model);
}

}  // namespace embert::convert
