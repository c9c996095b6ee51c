#include "decode/entities.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "decode/float32_math.h"

namespace embert::decode {
namespace {

size_t CodePoints(const char* s, size_t n) {
  size_t count = 0;
  for (size_t i = 0; i < n; ++i) count += (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80;
  return count;
}

bool IsO(const char* name) { return name[0] == 'O' && name[1] == '\0'; }

// HF's get_tag: ("B-X") -> (B, X), ("I-X") -> (I, X), else (I, whole name).
struct Tag {
  bool begin;
  const char* name;
};

Tag GetTag(const char* label) {
  if (label[0] == 'B' && label[1] == '-') return {true, label + 2};
  if (label[0] == 'I' && label[1] == '-') return {false, label + 2};
  return {false, label};
}

// np.max of a row: NaN if any element is NaN.
float RowMax(const float* row, size_t n) {
  float m = row[0];
  for (size_t i = 0; i < n; ++i) {
    if (std::isnan(row[i])) return row[i];
    if (row[i] > m) m = row[i];
  }
  return m;
}

// numpy's _divide_by_count: the float32 sum divided by an integer count in
// float64, then rounded back to float32; 0 / 0 is NaN.
float DivideByCount(float sum, size_t count) {
  if (count == 0) return std::numeric_limits<float>::quiet_NaN();
  return static_cast<float>(static_cast<double>(sum) / static_cast<double>(count));
}

Entity Single(const float* row, size_t num_labels, const TaggedToken& token, size_t t) {
  const size_t label = detail::ArgMax(row, num_labels);
  return Entity{static_cast<uint32_t>(label), token.begin, token.end, row[label], static_cast<uint32_t>(t),
                static_cast<uint32_t>(t)};
}

// HF's aggregate_word for the tokens [first, last] of one word.
Entity AggregateWord(const float* probs, size_t num_labels, const TaggedToken* tokens, size_t first, size_t last,
                     Aggregation aggregation, float* scratch) {
  Entity e = Single(probs + first * num_labels, num_labels, tokens[first], first);  // kFirst
  if (aggregation == Aggregation::kMax) {
    // Python's max(entities, key=scores.max()): the first token whose key is
    // greater than every earlier one's (a NaN key never replaces, and a NaN
    // first key is never replaced).
    size_t best = first;
    float best_max = RowMax(probs + first * num_labels, num_labels);
    for (size_t t = first + 1; t <= last; ++t) {
      const float m = RowMax(probs + t * num_labels, num_labels);
      if (m > best_max) {
        best = t;
        best_max = m;
      }
    }
    e = Single(probs + best * num_labels, num_labels, tokens[best], best);
  } else if (aggregation == Aggregation::kAverage) {
    // np.nanmean(stack, axis=0): per label, a float32 sum over the word's rows
    // in order (the reduction over axis 0 adds whole rows), NaN as 0, divided
    // by the count of non-NaN values.
    for (size_t j = 0; j < num_labels; ++j) {
      float sum = 0.0f;
      size_t count = 0;
      for (size_t t = first; t <= last; ++t) {
        const float p = probs[t * num_labels + j];
        if (!std::isnan(p)) {
          sum += p;
          ++count;
        }
      }
      scratch[j] = DivideByCount(sum, count);
    }
    const size_t label = detail::ArgMax(scratch, num_labels);
    e.label = static_cast<uint32_t>(label);
    e.score = scratch[label];
  }
  e.begin = tokens[first].begin;
  e.end = tokens[last].end;
  e.first_token = static_cast<uint32_t>(first);
  e.last_token = static_cast<uint32_t>(last);
  return e;
}

// HF's group_sub_entities over entities[first, end).
Entity Group(const Entity* entities, size_t first, size_t end, float* scratch) {
  size_t count = 0;
  for (size_t i = first; i < end; ++i) {
    const float s = entities[i].score;
    scratch[i - first] = std::isnan(s) ? 0.0f : s;
    count += !std::isnan(s);
  }
  Entity g = entities[first];
  g.score = DivideByCount(detail::PairwiseSum(scratch, end - first, 1), count);
  g.end = entities[end - 1].end;
  g.last_token = entities[end - 1].last_token;
  return g;
}

}  // namespace

bool IsSubword(const char* vocab_entry, size_t entry_size, const char* source, size_t source_size, bool is_unk) {
  if (is_unk) return false;
  return CodePoints(vocab_entry, entry_size) != CodePoints(source, source_size);
}

const char* GroupName(const char* tag) {
  const char* dash = std::strchr(tag, '-');
  return dash != nullptr ? dash + 1 : tag;
}

size_t EntityScratchBytes(size_t tokens, size_t num_labels) {
  if (tokens == 0) return 0;
  // kAverage's mean vector (num_labels) and a group's scores (at most
  // `tokens`) are never live at once.
  return (tokens > num_labels ? tokens : num_labels) * sizeof(float);
}

size_t ExtractEntities(const float* probs, size_t num_labels, const char* const* labels, const TaggedToken* tokens,
                       size_t n, Aggregation aggregation, void* scratch, Entity* out) {
  if (n == 0 || num_labels == 0) return 0;
  float* scratch_floats = static_cast<float*>(scratch);

  // Pass 1: one entity per token (kNone, kSimple) or per word, into out.
  size_t m = 0;
  if (aggregation == Aggregation::kNone || aggregation == Aggregation::kSimple) {
    for (size_t t = 0; t < n; ++t) out[m++] = Single(probs + t * num_labels, num_labels, tokens[t], t);
  } else {
    size_t first = 0;
    for (size_t t = 1; t <= n; ++t) {
      if (t == n || !tokens[t].is_subword) {
        out[m++] = AggregateWord(probs, num_labels, tokens, first, t - 1, aggregation, scratch_floats);
        first = t;
      }
    }
  }

  if (aggregation == Aggregation::kNone) {
    size_t kept = 0;
    for (size_t i = 0; i < m; ++i) {
      if (!IsO(labels[out[i].label])) out[kept++] = out[i];
    }
    return kept;
  }

  // Pass 2, in place: group out[0, m) into out[0, kept). A group is written
  // only after all its members were read, at an index <= its first member's.
  size_t kept = 0;
  size_t first = 0;
  Tag last = GetTag(labels[out[0].label]);
  for (size_t i = 1; i <= m; ++i) {
    Tag tag{};
    bool close = i == m;
    if (!close) {
      tag = GetTag(labels[out[i].label]);
      close = tag.begin || std::strcmp(tag.name, last.name) != 0;
    }
    if (close) {
      const Entity g = Group(out, first, i, scratch_floats);
      if (!IsO(GroupName(labels[g.label]))) out[kept++] = g;
      first = i;
    }
    last = tag;
  }
  return kept;
}

}  // namespace embert::decode
