// The tokenizer files of a Hugging Face BERT directory: vocab.txt,
// added_tokens.json, tokenizer_config.json, special_tokens_map.json.
#ifndef EMBERT_CONVERTER_IMPORT_HF_TOKENIZER_H_
#define EMBERT_CONVERTER_IMPORT_HF_TOKENIZER_H_

#include <functional>
#include <string>
#include <vector>

#include "import/bert_model.h"

namespace embert::convert {

// Fills model->tokenizer (model->config must be read first: the vocabulary
// must have at least config.vocab_size tokens). Returns the files read.
std::vector<std::string> ReadHfTokenizer(const std::string& dir, BertModel* model);

// The same with the vocabulary at `vocab_path` and the JSON files (all
// optional) in `json_dir`: for checkpoints that keep vocab.txt elsewhere
// (a SavedModel's assets/, --vocab).
std::vector<std::string> ReadTokenizerFiles(const std::string& vocab_path, const std::string& json_dir,
                                            BertModel* model);

// The tokenizer against the embedding table, once the weights are read (the
// heads decide what [MASK] must be), decided as transformers would behave:
//   * vocabulary entries beyond config.vocab_size (a vocab.txt longer than
//     the table, added tokens without resize_token_embeddings) are kept, so
//     that words split as in transformers, and the SDK reads them as [UNK]:
//     a warning names them;
//   * [UNK], [CLS] or [SEP] beyond the table: ConvertError (every input has
//     [CLS] and [SEP]; the tokens beyond need [UNK]);
//   * [PAD] beyond it: a warning, pad_id -1 (embert never pads);
//   * [MASK] beyond it: ConvertError with a masked-LM head, else a warning
//     and mask_id -1;
//   * model_max_length beyond max_position_embeddings: a warning, clamped.
void FitTokenizerToTable(BertModel* model, const std::function<void(const std::string&)>& warn);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_HF_TOKENIZER_H_
