// Internal error type: a status code plus a short formatted message.
//
// The SDK returns errors instead of throwing or aborting, because firmware
// callers must survive any input. With EMBERT_STRIP_ERROR_STRINGS the messages
// compile to nothing and only the codes remain (saves flash).
#ifndef EMBERT_SDK_CORE_STATUS_H_
#define EMBERT_SDK_CORE_STATUS_H_

#include <cstddef>
#include <cstdio>

#include "embert/embert.h"

namespace embert {

class Status {
 public:
  Status() = default;
  static Status Ok() { return Status(); }

#if defined(EMBERT_STRIP_ERROR_STRINGS)
  template <typename... Args>
  static Status Error(embert_status code, const char*, Args...) {
    Status s;
    s.code_ = code;
    return s;
  }
#else
  // printf-style message; truncated to the buffer.
  template <typename... Args>
  static Status Error(embert_status code, const char* format, Args... args) {
    Status s;
    s.code_ = code;
    if constexpr (sizeof...(Args) == 0) {
      std::snprintf(s.message_, sizeof(s.message_), "%s", format);
    } else {
      std::snprintf(s.message_, sizeof(s.message_), format, args...);
    }
    return s;
  }
#endif

  bool ok() const { return code_ == EMBERT_STATUS_OK; }
  embert_status code() const { return code_; }
  const char* message() const { return message_; }

 private:
  embert_status code_ = EMBERT_STATUS_OK;
  char message_[224] = {0};
};

}  // namespace embert

#define EMBERT_RETURN_IF_ERROR(expr)                         \
  do {                                                       \
    ::embert::Status embert_status_tmp_ = (expr);            \
    if (!embert_status_tmp_.ok()) return embert_status_tmp_; \
  } while (0)

#endif  // EMBERT_SDK_CORE_STATUS_H_
