// bbcount: a QEMU TCG plugin (qemu-user 7.2) that counts how often every
// translated block executes, exactly, and writes at exit one line per block
// executed at least once:
//
//   0x<vaddr> <instructions> <executions> <symbol|-> <file|-> 0x<file offset> <instruction bytes, hex>
//
// The symbol is QEMU's (the main executable's symbol table); the file and the
// file offset are those of the host mapping holding the block (shared
// libraries, whose symbols QEMU does not know); the bytes let the block be
// disassembled without the binary. Blocks translated again at the same
// address with the same instructions (after a flush, or a shorter block
// ending at the same place) are merged into one counter.
//
//   cc -O2 -shared -fPIC -fvisibility=hidden -o bbcount.so bbcount.c -lpthread
//   qemu-aarch64 -plugin ./bbcount.so,out=counts.txt[,atomic=on] prog args
//
// Counting: the default is an inline add per block execution
// (QEMU_PLUGIN_INLINE_ADD_U64): fast and exact with one guest thread; with
// several guest threads the adds are not atomic, so concurrent executions of
// the same block may lose counts (counters are never freed or moved, so this
// cannot crash). atomic=on uses a callback per block execution with an atomic
// add instead: exact with any number of threads, several times slower.
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

// --- The part of QEMU's plugin API this plugin uses --------------------------------
// These declarations follow QEMU 7.2's documented plugin API
// (include/qemu/qemu-plugin.h, QEMU_PLUGIN_VERSION 1); Debian ships no header.
#define BB_EXPORT __attribute__((visibility("default")))
typedef uint64_t qemu_plugin_id_t;
typedef struct {
  const char* target_name;
  struct {
    int min;
    int cur;
  } version;
  bool system_emulation;
  union {
    struct {
      int smp_vcpus;
      int max_vcpus;
    } system;
  };
} qemu_info_t;
struct qemu_plugin_tb;
struct qemu_plugin_insn;
enum qemu_plugin_cb_flags { QEMU_PLUGIN_CB_NO_REGS, QEMU_PLUGIN_CB_R_REGS, QEMU_PLUGIN_CB_RW_REGS };
enum qemu_plugin_op { QEMU_PLUGIN_INLINE_ADD_U64 };
typedef void (*qemu_plugin_vcpu_tb_trans_cb_t)(qemu_plugin_id_t id, struct qemu_plugin_tb* tb);
typedef void (*qemu_plugin_vcpu_udata_cb_t)(unsigned int vcpu_index, void* userdata);
typedef void (*qemu_plugin_udata_cb_t)(qemu_plugin_id_t id, void* userdata);

void qemu_plugin_register_vcpu_tb_trans_cb(qemu_plugin_id_t id, qemu_plugin_vcpu_tb_trans_cb_t cb);
void qemu_plugin_register_vcpu_tb_exec_cb(struct qemu_plugin_tb* tb, qemu_plugin_vcpu_udata_cb_t cb,
                                          enum qemu_plugin_cb_flags flags, void* userdata);
void qemu_plugin_register_vcpu_tb_exec_inline(struct qemu_plugin_tb* tb, enum qemu_plugin_op op, void* ptr,
                                              uint64_t imm);
void qemu_plugin_register_atexit_cb(qemu_plugin_id_t id, qemu_plugin_udata_cb_t cb, void* userdata);
size_t qemu_plugin_tb_n_insns(const struct qemu_plugin_tb* tb);
uint64_t qemu_plugin_tb_vaddr(const struct qemu_plugin_tb* tb);
struct qemu_plugin_insn* qemu_plugin_tb_get_insn(const struct qemu_plugin_tb* tb, size_t idx);
const void* qemu_plugin_insn_data(const struct qemu_plugin_insn* insn);
size_t qemu_plugin_insn_size(const struct qemu_plugin_insn* insn);
void* qemu_plugin_insn_haddr(const struct qemu_plugin_insn* insn);
const char* qemu_plugin_insn_symbol(const struct qemu_plugin_insn* insn);
void qemu_plugin_outs(const char* string);

BB_EXPORT int qemu_plugin_version = 1;
BB_EXPORT int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc, char** argv);

// --- Blocks ------------------------------------------------------------------------
typedef struct Block {
  uint64_t count;  // the inline counter: allocated once, never moved
  uint64_t vaddr;
  uint64_t haddr;  // host address of the first instruction (for the file mapping)
  uint64_t hash;   // of the instruction bytes
  size_t n_insns;
  size_t n_bytes;
  uint8_t* bytes;
  char* symbol;
} Block;

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static Block** table;  // open addressing on (vaddr, n_insns, hash)
static size_t table_size;
static size_t n_blocks;
static bool atomic_counts;
static const char* out_path;

static uint64_t Fnv1a(const uint8_t* p, size_t n, uint64_t h) {
  for (size_t i = 0; i < n; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

static size_t Slot(Block** t, size_t size, uint64_t vaddr, size_t n_insns, uint64_t hash) {
  size_t i = (size_t)((vaddr * 0x9e3779b97f4a7c15ull) ^ hash ^ n_insns) & (size - 1);
  while (t[i] && !(t[i]->vaddr == vaddr && t[i]->n_insns == n_insns && t[i]->hash == hash)) i = (i + 1) & (size - 1);
  return i;
}

static void* Xalloc(size_t n) {
  void* p = calloc(1, n ? n : 1);
  if (!p) {
    fprintf(stderr, "bbcount: out of memory\n");
    abort();
  }
  return p;
}

static void Grow(void) {
  const size_t size = table_size ? table_size * 2 : 1 << 16;
  Block** t = Xalloc(size * sizeof *t);
  for (size_t i = 0; i < table_size; ++i) {
    if (table[i]) t[Slot(t, size, table[i]->vaddr, table[i]->n_insns, table[i]->hash)] = table[i];
  }
  free(table);
  table = t;
  table_size = size;
}

static void CountAtomic(unsigned int vcpu_index, void* userdata) {
  (void)vcpu_index;
  __atomic_fetch_add(&((Block*)userdata)->count, 1, __ATOMIC_RELAXED);
}

static void OnTranslate(qemu_plugin_id_t id, struct qemu_plugin_tb* tb) {
  (void)id;
  const size_t n = qemu_plugin_tb_n_insns(tb);
  if (n == 0) return;
  size_t n_bytes = 0;
  for (size_t i = 0; i < n; ++i) n_bytes += qemu_plugin_insn_size(qemu_plugin_tb_get_insn(tb, i));
  uint8_t* bytes = Xalloc(n_bytes);
  size_t at = 0;
  for (size_t i = 0; i < n; ++i) {
    const struct qemu_plugin_insn* insn = qemu_plugin_tb_get_insn(tb, i);
    const size_t s = qemu_plugin_insn_size(insn);
    memcpy(bytes + at, qemu_plugin_insn_data(insn), s);
    at += s;
  }
  const uint64_t vaddr = qemu_plugin_tb_vaddr(tb);
  const uint64_t hash = Fnv1a(bytes, n_bytes, 0xcbf29ce484222325ull);

  pthread_mutex_lock(&lock);
  if (2 * (n_blocks + 1) > table_size) Grow();
  const size_t slot = Slot(table, table_size, vaddr, n, hash);
  Block* b = table[slot];
  if (b) {
    free(bytes);
  } else {
    const struct qemu_plugin_insn* first = qemu_plugin_tb_get_insn(tb, 0);
    const char* sym = qemu_plugin_insn_symbol(first);
    b = Xalloc(sizeof *b);
    b->vaddr = vaddr;
    b->haddr = (uint64_t)(uintptr_t)qemu_plugin_insn_haddr(first);
    b->hash = hash;
    b->n_insns = n;
    b->n_bytes = n_bytes;
    b->bytes = bytes;
    b->symbol = sym && *sym ? strdup(sym) : NULL;
    table[slot] = b;
    ++n_blocks;
  }
  pthread_mutex_unlock(&lock);

  if (atomic_counts) {
    qemu_plugin_register_vcpu_tb_exec_cb(tb, CountAtomic, QEMU_PLUGIN_CB_NO_REGS, b);
  } else {
    qemu_plugin_register_vcpu_tb_exec_inline(tb, QEMU_PLUGIN_INLINE_ADD_U64, &b->count, 1);
  }
}

// --- Output --------------------------------------------------------------------------
typedef struct {
  uint64_t start, end, offset;
  char* path;
} Mapping;

// The host's file mappings at exit: guest code of shared libraries is mapped
// from their files, so a block's host address gives its file and offset.
static Mapping* ReadMappings(size_t* count) {
  *count = 0;
  FILE* f = fopen("/proc/self/maps", "r");
  if (!f) return NULL;
  size_t cap = 256;
  Mapping* maps = Xalloc(cap * sizeof *maps);
  char line[4096];
  while (fgets(line, sizeof line, f)) {
    uint64_t start, end, offset;
    char perms[8];
    int path_at = 0;
    if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*s %n", &start, &end, perms, &offset, &path_at) <
            4 ||
        path_at == 0 || line[path_at] != '/') {
      continue;
    }
    line[strcspn(line, "\n")] = '\0';
    if (*count == cap) {
      cap *= 2;
      maps = realloc(maps, cap * sizeof *maps);
      if (!maps) abort();
    }
    maps[*count] = (Mapping){start, end, offset, strdup(line + path_at)};
    ++*count;
  }
  fclose(f);
  return maps;
}

static void OnExit(qemu_plugin_id_t id, void* userdata) {
  (void)id;
  (void)userdata;
  FILE* out = out_path ? fopen(out_path, "w") : stderr;
  if (!out) {
    char msg[512];
    snprintf(msg, sizeof msg, "bbcount: cannot write %s\n", out_path);
    qemu_plugin_outs(msg);
    return;
  }
  size_t n_maps = 0;
  Mapping* maps = ReadMappings(&n_maps);
  pthread_mutex_lock(&lock);
  uint64_t executed = 0, instructions = 0;
  for (size_t i = 0; i < table_size; ++i) {
    const Block* b = table[i];
    if (!b || b->count == 0) continue;
    ++executed;
    instructions += b->count * b->n_insns;
  }
  fprintf(out, "# bbcount 1: blocks %zu translated, %" PRIu64 " executed, %" PRIu64 " instructions, counts %s\n",
          n_blocks, executed, instructions, atomic_counts ? "atomic" : "inline");
  fprintf(out, "# vaddr instructions executions symbol file file_offset bytes\n");
  for (size_t i = 0; i < table_size; ++i) {
    const Block* b = table[i];
    if (!b || b->count == 0) continue;
    const Mapping* m = NULL;
    for (size_t j = 0; j < n_maps && !m; ++j) {
      if (b->haddr >= maps[j].start && b->haddr < maps[j].end) m = &maps[j];
    }
    fprintf(out, "0x%" PRIx64 " %zu %" PRIu64 " %s %s 0x%" PRIx64 " ", b->vaddr, b->n_insns, b->count,
            b->symbol ? b->symbol : "-", m ? m->path : "-", m ? b->haddr - m->start + m->offset : 0);
    for (size_t k = 0; k < b->n_bytes; ++k) fprintf(out, "%02x", b->bytes[k]);
    fputc('\n', out);
  }
  pthread_mutex_unlock(&lock);
  if (out != stderr && fclose(out) != 0) qemu_plugin_outs("bbcount: error writing the output\n");
}

int qemu_plugin_install(qemu_plugin_id_t id, const qemu_info_t* info, int argc, char** argv) {
  (void)info;
  for (int i = 0; i < argc; ++i) {
    if (strncmp(argv[i], "out=", 4) == 0) {
      out_path = argv[i] + 4;
    } else if (strcmp(argv[i], "atomic=on") == 0 || strcmp(argv[i], "atomic=true") == 0) {
      atomic_counts = true;
    } else if (strcmp(argv[i], "atomic=off") == 0 || strcmp(argv[i], "atomic=false") == 0) {
      atomic_counts = false;
    } else {
      fprintf(stderr, "bbcount: unknown argument '%s' (out=FILE, atomic=on|off)\n", argv[i]);
      return -1;
    }
  }
  qemu_plugin_register_vcpu_tb_trans_cb(id, OnTranslate);
  qemu_plugin_register_atexit_cb(id, OnExit, NULL);
  return 0;
}
