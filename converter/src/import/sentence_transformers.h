// A sentence-transformers model directory as published: modules.json lists
// the modules (Transformer, Pooling, Dense, Normalize) with their folders;
// the Transformer is the BERT directory itself (path "") or a subfolder, read
// like any Hugging Face directory; the modules after it become
// BertModel::sentence_embedding.
#ifndef EMBERT_CONVERTER_IMPORT_SENTENCE_TRANSFORMERS_H_
#define EMBERT_CONVERTER_IMPORT_SENTENCE_TRANSFORMERS_H_

#include <string>

#include "import/bert_model.h"

namespace embert::convert {

// `dir` is a directory holding modules.json.
bool IsSentenceTransformersDirectory(const std::string& dir);

// The folder of the Transformer module (`dir` itself for path ""). Checks the
// module list first: ConvertError for a module bert-convert does not read.
std::string SentenceTransformerFolder(const std::string& dir);

// Reads the Pooling, Dense and Normalize modules and
// sentence_bert_config.json (max_seq_length, do_lower_case) into `m`, whose
// BERT was loaded from SentenceTransformerFolder(dir); adds the files read to
// m->source_files.
void ApplySentenceTransformers(const std::string& dir, BertModel* m);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_SENTENCE_TRANSFORMERS_H_
