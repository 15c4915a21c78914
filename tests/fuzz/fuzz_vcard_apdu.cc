// Fuzz target: the virtual eUICC's ISO 7816 front end and ES10 handlers (vcard/,
// VirtualEuicc::Process), fed fuzzed C-APDUs. Each input starts a fresh card from
// vcard/default-state.json, in memory (persist off; the generated test PKI is kept
// in a temp directory shared by all runs). Input: a flags byte, then [length][C-APDU] chunks.
// Flags bit 0: T=0 behaviour (short_apdu_only); bit 1: SELECT the ISD-R first, so the fuzzer
// reaches the ES10 handlers without having to find the AID. Every answer must carry a status
// word.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "vcard/virtual_euicc.h"

namespace {

using namespace esim;

const std::string& PkiDir() {
  static const std::string dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "esimctl-fuzz-pki-XXXXXX").string();
    if (!mkdtemp(pattern.data())) {
      std::perror("mkdtemp");
      std::abort();
    }
    return pattern;
  }();
  // Removed when the fuzzer exits normally (a crash leaves it for the post-mortem).
  static const bool cleanup_registered = [] {
    return std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(PkiDir(), ignored);
    }) == 0;
  }();
  (void)cleanup_registered;
  return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint8_t flags = data[0];
  vcard::VirtualEuicc::Options options;
  options.persist = false;
  options.pki_dir = PkiDir();
  options.short_apdu_only = flags & 0x01;
  auto card = vcard::VirtualEuicc::Load(ESIM_SOURCE_DIR "/vcard/default-state.json", options);
  if (!card.ok()) {
    std::fprintf(stderr, "fuzz_vcard_apdu: %s\n", card.status().message().c_str());
    std::abort();
  }
  auto check = [](const Bytes& answer) {
    if (answer.size() < 2) {
      std::fprintf(stderr, "fuzz_vcard_apdu: answer of %zu bytes without a status word\n", answer.size());
      std::abort();
    }
  };
  if (flags & 0x02) {
    const Bytes select{0x00, 0xA4, 0x04, 0x00, 0x10, 0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10,
                       0xFF, 0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00, 0x01, 0x00, 0x00};
    check((*card)->Process(select));
  }
  size_t offset = 1;
  while (offset < size) {
    size_t length = data[offset++];
    if (length > size - offset) length = size - offset;
    check((*card)->Process(ByteView(data + offset, length)));
    offset += length;
  }
  return 0;
}
