#include "import/hf_tokenizer.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <utility>

#include "import/hf_files.h"
#include "readers/convert_error.h"

namespace embert::convert {
namespace {

// Special tokens appear as strings or as {"content": ...} objects.
std::string TokenText(const json::Value& v) {
  if (v.is_string()) return v.as_string();
  if (const json::Value* c = v.find("content"); c && c->is_string()) return c->as_string();
  return "";
}

// Tokens added after training (tokenizer.add_tokens): added_tokens.json
// ({"token": id}, older transformers) and tokenizer_config.json's
// added_tokens_decoder ({"id": {"content": ...}}, transformers >= 4.34).
void CollectAddedTokens(const json::Value& obj, bool by_id, const std::string& path,
                        std::map<int64_t, std::string>* added) {
  if (!obj.is_object()) throw ConvertError(path + ": added tokens are not a JSON object");
  for (const auto& [key, value] : obj.items()) {
    int64_t id = -1;
    std::string text;
    if (by_id) {
      char* end = nullptr;
      id = std::strtoll(key.c_str(), &end, 10);
      if (key.empty() || *end != '\0') id = -1;
      text = TokenText(value);
    } else {
      id = value.is_number() && value.as_number() == std::floor(value.as_number())
               ? static_cast<int64_t>(value.as_number())
               : -1;
      text = key;
    }
    if (id < 0 || text.empty()) throw ConvertError(path + ": bad added token entry \"" + key + "\"");
    const auto [it, inserted] = added->emplace(id, text);
    if (!inserted && it->second != text) {
      throw ConvertError(path + ": added token id " + std::to_string(id) + " is both \"" + it->second + "\" and \"" +
                         text + "\"");
    }
  }
}

}  // namespace

std::vector<std::string> ReadHfTokenizer(const std::string& dir, BertModel* m) {
  if (!IsFile(dir + "/vocab.txt")) throw ConvertError(dir + ": no vocab.txt (BERT's WordPiece vocabulary)");
  return ReadTokenizerFiles(dir + "/vocab.txt", dir, m);
}

std::vector<std::string> ReadTokenizerFiles(const std::string& vocab_path, const std::string& dir, BertModel* m) {
  TokenizerSettings& t = m->tokenizer;
  std::vector<std::string> files;
  if (!IsFile(vocab_path)) throw ConvertError(vocab_path + ": no such vocabulary file (BERT's WordPiece vocab.txt)");
  files.push_back(vocab_path);
  std::istringstream vocab(ReadText(vocab_path));
  std::string line;
  while (std::getline(vocab, line)) t.vocab.push_back(line);  // Hugging Face strips only "\n"
  const size_t base = t.vocab.size();

  std::map<int64_t, std::string> added;
  std::map<std::string, std::string> names = {{"unk_token", "[UNK]"},
                                              {"cls_token", "[CLS]"},
                                              {"sep_token", "[SEP]"},
                                              {"pad_token", "[PAD]"},
                                              {"mask_token", "[MASK]"}};
  std::vector<std::string> extra;
  if (IsFile(dir + "/added_tokens.json")) {
    files.push_back(dir + "/added_tokens.json");
    CollectAddedTokens(ReadJson(files.back()), false, files.back(), &added);
  }
  // special_tokens_map.json first: tokenizer_config.json, read second, wins.
  for (const char* name : {"/special_tokens_map.json", "/tokenizer_config.json"}) {
    const std::string path = dir + name;
    if (!IsFile(path)) continue;
    files.push_back(path);
    const json::Value c = ReadJson(path);
    for (auto& [key, value] : names) {
      if (const json::Value* v = c.find(key)) {
        if (!TokenText(*v).empty()) value = TokenText(*v);
      }
    }
    if (const json::Value* a = c.find("additional_special_tokens"); a && a->is_array()) {
      for (const auto& x : a->as_array()) extra.push_back(TokenText(x));
    }
    if (std::string(name) != "/tokenizer_config.json") continue;
    if (const json::Value* v = c.find("do_lower_case"); v && v->is_bool()) t.do_lower_case = v->as_bool();
    if (const json::Value* v = c.find("strip_accents")) {
      t.strip_accents = v->is_bool() ? (v->as_bool() ? 1 : 0) : -1;  // null: follow lower-casing
    }
    if (const json::Value* v = c.find("tokenize_chinese_chars"); v && v->is_bool()) {
      t.tokenize_chinese_chars = v->as_bool();
    }
    if (const json::Value* v = c.find("model_max_length"); v && v->is_number()) {
      // Hugging Face writes 1e30 (VERY_LARGE_INTEGER) for "no limit": the
      // position table decides. A real length beyond the table is clamped to
      // it with a warning (FitTokenizerToTable).
      const double n = v->as_number();
      if (n >= 3 && n < 1e9) t.max_seq_len = static_cast<uint32_t>(n);
    }
    if (const json::Value* d = c.find("added_tokens_decoder")) CollectAddedTokens(*d, true, path, &added);
  }

  // Added tokens beyond vocab.txt extend it, in id order and without gaps
  // (resize_token_embeddings gave them the next rows); those inside it must
  // name the token already there.
  for (const auto& [id, text] : added) {
    if (static_cast<size_t>(id) < base) {
      if (t.vocab[id] != text) {
        throw ConvertError(dir + ": added token \"" + text + "\" has id " + std::to_string(id) +
                           ", where vocab.txt has \"" + t.vocab[id] + "\"");
      }
    } else if (static_cast<size_t>(id) == t.vocab.size()) {
      t.vocab.push_back(text);
    } else {
      throw ConvertError(dir + ": added token \"" + text + "\" has id " + std::to_string(id) + " but the vocabulary " +
                         "ends at " + std::to_string(t.vocab.size() - 1) + " (ids must follow vocab.txt without gaps)");
    }
  }
  // Longer than the embedding table is what transformers loads too (and
  // FitTokenizerToTable warns about); shorter leaves rows without a token,
  // which FitTokenizerToTable fills with placeholders.
  std::map<std::string, int32_t> ids;
  for (size_t i = 0; i < t.vocab.size(); ++i) ids[t.vocab[i]] = static_cast<int32_t>(i);  // last wins, as HF
  auto id_of = [&](const std::string& token, bool required) -> int32_t {
    const auto it = ids.find(token);
    if (it == ids.end()) {
      if (required) throw ConvertError(vocab_path + ": special token " + token + " is not in the vocabulary");
      return -1;
    }
    return it->second;
  };
  t.unk_id = id_of(names["unk_token"], true);
  t.cls_id = id_of(names["cls_token"], true);
  t.sep_id = id_of(names["sep_token"], true);
  t.pad_id = id_of(names["pad_token"], false);
  t.mask_id = id_of(names["mask_token"], false);
  // Every special and added token is matched whole in the text before
  // WordPiece, as Hugging Face's tokenizers do.
  std::set<int32_t> special = {t.unk_id, t.cls_id, t.sep_id};
  if (t.pad_id >= 0) special.insert(t.pad_id);
  if (t.mask_id >= 0) special.insert(t.mask_id);
  for (const auto& e : extra) {
    const int32_t id = id_of(e, false);
    if (id >= 0) special.insert(id);
  }
  for (const auto& [id, text] : added) special.insert(static_cast<int32_t>(id));
  t.special_ids.assign(special.begin(), special.end());
  return files;
}

namespace {
std::string table_rows_text(uint32_t rows) {
  return "the embedding table " + std::to_string(rows) + " rows (vocab_size)";
}
}  // namespace

void FitTokenizerToTable(BertModel* m, const std::function<void(const std::string&)>& warn) {
  TokenizerSettings& t = m->tokenizer;
  const uint32_t rows = m->config.vocab_size;
  // An embedding table padded beyond vocab.txt (vocab_size rounded up to a
  // multiple of 8 or 64 for the GPU) loads in transformers: its tokenizer
  // never produces those ids. Give each such row a placeholder entry that no
  // text can produce either (BERT's tokenizer splits "[" off every word).
  if (t.vocab.size() < rows) {
    const size_t first = t.vocab.size();
    warn("the vocabulary has " + std::to_string(first) + " tokens and " + table_rows_text(rows) + ": rows " +
         std::to_string(first) + ".." + std::to_string(rows - 1) +
         " have no token (no text produces them, as in transformers); written as placeholders [embert:row N]");
    for (size_t id = first; id < rows; ++id) t.vocab.push_back("[embert:row " + std::to_string(id) + "]");
  }
  const auto quoted = [&](int32_t id) { return std::to_string(id) + " \"" + t.vocab[id] + "\""; };
  const auto outside = [&](int32_t id) { return id >= 0 && static_cast<uint32_t>(id) >= rows; };
  const std::string table = "the embedding table has " + std::to_string(rows) + " rows (vocab_size)";
  // Every input holds [CLS] and [SEP], and the tokens beyond the table need
  // [UNK] to stand for them: transformers would index past the table.
  for (const auto& [name, id] :
       {std::pair<const char*, int32_t>{"[UNK]", t.unk_id}, {"[CLS]", t.cls_id}, {"[SEP]", t.sep_id}}) {
    if (outside(id)) {
      throw ConvertError(
          std::string("the tokenizer's ") + name + " token is " + quoted(id) + " but " + table +
          ": every input would index past it" +
          (std::string(name) == "[UNK]" ? ", and tokens beyond the table could not be read as [UNK]" : ""));
    }
  }
  if (t.vocab.size() > rows) {
    std::string listed;
    const size_t extra = t.vocab.size() - rows;
    const size_t shown = std::min<size_t>(extra, 5);
    for (size_t i = 0; i < shown; ++i) listed += (i ? ", " : "") + quoted(static_cast<int32_t>(rows + i));
    if (extra > shown) listed += " and " + std::to_string(extra - shown) + " more";
    warn("the vocabulary (vocab.txt and added tokens) has " + std::to_string(t.vocab.size()) + " entries but " + table +
         "; " + std::to_string(extra) + " without a row (" + listed +
         ") still split words as in transformers but are read as [UNK]");
  }
  // embert runs one sequence and never pads: a [PAD] without a row is not
  // needed (transformers only fails when padding a batch with it).
  if (outside(t.pad_id)) {
    warn("the tokenizer's [PAD] token is " + quoted(t.pad_id) + ", beyond the table; not recorded as the pad token " +
         "(embert never pads; in text it is read as [UNK])");
    t.pad_id = -1;
  }
  // [MASK] marks where the masked-LM head predicts: with that head it must
  // have a row; without it, it is only a word.
  if (outside(t.mask_id)) {
    if (m->has_masked_lm) {
      throw ConvertError("the tokenizer's [MASK] token is " + quoted(t.mask_id) + " but " + table +
                         ": the masked-LM head could never see it");
    }
    warn("the tokenizer's [MASK] token is " + quoted(t.mask_id) +
         ", beyond the table; not recorded as the mask token " +
         "(the checkpoint has no masked-LM head; in text it is read as [UNK])");
    t.mask_id = -1;
  }
  const uint32_t positions = m->config.max_position_embeddings;
  if (t.max_seq_len > positions) {
    warn("tokenizer_config.json's model_max_length " + std::to_string(t.max_seq_len) + " exceeds the model's " +
         std::to_string(positions) + " positions (max_position_embeddings); inputs are limited to " +
         std::to_string(positions) + " tokens");
    t.max_seq_len = positions;
  }
}

}  // namespace embert::convert
