// C API: versions, status strings and models.
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <new>

#include "api/c_api_util.h"
#include "format/format.h"
#include "heads/head_unit.h"
#include "model/model.h"

#ifndef EMBERT_VERSION_STRING
#define EMBERT_VERSION_STRING "0.0.0"
#endif

namespace embert {

void RetainModel(const embert_model* model) { model->references.fetch_add(1, std::memory_order_relaxed); }

void ReleaseModel(const embert_model* model) {
  if (model->references.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  auto* m = const_cast<embert_model*>(model);
  if (m->mapping != nullptr) munmap(m->mapping, m->mapping_size);
  std::free(m->owned_copy);
  delete m;
}

}  // namespace embert

extern "C" {

const char* embert_version_string(void) { return EMBERT_VERSION_STRING; }

uint32_t embert_version_number(void) {
  return EMBERT_VERSION_MAJOR * 10000 + EMBERT_VERSION_MINOR * 100 + EMBERT_VERSION_PATCH;
}

uint32_t embert_schema_version(void) { return embert::format::kSchemaVersion; }

const char* embert_status_string(embert_status status) {
  switch (status) {
    case EMBERT_STATUS_OK: return "ok";
    case EMBERT_STATUS_INVALID_ARGUMENT: return "invalid argument";
    case EMBERT_STATUS_IO_ERROR: return "I/O error";
    case EMBERT_STATUS_INVALID_MODEL: return "invalid model";
    case EMBERT_STATUS_UNSUPPORTED_VERSION: return "unsupported model version";
    case EMBERT_STATUS_CHECKSUM_MISMATCH: return "model checksum mismatch";
    case EMBERT_STATUS_MISALIGNED: return "misaligned buffer";
    case EMBERT_STATUS_ARENA_TOO_SMALL: return "arena too small";
    case EMBERT_STATUS_INVALID_UTF8: return "invalid UTF-8";
    case EMBERT_STATUS_SEQUENCE_TOO_LONG: return "sequence too long";
    case EMBERT_STATUS_NO_INPUT: return "no input";
    case EMBERT_STATUS_UNSUPPORTED: return "unsupported by this model";
    case EMBERT_STATUS_BACKEND_ERROR: return "compute engine error";
    case EMBERT_STATUS_OUT_OF_MEMORY: return "out of memory";
    case EMBERT_STATUS_INTERNAL: return "internal error";
    case EMBERT_STATUS_MODEL_RELEASED: return "the context's model was destroyed";
  }
  return "unknown status";
}

}  // extern "C"

namespace {

embert_status Finish(embert_model* model, embert_model** out, char* message, size_t message_size) {
  embert::Status s = embert::VerifyModel(model);
  if (s.ok()) s = embert::heads::VerifyHeads(*model);
  if (!s.ok()) {
    embert_model_destroy(model);
    return embert::ReportTo(s, message, message_size);
  }
  *out = model;
  embert::ReportTo(embert::Status::Ok(), message, message_size);
  return EMBERT_STATUS_OK;
}

}  // namespace

extern "C" {

embert_status embert_model_load_buffer(const void* data, size_t size, embert_model** out_model, char* error_message,
                                       size_t error_message_size) {
  if (out_model != nullptr) *out_model = nullptr;
  if (data == nullptr || out_model == nullptr) {
    return embert::ReportTo(
        embert::Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "data and out_model must not be NULL"), error_message,
        error_message_size);
  }
  auto* model = new (std::nothrow) embert_model();
  if (model == nullptr) {
    return embert::ReportTo(embert::Status::Error(EMBERT_STATUS_OUT_OF_MEMORY, "out of memory"), error_message,
                            error_message_size);
  }
  model->data = static_cast<const uint8_t*>(data);
  model->size = size;
  return Finish(model, out_model, error_message, error_message_size);
}

embert_status embert_model_load_file(const char* path, embert_model** out_model, char* error_message,
                                     size_t error_message_size) {
  if (out_model != nullptr) *out_model = nullptr;
  if (path == nullptr || out_model == nullptr) {
    return embert::ReportTo(
        embert::Status::Error(EMBERT_STATUS_INVALID_ARGUMENT, "path and out_model must not be NULL"), error_message,
        error_message_size);
  }
  const int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return embert::ReportTo(
        embert::Status::Error(EMBERT_STATUS_IO_ERROR, "cannot open %s: %s", path, std::strerror(errno)), error_message,
        error_message_size);
  }
  struct stat st;
  if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_size <= 0) {
    close(fd);
    return embert::ReportTo(embert::Status::Error(EMBERT_STATUS_IO_ERROR, "%s is not a non-empty regular file", path),
                            error_message, error_message_size);
  }
  const size_t size = static_cast<size_t>(st.st_size);
  void* map = mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (map == MAP_FAILED) {
    return embert::ReportTo(
        embert::Status::Error(EMBERT_STATUS_IO_ERROR, "cannot map %s: %s", path, std::strerror(errno)), error_message,
        error_message_size);
  }
  auto* model = new (std::nothrow) embert_model();
  if (model == nullptr) {
    munmap(map, size);
    return embert::ReportTo(embert::Status::Error(EMBERT_STATUS_OUT_OF_MEMORY, "out of memory"), error_message,
                            error_message_size);
  }
  model->data = static_cast<const uint8_t*>(map);
  model->size = size;
  model->mapping = map;
  model->mapping_size = size;
  return Finish(model, out_model, error_message, error_message_size);
}

void embert_model_destroy(embert_model* model) {
  if (model == nullptr) return;
  model->released.store(true, std::memory_order_release);
  embert::ReleaseModel(model);
}

embert_status embert_model_get(const embert_model* model, embert_model_property property, uint32_t* out_value) {
  if (model == nullptr || out_value == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  const embert::BertDims& d = model->dims;
  const auto* root = model->root;
  switch (property) {
    case EMBERT_MODEL_VOCAB_SIZE: *out_value = d.vocab; break;
    case EMBERT_MODEL_HIDDEN_SIZE: *out_value = d.hidden; break;
    case EMBERT_MODEL_NUM_LAYERS: *out_value = d.layers; break;
    case EMBERT_MODEL_NUM_HEADS: *out_value = d.heads; break;
    case EMBERT_MODEL_INTERMEDIATE_SIZE: *out_value = d.intermediate; break;
    case EMBERT_MODEL_MAX_SEQ_LEN: *out_value = d.max_seq_len; break;
    case EMBERT_MODEL_NUM_LABELS: *out_value = root->classifier() ? root->classifier()->labels()->size() : 0; break;
    case EMBERT_MODEL_HAS_POOLER: *out_value = root->pooler() != nullptr; break;
    case EMBERT_MODEL_HAS_MASKED_LM: *out_value = root->masked_lm() != nullptr; break;
    case EMBERT_MODEL_HAS_NEXT_SENTENCE: *out_value = root->next_sentence() != nullptr; break;
    case EMBERT_MODEL_IS_QUANTIZED: *out_value = model->quantized; break;
    case EMBERT_MODEL_MULTI_LABEL:
      *out_value =
          root->classifier() != nullptr && (root->classifier()->score() == embert::schema::ScoreFunction::SIGMOID ||
                                            root->classifier()->labels()->size() == 1);
      break;
    case EMBERT_MODEL_NUM_TOKEN_LABELS: {
      const auto* h = embert::heads::FindHead(*model, embert::heads::kTokenClassificationHead);
      *out_value = h != nullptr ? h->labels()->size() : 0;
      break;
    }
    case EMBERT_MODEL_HAS_QUESTION_ANSWERING:
      *out_value = embert::heads::FindHead(*model, embert::heads::kQuestionAnsweringHead) != nullptr;
      break;
    case EMBERT_MODEL_EMBEDDING_SIZE: *out_value = model->sentence.size; break;
    default: return EMBERT_STATUS_INVALID_ARGUMENT;
  }
  return EMBERT_STATUS_OK;
}

embert_status embert_model_label(const embert_model* model, uint32_t index, const char** out_label) {
  if (model == nullptr || out_label == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  const auto* c = model->root->classifier();
  if (c == nullptr) return EMBERT_STATUS_UNSUPPORTED;
  if (index >= c->labels()->size()) return EMBERT_STATUS_INVALID_ARGUMENT;
  *out_label = c->labels()->Get(index)->c_str();
  return EMBERT_STATUS_OK;
}

embert_status embert_model_token(const embert_model* model, int32_t token_id, const char** out_token) {
  if (model == nullptr || out_token == nullptr) return EMBERT_STATUS_INVALID_ARGUMENT;
  if (token_id < 0 || static_cast<uint32_t>(token_id) >= model->dims.vocab) {
    return EMBERT_STATUS_INVALID_ARGUMENT;
  }
  *out_token = model->root->tokenizer()->vocab()->Get(static_cast<uint32_t>(token_id))->c_str();
  return EMBERT_STATUS_OK;
}

}  // extern "C"
