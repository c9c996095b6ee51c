# Sourced by model.sh and ort_peer.sh: the modelled cores and the work of a
# pass, defined once so that embert and its peers are modelled alike.
#   a76 = Raspberry Pi 5 (Cortex-A76; llvm-mca's neoverse-n1 model), 2.4 GHz
#   a72 = Raspberry Pi 4 (Cortex-A72), 1.8 GHz
qemu_cpu() { case $1 in a76) echo cortex-a76 ;; a72) echo cortex-a72 ;; *) echo "unknown cpu $1" >&2; return 1 ;; esac; }
mca_cpu() { case $1 in a76) echo neoverse-n1 ;; a72) echo cortex-a72 ;; esac; }
ghz() { case $1 in a76) echo 2.4 ;; a72) echo 1.8 ;; esac; }

# Multiply-accumulates of one encoder pass: the four GEMMs of each layer, Q.K^T and P.V.
encoder_macs() {
  local layers hidden inter
  case $1 in
    bert-base) layers=12 hidden=768 inter=3072 ;;
    small) layers=4 hidden=256 inter=1024 ;;
    minilm) layers=6 hidden=384 inter=1536 ;;
    *) echo 0; return ;;
  esac
  # $3: inputs of $2 tokens packed into one run (attention within each input).
  local inputs=${3:-1}
  echo $(( inputs * layers * ($2 * (4 * hidden * hidden + 2 * hidden * inter) + 2 * $2 * $2 * hidden) ))
}

# build_plugin SO: the instruction-count plugin (a host .so), rebuilt when bbcount.c is newer.
build_plugin() {
  if [ ! -f "$1" ] || [ benchmarks/arm/bbcount.c -nt "$1" ]; then
    echo "== building $1" >&2
    cc -O2 -Wall -Wextra -Werror -shared -fPIC -fvisibility=hidden -o "$1" benchmarks/arm/bbcount.c -lpthread
  fi
}
