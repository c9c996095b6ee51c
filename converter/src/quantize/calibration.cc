#include "quantize/calibration.h"

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>

#include "embert/embert.h"
#include "embert/embert_experimental.h"
#include "format/activation_names.h"
#include "readers/convert_error.h"

namespace embert::convert {
namespace {

// A model loaded from the converter's in-memory file, with one context.
class Session {
 public:
  explicit Session(const std::vector<uint8_t>& file) : size_(file.size()) {
    bytes_ = static_cast<uint8_t*>(std::aligned_alloc(EMBERT_MODEL_ALIGNMENT, (size_ + 63) / 64 * 64));
    std::memcpy(bytes_, file.data(), size_);
    char err[256];
    if (embert_model_load_buffer(bytes_, size_, &model_, err, sizeof err) != EMBERT_STATUS_OK) {
      throw ConvertError(std::string("the written model does not load: ") + err);
    }
    size_t arena = 0;
    embert_context_arena_size(model_, nullptr, &arena);
    arena_ = std::aligned_alloc(EMBERT_ARENA_ALIGNMENT, (arena + 63) / 64 * 64);
    if (embert_context_create(model_, nullptr, arena_, arena, &ctx_, err, sizeof err) != EMBERT_STATUS_OK) {
      throw ConvertError(std::string("cannot run the written model: ") + err);
    }
  }
  ~Session() {
    embert_context_destroy(ctx_);
    std::free(arena_);
    embert_model_destroy(model_);
    std::free(bytes_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  embert_context* ctx() { return ctx_; }
  bool has_classifier() const {
    uint32_t n = 0;
    embert_model_get(model_, EMBERT_MODEL_NUM_LABELS, &n);
    return n > 0;
  }

  // Tokenizes a line (TAB = pair); false if the SDK refuses it.
  bool Input(const std::string& line) {
    const size_t tab = line.find('\t');
    const embert_status s = tab == std::string::npos
                                ? embert_tokenize(ctx_, line.data(), line.size(), nullptr, 0)
                                : embert_tokenize(ctx_, line.data(), tab, line.data() + tab + 1, line.size() - tab - 1);
    return s == EMBERT_STATUS_OK;
  }

 private:
  size_t size_;
  uint8_t* bytes_ = nullptr;
  embert_model* model_ = nullptr;
  void* arena_ = nullptr;
  embert_context* ctx_ = nullptr;
};

// Records into `user`, an observer of the type T, through the SDK's
// experimental observer (embert_experimental.h).
template <typename T>
void ObserveInto(void* user, embert_observation_point point, uint32_t layer, const float* a, const float* addend,
                 size_t rows, size_t cols, size_t stride) {
  static_cast<T*>(user)->Observe(point, layer, a, addend, rows, cols, stride);
}

template <typename T>
void SetObserver(embert_context* ctx, T* observer) {
  embert_experimental_set_observer(ctx, observer ? ObserveInto<T> : nullptr, observer);
}

class RangeRecorder {
 public:
  void Observe(embert_observation_point point, uint32_t layer, const float* a, const float* addend, size_t rows,
               size_t cols, size_t stride) {
    const std::string name = format::ActivationName(point, layer);
    ActivationStat& s = stats_[name];
    if (s.name.empty()) {
      s.name = name;
      s.min = INFINITY;
      s.max = -INFINITY;
      s.channel_abs_max.assign(cols, 0.0f);
    }
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < cols; ++c) {
        const float v = a[r * stride + c] + (addend ? addend[r * stride + c] : 0.0f);
        s.min = std::fmin(s.min, v);
        s.max = std::fmax(s.max, v);
        s.channel_abs_max[c] = std::fmax(s.channel_abs_max[c], std::fabs(v));
      }
    }
  }
  std::vector<ActivationStat> Take() {
    std::vector<ActivationStat> out;
    for (auto& [name, s] : stats_) out.push_back(std::move(s));
    return out;
  }

 private:
  std::map<std::string, ActivationStat> stats_;
};

// Keeps a copy of every layer's output of the last run.
class LayerCapture {
 public:
  void Observe(embert_observation_point point, uint32_t layer, const float* a, const float* addend, size_t rows,
               size_t cols, size_t stride) {
    if (point != EMBERT_OBSERVE_LAYER_OUTPUT) return;
    if (layer >= outputs_.size()) outputs_.resize(layer + 1);
    std::vector<float>& out = outputs_[layer];
    out.resize(rows * cols);
    for (size_t r = 0; r < rows; ++r) {
      for (size_t c = 0; c < cols; ++c)
        out[r * cols + c] = a[r * stride + c] + (addend ? addend[r * stride + c] : 0.0f);
    }
  }
  const std::vector<std::vector<float>>& outputs() const { return outputs_; }

 private:
  std::vector<std::vector<float>> outputs_;
};

}  // namespace

std::vector<std::string> ReadTextLines(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ConvertError("cannot read " + path);
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(f, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (!line.empty()) lines.push_back(line);
  }
  if (lines.empty()) throw ConvertError(path + ": no text lines");
  return lines;
}

std::vector<ActivationStat> RecordActivationRanges(const std::vector<uint8_t>& fp32_model,
                                                   const std::vector<std::string>& lines) {
  Session s(fp32_model);
  RangeRecorder recorder;
  SetObserver(s.ctx(), &recorder);
  for (const auto& line : lines) {
    if (!s.Input(line)) continue;
    const float* h;
    size_t rows, cols;
    embert_hidden_states(s.ctx(), &h, &rows, &cols);
  }
  SetObserver<RangeRecorder>(s.ctx(), nullptr);
  return recorder.Take();
}

Agreement CompareModels(const std::vector<uint8_t>& fp32_model, const std::vector<uint8_t>& int8_model,
                        const std::vector<std::string>& lines) {
  Session ref(fp32_model), q(int8_model);
  LayerCapture ref_layers, q_layers;
  SetObserver(ref.ctx(), &ref_layers);
  SetObserver(q.ctx(), &q_layers);
  Agreement a;
  double error_sum = 0;
  size_t error_count = 0;
  for (const auto& line : lines) {
    if (!ref.Input(line) || !q.Input(line)) continue;
    ++a.texts;
    const float *u, *v;
    size_t n = 0;
    embert_embed(ref.ctx(), EMBERT_POOLING_MEAN, 0, &u, &n);
    std::vector<float> ue(u, u + n);
    embert_embed(q.ctx(), EMBERT_POOLING_MEAN, 0, &v, &n);
    const auto& lr = ref_layers.outputs();
    const auto& lq = q_layers.outputs();
    a.layer_relative_error.resize(lr.size(), 0.0);
    for (size_t l = 0; l < lr.size() && l < lq.size(); ++l) {
      double diff = 0, norm = 0;
      for (size_t i = 0; i < lr[l].size() && i < lq[l].size(); ++i) {
        diff += (double(lq[l][i]) - lr[l][i]) * (double(lq[l][i]) - lr[l][i]);
        norm += double(lr[l][i]) * lr[l][i];
      }
      a.layer_relative_error[l] += std::sqrt(diff / (norm + 1e-30));
    }
    double dot = 0, nu = 0, nv = 0;
    for (size_t i = 0; i < n; ++i) {
      dot += double(ue[i]) * v[i];
      nu += double(ue[i]) * ue[i];
      nv += double(v[i]) * v[i];
    }
    a.min_cosine = std::fmin(a.min_cosine, dot / std::sqrt(nu * nv + 1e-30));
    if (ref.has_classifier()) {
      embert_classification r1, r2;
      r1.struct_size = r2.struct_size = sizeof r1;
      embert_classify(ref.ctx(), &r1);
      std::vector<float> l1(r1.logits, r1.logits + r1.num_labels);
      embert_classify(q.ctx(), &r2);
      a.same_top_label += r1.index == r2.index;
      for (size_t i = 0; i < r1.num_labels; ++i) {
        const double e = std::fabs(double(l1[i]) - r2.logits[i]);
        a.max_logit_error = std::fmax(a.max_logit_error, e);
        error_sum += e;
        ++error_count;
      }
    }
  }
  a.mean_logit_error = error_count ? error_sum / error_count : 0;
  for (double& e : a.layer_relative_error) e /= a.texts ? double(a.texts) : 1.0;
  SetObserver<LayerCapture>(ref.ctx(), nullptr);
  SetObserver<LayerCapture>(q.ctx(), nullptr);
  return a;
}

Evaluation Evaluate(const std::vector<uint8_t>& fp32_model, const std::vector<uint8_t>& int8_model,
                    const std::vector<std::string>& labels, const std::string& tsv_path) {
  Session ref(fp32_model), q(int8_model);
  if (!ref.has_classifier()) throw ConvertError("--evaluate needs a classification head");
  Evaluation e;
  double error_sum = 0;
  size_t error_count = 0;
  bool first = true;
  for (const std::string& line : ReadTextLines(tsv_path)) {
    const size_t last_tab = line.rfind('\t');
    if (last_tab == std::string::npos) throw ConvertError(tsv_path + ": a line without a TAB-separated label");
    const std::string text = line.substr(0, last_tab), label = line.substr(last_tab + 1);
    size_t want = 0;
    while (want < labels.size() && labels[want] != label) ++want;
    if (want == labels.size()) {
      if (first) {  // a header
        first = false;
        continue;
      }
      throw ConvertError(tsv_path + ": label \"" + label + "\" is not one of the model's");
    }
    first = false;
    if (!ref.Input(text) || !q.Input(text)) throw ConvertError(tsv_path + ": the SDK refused \"" + text + "\"");
    embert_classification r1, r2;
    r1.struct_size = r2.struct_size = sizeof r1;
    embert_classify(ref.ctx(), &r1);
    const std::vector<float> l1(r1.logits, r1.logits + r1.num_labels);
    const size_t i1 = r1.index;
    embert_classify(q.ctx(), &r2);
    ++e.examples;
    e.fp32_correct += i1 == want;
    e.int8_correct += r2.index == want;
    e.same_top_label += r2.index == i1;
    for (size_t i = 0; i < l1.size(); ++i) {
      const double d = std::fabs(double(l1[i]) - r2.logits[i]);
      e.max_logit_error = std::fmax(e.max_logit_error, d);
      error_sum += d;
      ++error_count;
    }
  }
  e.mean_logit_error = error_count ? error_sum / error_count : 0;
  return e;
}

}  // namespace embert::convert
