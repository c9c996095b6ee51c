// The converter's one error type: a message naming the file and the tensor
// or field. bert-convert prints it and exits 1.
#ifndef EMBERT_CONVERTER_READERS_CONVERT_ERROR_H_
#define EMBERT_CONVERTER_READERS_CONVERT_ERROR_H_

#include <stdexcept>
#include <string>

namespace embert::convert {

class ConvertError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace embert::convert

#endif  // EMBERT_CONVERTER_READERS_CONVERT_ERROR_H_
