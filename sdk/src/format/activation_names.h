// Names of the encoder's activations in a .embert file (Model.activation_stats,
// which bert-convert records from the experimental observer's points):
// "embeddings.output", then "layers.N.<point>" with N from 0.
#ifndef EMBERT_SDK_FORMAT_ACTIVATION_NAMES_H_
#define EMBERT_SDK_FORMAT_ACTIVATION_NAMES_H_

#include <cstdint>
#include <string>

#include "embert/embert_experimental.h"

namespace embert::format {

// The file's name of `point` of encoder layer `layer` (ignored for the
// embeddings). Converter side: in embert_format_build, not libembert.a.
std::string ActivationName(embert_observation_point point, uint32_t layer);

}  // namespace embert::format

#endif  // EMBERT_SDK_FORMAT_ACTIVATION_NAMES_H_
