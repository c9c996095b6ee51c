// The tensor-name layouts BERT checkpoints come in, and adapters that present
// any of them under Hugging Face's names and orientation, so that one loader
// (bert_names.h) turns every source into the same BertModel.
//
//   Hugging Face   bert.encoder.layer.0.attention.self.query.weight   [out, in]
//   Google TF1     bert/encoder/layer_0/attention/self/query/kernel   [in, out]
//   TF2 objects    encoder/layer_with_weights-4/_attention_layer/_query_dense/kernel/.ATTRIBUTES/VARIABLE_VALUE
//                  [in, heads, head_dim] (Model Garden EinsumDense)
//   MindSpore      bert.bert.bert_encoder.layers.0.attention.attention.query_layer.weight  [out, in]
//
// The full tables are in converter/README.md. Optimizer state (Adam slots,
// moments, step counters) is recognised and ignored; any other tensor a
// layout does not place is reported as unused. An unknown layout is an error
// that lists names found and the names each layout starts from.
#ifndef EMBERT_CONVERTER_IMPORT_SOURCE_LAYOUTS_H_
#define EMBERT_CONVERTER_IMPORT_SOURCE_LAYOUTS_H_

#include <memory>
#include <string>

#include "readers/checkpoint.h"

namespace embert::convert {

// kDistilBert and kElectra: those families' Hugging Face names (layout_distilbert.cc).
enum class Layout { kHuggingFace, kGoogleTf1, kTf2Objects, kMindSpore, kDistilBert, kElectra };

const char* LayoutName(
    Layout layout);  // "huggingface", "google-tf1", "tf2-objects", "mindspore", "distilbert", "electra"

// DistilBERT's names (…transformer.layer.0.attention.q_lin.weight) or
// ELECTRA's under "electra." (a bare ElectraModel has BERT's names): true
// and *layout set; false for anything else.
bool DetectFamilyLayout(const CheckpointReader& reader, Layout* layout);

// Recognises the layout by its word-embedding tensor's name; ConvertError
// (naming what was found and expected) when none matches.
Layout DetectLayout(const CheckpointReader& reader);

// What an adapter learned that the names alone do not say.
struct LayoutFacts {
  int num_heads = 0;  // TF2 EinsumDense kernels are [hidden, heads, head_dim]; 0: unknown
};

// `source` presented under Hugging Face names ([out, in] weights, flattened
// EinsumDense kernels): tensors() lists only what maps onto BERT, in the
// source's order; skipped() adds the optimizer state that was left out;
// source_name() gives each tensor's name in the file. Tensors of the source
// that map to nothing are printed as warnings on stderr. kHuggingFace returns
// `source` unchanged.
std::unique_ptr<CheckpointReader> RenameToHuggingFace(std::unique_ptr<CheckpointReader> source, Layout layout,
                                                      LayoutFacts* facts);

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_IMPORT_SOURCE_LAYOUTS_H_
