// A BERT checkpoint in memory, in the SDK's terms, independent of where it
// came from (HuggingFace, TensorFlow, MindSpore readers all produce this).
#ifndef EMBERT_CONVERTER_IMPORT_BERT_MODEL_H_
#define EMBERT_CONVERTER_IMPORT_BERT_MODEL_H_

#include <cstdint>
#include <string>
#include <vector>

namespace embert::convert {

struct Matrix {
  std::vector<float> data;  // row-major [rows][cols]
  uint32_t rows = 0;
  uint32_t cols = 0;
};

struct LinearWeights {
  Matrix weight;  // [out][in], PyTorch's orientation
  std::vector<float> bias;
};

struct NormWeights {
  std::vector<float> gamma;
  std::vector<float> beta;
};

struct LayerWeights {
  LinearWeights query, key, value, attention_output, intermediate, output;
  NormWeights attention_norm, output_norm;
};

// The checkpoint's family (config.json's model_type): the same encoder,
// differing in names (import/layout_distilbert.cc), token types and heads.
enum class Family { kBert, kDistilBert, kElectra };

struct BertConfig {
  uint32_t vocab_size = 0;
  uint32_t hidden_size = 0;
  uint32_t num_layers = 0;
  uint32_t num_heads = 0;
  uint32_t intermediate_size = 0;
  uint32_t max_position_embeddings = 0;
  uint32_t type_vocab_size = 0;
  float layer_norm_eps = 1e-12f;
  std::string hidden_act = "gelu";  // gelu | gelu_new | relu
  Family family = Family::kBert;
  // Width of the embedding tables (ELECTRA's embedding_size); 0: hidden_size.
  uint32_t embedding_size = 0;
  uint32_t EmbeddingWidth() const { return embedding_size != 0 ? embedding_size : hidden_size; }
};

struct TokenizerSettings {
  std::vector<std::string> vocab;
  bool do_lower_case = true;
  int strip_accents = -1;  // -1: follow lower-casing (HF None), 0: keep, 1: strip
  bool tokenize_chinese_chars = true;
  int32_t unk_id = -1, cls_id = -1, sep_id = -1, pad_id = -1, mask_id = -1;
  std::vector<int32_t> special_ids;
  uint32_t max_seq_len = 0;  // 0: from the config
};

// A head of Model.heads (format/task_heads.h): its kind, its dense layers
// in the kind's order, its output names. Written fp32 like the other heads.
struct TaskHeadWeights {
  std::string kind;
  std::vector<LinearWeights> linears;
  std::vector<std::string> labels;
};

// A sentence-transformers model's modules after the Transformer
// (import/sentence_transformers.cc); the values are schema::SentencePooling's
// and schema::DenseActivation's.
enum class SentencePooling { kCls = 0, kMean = 1, kMax = 2, kMeanSqrtLen = 3 };
enum class DenseActivation { kIdentity = 0, kTanh = 1, kRelu = 2, kGelu = 3, kSigmoid = 4 };

struct SentenceEmbeddingSpec {
  std::vector<SentencePooling> pooling;  // sentence-transformers' concatenation order
  std::vector<LinearWeights> dense;      // in module order
  std::vector<DenseActivation> dense_activation;
  bool normalize = false;
};

struct BertModel {
  BertConfig config;
  TokenizerSettings tokenizer;
  Matrix word_embeddings, position_embeddings, token_type_embeddings;
  NormWeights embedding_norm;
  // ELECTRA's embeddings_project [hidden, embedding_size], when the widths differ.
  bool has_embedding_projection = false;
  LinearWeights embedding_projection;
  std::vector<LayerWeights> layers;
  bool has_pooler = false;
  LinearWeights pooler;
  bool has_classifier = false;
  LinearWeights classifier;
  std::vector<std::string> labels;
  bool sigmoid_scores = false;  // multi-label or a single logit
  // The classifier's [CLS] transform instead of the pooler: DistilBERT's
  // pre_classifier + ReLU, ELECTRA's classifier.dense + GELU (classifier is
  // then their classifier / classifier.out_proj).
  bool has_classifier_transform = false;
  LinearWeights classifier_transform;
  std::string classifier_transform_act;  // gelu | relu
  bool has_masked_lm = false;
  LinearWeights mlm_transform;
  NormWeights mlm_norm;
  bool mlm_tied = true;
  Matrix mlm_decoder;  // when not tied
  std::vector<float> mlm_bias;
  bool has_next_sentence = false;
  LinearWeights next_sentence;
  std::vector<TaskHeadWeights> task_heads;  // import/task_heads.cc
  bool has_sentence_embedding = false;      // a sentence-transformers directory
  SentenceEmbeddingSpec sentence_embedding;
  // config.json's first "architectures" entry ("" when it names none): which
  // head a shared tensor name such as classifier.weight belongs to.
  std::string architecture;
  // Provenance.
  std::string source_format;
  std::vector<std::string> source_files;
};

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_BERT_MODEL_H_
