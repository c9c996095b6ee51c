// Helpers of the C boundary: statuses to caller buffers and context messages.
#ifndef EMBERT_SDK_API_C_API_UTIL_H_
#define EMBERT_SDK_API_C_API_UTIL_H_

#include <cstdio>

#include "core/status.h"

namespace embert {

// Copies the status' message (or its code's description) into a caller's
// optional buffer and returns the code.
inline embert_status ReportTo(const Status& s, char* buffer, size_t size) {
  if (buffer != nullptr && size > 0) {
    const char* text = s.message()[0] ? s.message() : (s.ok() ? "" : embert_status_string(s.code()));
    std::snprintf(buffer, size, "%s", text);
  }
  return s.code();
}

}  // namespace embert

#endif  // EMBERT_SDK_API_C_API_UTIL_H_
