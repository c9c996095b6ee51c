// Test helper: describes a .embert file as JSON so that the Python tests can
// check it against the source checkpoint with numpy. It reports facts only
// (positions, shapes, scales, strings); every check is made by the caller.
//
//   embert_dump FILE          the model (exit 3 if flatbuffers::Verifier refuses it)
//   embert_dump --hash FILE SEED
//                             {"xxh64": ..., "sha256": ...} of the file's bytes, for
//                             cross-checking the hashes against Python
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "embert/embert.h"
#include "format/xxhash64.h"
#include "import/sha256.h"
#include "schema/embert_generated.h"

namespace {

namespace s = embert::schema;

std::vector<uint8_t> ReadFile(const char* path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) {
    std::fprintf(stderr, "embert_dump: cannot read %s\n", path);
    std::exit(2);
  }
  return std::vector<uint8_t>((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
}

std::string Quote(const std::string& text) {
  std::string out = "\"";
  for (const unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

// Python's json module reads NaN and Infinity, so nothing is hidden.
std::string Float(float v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.9g", static_cast<double>(v));  // round-trips a float
  return buf;
}

template <typename T, typename F>
std::string List(const flatbuffers::Vector<T>* v, F format) {
  if (v == nullptr) return "null";
  std::string out = "[";
  for (uint32_t i = 0; i < v->size(); ++i) out += (i ? "," : "") + format(v->Get(i));
  return out + "]";
}

std::string Int(int64_t v) { return std::to_string(v); }

class Dumper {
 public:
  Dumper(const std::vector<uint8_t>& file, const s::Model* m) : file_(file), m_(m) {}

  // Where a vector's payload starts in the file, or -1 for none.
  long Offset(const void* p) const { return p ? static_cast<long>(static_cast<const uint8_t*>(p) - file_.data()) : -1; }

  void Tensor(const std::string& name, const s::Tensor* t) {
    if (t == nullptr) {
      tensors_ += (tensors_.empty() ? "" : ",\n") + Quote(name) + ": null";
      return;
    }
    std::string e = "{\"dtype\": " + Quote(s::EnumNameDType(t->dtype())) +
                    ", \"shape\": " + List(t->shape(), [](uint32_t d) { return Int(d); }) +
                    ", \"buffer\": " + Int(t->buffer()) + ", \"layout\": " + Int(static_cast<int>(t->layout())) +
                    ", \"scales\": " + List(t->scales(), Float) + "}";
    tensors_ += (tensors_.empty() ? "" : ",\n") + Quote(name) + ": " + e;
  }

  void Linear(const std::string& name, const s::Linear* l) {
    if (l == nullptr) return;
    Tensor(name + ".weight", l->weight());
    Tensor(name + ".bias", l->bias());
    linears_ += (linears_.empty() ? "" : ", ") + Quote(name) +
                ": {\"input_smoothing\": " + List(l->input_smoothing(), Float) +
                ", \"input_scale\": " + Float(l->input_scale()) + "}";
  }

  void Norm(const std::string& name, const s::LayerNorm* n) {
    if (n == nullptr) return;
    Tensor(name + ".gamma", n->gamma());
    Tensor(name + ".beta", n->beta());
  }

  std::string Run() {
    const auto* e = m_->embeddings();
    if (e) {
      Tensor("embeddings.word", e->word());
      Tensor("embeddings.position", e->position());
      Tensor("embeddings.token_type", e->token_type());
      Norm("embeddings.norm", e->norm());
      Linear("embeddings.projection", e->projection());
    }
    if (m_->layers()) {
      for (uint32_t i = 0; i < m_->layers()->size(); ++i) {
        const auto* l = m_->layers()->Get(i);
        const std::string p = "layers." + std::to_string(i) + ".";
        Linear(p + "query", l->query());
        Linear(p + "key", l->key());
        Linear(p + "value", l->value());
        Linear(p + "attention_output", l->attention_output());
        Norm(p + "attention_norm", l->attention_norm());
        Linear(p + "intermediate", l->intermediate());
        Linear(p + "output", l->output());
        Norm(p + "output_norm", l->output_norm());
      }
    }
    Linear("pooler", m_->pooler());
    std::string classifier = "null";
    if (const auto* c = m_->classifier()) {
      Linear("classifier", c->dense());
      Linear("classifier.transform", c->transform());
      classifier = "{\"labels\": " + List(c->labels(), [](const flatbuffers::String* x) { return Quote(x->str()); }) +
                   ", \"score\": " + Quote(s::EnumNameScoreFunction(c->score())) +
                   (c->transform() ? ", \"transform_act\": " + Quote(s::EnumNameHiddenAct(c->transform_act())) : "") +
                   "}";
    }
    std::string mlm = "null";
    if (const auto* h = m_->masked_lm()) {
      Linear("masked_lm.transform", h->transform());
      Norm("masked_lm.transform_norm", h->transform_norm());
      Tensor("masked_lm.decoder", h->decoder());
      Tensor("masked_lm.decoder_bias", h->decoder_bias());
      mlm = std::string("{\"decoder_present\": ") + (h->decoder() ? "true" : "false") + "}";
    }
    if (const auto* n = m_->next_sentence()) Linear("next_sentence", n->dense());
    // Model.heads: tensors "heads.<kind>.<i>.weight/bias" (the kind's linears in order).
    std::string heads;
    if (const auto* hs = m_->heads()) {
      for (const auto* h : *hs) {
        const std::string kind = h->kind() ? h->kind()->str() : "";
        if (h->linears()) {
          for (uint32_t i = 0; i < h->linears()->size(); ++i) {
            Linear("heads." + kind + "." + std::to_string(i), h->linears()->Get(i));
          }
        }
        heads += (heads.empty() ? "" : ", ") + Quote(kind) +
                 ": {\"labels\": " + List(h->labels(), [](const flatbuffers::String* x) { return Quote(x->str()); }) +
                 "}";
      }
    }
    // Model.sentence_embedding: tensors "sentence_embedding.dense.<i>.weight/bias".
    std::string sentence = "null";
    if (const auto* se = m_->sentence_embedding()) {
      if (se->dense()) {
        for (uint32_t i = 0; i < se->dense()->size(); ++i) {
          Linear("sentence_embedding.dense." + std::to_string(i), se->dense()->Get(i));
        }
      }
      const auto pooling = [](s::SentencePooling p) { return Quote(s::EnumNameSentencePooling(p)); };
      const auto act = [](s::DenseActivation a) { return Quote(s::EnumNameDenseActivation(a)); };
      sentence = "{\"pooling\": " + List(se->pooling(), pooling) +
                 ", \"dense_activation\": " + List(se->dense_activation(), act) +
                 ", \"normalize\": " + (se->normalize() ? "true" : "false") + "}";
    }

    std::string out = "{\n\"size\": " + Int(static_cast<int64_t>(file_.size()));
    out += ",\n\"identifier\": " + Quote(std::string(flatbuffers::GetBufferIdentifier(file_.data()), 4));
    out += ",\n\"schema_version\": " + Int(m_->schema_version());
    const s::Checksum* sum = m_->checksum();
    out +=
        ",\n\"checksum\": " + (sum ? "{\"offset\": " + Int(Offset(sum)) + ", \"xxh64\": \"" + Hex(sum->xxh64()) + "\"}"
                                   : std::string("null"));
    out += ",\n\"buffers\": [";
    if (m_->buffers()) {
      for (uint32_t i = 0; i < m_->buffers()->size(); ++i) {
        const auto* d = m_->buffers()->Get(i)->data();
        out += std::string(i ? ", " : "") + "[" + Int(d ? Offset(d->data()) : -1) + ", " + Int(d ? d->size() : 0) + "]";
      }
    }
    out += "]";
    if (const auto* c = m_->config()) {
      out += ",\n\"config\": {\"vocab_size\": " + Int(c->vocab_size()) + ", \"hidden_size\": " + Int(c->hidden_size()) +
             ", \"num_layers\": " + Int(c->num_layers()) + ", \"num_heads\": " + Int(c->num_heads()) +
             ", \"intermediate_size\": " + Int(c->intermediate_size()) +
             ", \"max_position_embeddings\": " + Int(c->max_position_embeddings()) +
             ", \"type_vocab_size\": " + Int(c->type_vocab_size()) +
             ", \"layer_norm_eps\": " + Float(c->layer_norm_eps()) +
             ", \"hidden_act\": " + Quote(s::EnumNameHiddenAct(c->hidden_act())) +
             ", \"architecture\": " + Quote(s::EnumNameArchitecture(c->architecture())) +
             ", \"embedding_size\": " + Int(c->embedding_size()) + "}";
    }
    if (const auto* q = m_->quantization()) {
      out += ",\n\"quantization\": {\"weights\": " + Quote(s::EnumNameWeightQuantization(q->weights())) +
             ", \"activations\": " + Quote(s::EnumNameActivationQuantization(q->activations())) + "}";
    }
    if (const auto* t = m_->tokenizer()) {
      auto str = [](const flatbuffers::String* x) { return Quote(x->str()); };
      out += ",\n\"tokenizer\": {\"vocab\": " + List(t->vocab(), str) +
             ", \"do_lower_case\": " + (t->do_lower_case() ? "true" : "false") +
             ", \"strip_accents\": " + Quote(s::EnumNameStripAccents(t->strip_accents())) +
             ", \"tokenize_chinese_chars\": " + (t->tokenize_chinese_chars() ? "true" : "false") +
             ", \"unk_id\": " + Int(t->unk_id()) + ", \"cls_id\": " + Int(t->cls_id()) +
             ", \"sep_id\": " + Int(t->sep_id()) + ", \"pad_id\": " + Int(t->pad_id()) +
             ", \"mask_id\": " + Int(t->mask_id()) +
             ", \"special_ids\": " + List(t->special_ids(), [](int32_t x) { return Int(x); }) +
             ", \"max_seq_len\": " + Int(t->max_seq_len()) +
             ", \"max_input_chars_per_word\": " + Int(t->max_input_chars_per_word()) +
             ", \"vocab_index_format\": " + Int(t->vocab_index_format()) + ", \"vocab_index\": [" +
             Int(t->vocab_index() ? Offset(t->vocab_index()->data()) : -1) + ", " +
             Int(t->vocab_index() ? t->vocab_index()->size() : 0) + "]}";
    }
    out += ",\n\"classifier\": " + classifier + ",\n\"masked_lm\": " + mlm;
    out += ",\n\"heads\": {" + heads + "}";
    out += ",\n\"sentence_embedding\": " + sentence;
    out += std::string(",\n\"next_sentence\": ") + (m_->next_sentence() ? "true" : "false");
    out += std::string(",\n\"pooler\": ") + (m_->pooler() ? "true" : "false");
    out += ",\n\"activation_stats\": " + Int(m_->activation_stats() ? m_->activation_stats()->size() : -1);
    std::string ranges;
    if (const auto* stats = m_->activation_stats()) {
      for (const auto* st : *stats) {
        ranges += (ranges.empty() ? "" : ", ") + Quote(st->name() ? st->name()->str() : "") + ": " +
                  List(st->channel_abs_max(), Float);
      }
    }
    out += ",\n\"activation_ranges\": {" + ranges + "}";
    if (const auto* p = m_->provenance()) {
      auto source = [](const s::SourceFile* f) {
        return "{\"path\": " + Quote(f->path() ? f->path()->str() : "") +
               ", \"sha256\": " + Quote(f->sha256() ? f->sha256()->str() : "") +
               ", \"size\": " + Int(static_cast<int64_t>(f->size())) + "}";
      };
      out += ",\n\"provenance\": {\"source_format\": " + Quote(p->source_format() ? p->source_format()->str() : "") +
             ", \"source_files\": " + List(p->source_files(), source) +
             ", \"converter_version\": " + Quote(p->converter_version() ? p->converter_version()->str() : "") +
             ", \"command_line\": " + Quote(p->command_line() ? p->command_line()->str() : "") + "}";
    }
    out += ",\n\"sdk_load\": " + Quote(SdkLoad());
    out += ",\n\"linears\": {" + linears_ + "}";
    out += ",\n\"tensors\": {\n" + tensors_ + "}\n}\n";
    return out;
  }

 private:
  static std::string Hex(uint64_t v) {
    char buf[24];
    std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
    return buf;
  }

  // Whether the SDK itself accepts the file ("ok" or its error message).
  std::string SdkLoad() const {
    void* copy = std::aligned_alloc(EMBERT_MODEL_ALIGNMENT, (file_.size() + 63) / 64 * 64);
    std::memcpy(copy, file_.data(), file_.size());
    embert_model* model = nullptr;
    char err[512] = "";
    const embert_status st = embert_model_load_buffer(copy, file_.size(), &model, err, sizeof err);
    if (st == EMBERT_STATUS_OK) embert_model_destroy(model);
    std::free(copy);
    return st == EMBERT_STATUS_OK ? "ok" : std::string("error: ") + err;
  }

  const std::vector<uint8_t>& file_;
  const s::Model* m_;
  std::string tensors_, linears_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc == 4 && std::strcmp(argv[1], "--hash") == 0) {
    const std::vector<uint8_t> data = ReadFile(argv[2]);
    const uint64_t seed = std::strtoull(argv[3], nullptr, 0);
    embert::convert::Sha256 sha;
    sha.Update(data.data(), data.size());
    std::printf("{\"xxh64\": \"%016llx\", \"sha256\": \"%s\"}\n",
                static_cast<unsigned long long>(embert::Xxh64(data.data(), data.size(), seed)),
                sha.HexDigest().c_str());
    return 0;
  }
  if (argc != 2) {
    std::fprintf(stderr, "usage: embert_dump FILE | embert_dump --hash FILE SEED\n");
    return 2;
  }
  const std::vector<uint8_t> file = ReadFile(argv[1]);
  flatbuffers::Verifier verifier(file.data(), file.size());
  if (!s::VerifyModelBuffer(verifier)) {
    std::fprintf(stderr, "embert_dump: %s fails flatbuffers::Verifier\n", argv[1]);
    return 3;
  }
  std::fputs(Dumper(file, s::GetModel(file.data())).Run().c_str(), stdout);
  return 0;
}
