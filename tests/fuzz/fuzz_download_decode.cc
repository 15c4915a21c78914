// Fuzz target: what the LPA decodes during a profile download, from the card (asn1/download.h:
// challenge, AuthenticateServer / PrepareDownload / CancelSession answers, BF37) and from the
// SM-DP+ (serverSigned1, smdpSigned2, StoreMetadata, the BPP split into STORE DATA pieces, the
// ES9+ JSON answers of src/es9p). The first input byte picks the decoder, the rest is the input.
// Invariant checked beyond "no crash": a BPP that splits rejoins to exactly the input. Seeds:
// tests/fuzz/make_download_seeds.py from a recorded download trace.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "asn1/download.h"
#include "src/es9p/es9p.h"

namespace {

using namespace esim;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "fuzz_download_decode: %s\n", what);
  std::abort();
}

void SplitRejoins(ByteView bpp) {
  Result<es10::BppPieces> split = es10::SplitBoundProfilePackage(bpp);
  if (!split.ok()) return;
  Bytes joined;
  for (const Bytes& piece : split->pieces) {
    if (piece.empty()) Fail("an empty piece");
    joined.insert(joined.end(), piece.begin(), piece.end());
  }
  if (joined.size() != bpp.size() || !std::equal(joined.begin(), joined.end(), bpp.begin())) {
    Fail("the pieces do not rejoin to the BPP");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const uint8_t pick = data[0];
  ByteView der(data + 1, size - 1);
  const std::string text(reinterpret_cast<const char*>(data + 1), size - 1);
  const Bytes tid{0x01, 0x02, 0x03, 0x04};
  switch (pick % 12) {
    case 0: (void)es10::DecodeGetEuiccChallengeResponse(der); break;
    case 1: (void)es10::DecodeServerSigned1(der); break;
    case 2: (void)es10::DecodeAuthenticateServerResponse(der); break;
    case 3: (void)es10::DecodeSmdpSigned2(der); break;
    case 4: (void)es10::DecodePrepareDownloadResponse(der); break;
    case 5: (void)es10::DecodeCancelSessionResponse(der); break;
    case 6: SplitRejoins(der); break;
    case 7: (void)es10::DecodeStoreMetadata(der); break;
    case 8: (void)es10::DecodeProfileInstallationResult(der); break;
    case 9: (void)es9p::ParseInitiateAuthentication(text); break;
    case 10: (void)es9p::ParseAuthenticateClient(text, tid); break;
    case 11: (void)es9p::ParseGetBoundProfilePackage(text, tid); break;
  }
  return 0;
}
