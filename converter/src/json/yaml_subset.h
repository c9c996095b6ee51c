// The part of YAML that model configuration files use (MindSpore model zoo
// *_config.yaml): block mappings by indentation, block sequences of scalars,
// plain/quoted scalars, comments, and "---" separating documents (only the
// first is read: the model zoo puts help texts for the same keys in the
// second). Anchors, tags, multi-line scalars and flow collections are not
// interpreted (a flow collection is kept as its text). Scalars become JSON
// values: true/false (any case), null/~, integers and floats, else strings.
#ifndef EMBERT_CONVERTER_JSON_YAML_SUBSET_H_
#define EMBERT_CONVERTER_JSON_YAML_SUBSET_H_

#include <string_view>

#include "json/json.h"

namespace embert::json {

// Throws ParseError "YAML line N: <what>" (tabs in indentation, a line that is
// neither "key: value" nor "- item", inconsistent indentation, nesting deeper
// than kMaxDepth).
Value ParseYamlSubset(std::string_view text);

}  // namespace embert::json

#endif  // EMBERT_CONVERTER_JSON_YAML_SUBSET_H_
