// The task heads a file may hold in Model.heads, one line each:
//   X(Name, "kind")
// `kind` is TaskHead.kind in the file. The SDK defines `kName` (a HeadUnit,
// sdk/src/heads/<kind>.cc) and bert-convert `kName` (a HeadImport,
// converter/src/import/head_<kind>.cc) for every line: this list is the one
// table both sides register their heads in (CONTRIBUTING.md, "A task head").
#ifndef EMBERT_SDK_FORMAT_TASK_HEADS_H_
#define EMBERT_SDK_FORMAT_TASK_HEADS_H_

#define EMBERT_TASK_HEADS(X)                         \
  X(TokenClassificationHead, "token_classification") \
  X(QuestionAnsweringHead, "question_answering")

namespace embert::format {

// Kinds in the list, for arrays indexed by a head's position in it.
#define EMBERT_COUNT_HEAD(name, kind) +1  // NOLINT(bugprone-macro-parentheses): a term of 0 +1 +1 ...
constexpr int kNumTaskHeads = 0 EMBERT_TASK_HEADS(EMBERT_COUNT_HEAD);
#undef EMBERT_COUNT_HEAD

}  // namespace embert::format

#endif  // EMBERT_SDK_FORMAT_TASK_HEADS_H_
