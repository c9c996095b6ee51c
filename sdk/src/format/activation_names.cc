#include "format/activation_names.h"

namespace embert::format {

std::string ActivationName(embert_observation_point point, uint32_t layer) {
  const char* name = "";
  switch (point) {
    case EMBERT_OBSERVE_EMBEDDINGS_OUTPUT: return "embeddings.output";
    case EMBERT_OBSERVE_ATTENTION_INPUT: name = "attention.input"; break;
    case EMBERT_OBSERVE_ATTENTION_OUTPUT_INPUT: name = "attention_output.input"; break;
    case EMBERT_OBSERVE_ATTENTION_NORM_INPUT: name = "attention_norm.input"; break;
    case EMBERT_OBSERVE_INTERMEDIATE_INPUT: name = "intermediate.input"; break;
    case EMBERT_OBSERVE_INTERMEDIATE_OUTPUT: name = "intermediate.output"; break;
    case EMBERT_OBSERVE_OUTPUT_INPUT: name = "output.input"; break;
    case EMBERT_OBSERVE_OUTPUT_NORM_INPUT: name = "output_norm.input"; break;
    case EMBERT_OBSERVE_LAYER_OUTPUT: name = "output"; break;
    case EMBERT_OBSERVATION_POINT_COUNT: break;
  }
  return "layers." + std::to_string(layer) + "." + name;
}

}  // namespace embert::format
