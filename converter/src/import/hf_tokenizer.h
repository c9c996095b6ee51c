// The tokenizer files of a Hugging Face BERT directory: vocab.txt,
// added_tokens.json, tokenizer_config.json, special_tokens_map.json.
#ifndef EMBERT_CONVERTER_IMPORT_HF_TOKENIZER_H_
#define EMBERT_CONVERTER_IMPORT_HF_TOKENIZER_H_

#include <string>
#include <vector>

#include "import/bert_model.h"

namespace embert::convert {

// Fills model->tokenizer (model->config must be read first: the vocabulary
// must have config.vocab_size tokens). Returns the files read.
std::vector<std::string> ReadHfTokenizer(const std::string& dir, BertModel* model);

// The same with the vocabulary at `vocab_path` and the JSON files (all
// optional) in `json_dir`: for checkpoints that keep vocab.txt elsewhere
// (a SavedModel's assets/, --vocab).
std::vector<std::string> ReadTokenizerFiles(const std::string& vocab_path, const std::string& json_dir,
                                            BertModel* model);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_HF_TOKENIZER_H_
