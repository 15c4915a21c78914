// SM-DP+ certificate checks of the virtual eUICC (vcard/ci_trust.h).
#include "vcard/ci_trust.h"

#include <algorithm>
#include <charconv>

#include "common/certificate_checks.h"

namespace esim::vcard {

Result<X509Ptr> FindTrustedCi(const std::vector<std::string>& files, ByteView ci_pkid) {
  for (const std::string& file : files) {
    ESIM_ASSIGN_OR_RETURN(std::vector<X509Ptr> certs, certs::LoadFile(file));
    for (X509Ptr& cert : certs) {
      auto ski = certs::SubjectKeyId(cert.get());
      if (ski.ok() && std::equal(ski->begin(), ski->end(), ci_pkid.begin(), ci_pkid.end())) {
        return std::move(cert);
      }
    }
  }
  return Status(ErrorCode::kInvalidInput, "no trusted CI with key id " + ToHex(ci_pkid));
}

Result<X509Ptr> CheckSmdpCertificate(ByteView der, X509* ci, const char* policy) {
  ESIM_ASSIGN_OR_RETURN(X509Ptr cert, certs::ParseDer(der));
  if (!certs::HasPolicy(cert.get(), policy)) {
    return Status(ErrorCode::kInvalidInput, std::string("certificate lacks the policy ") + policy);
  }
  ESIM_RETURN_IF_ERROR(certs::VerifyChain(cert.get(), {}, ci));
  return cert;
}

Result<Bytes> OidContents(const std::string& dotted) {
  std::vector<uint64_t> arcs;
  size_t pos = 0;
  while (pos <= dotted.size()) {
    size_t dot = dotted.find('.', pos);
    if (dot == std::string::npos) dot = dotted.size();
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(dotted.data() + pos, dotted.data() + dot, v);
    if (ec != std::errc() || end != dotted.data() + dot || dot == pos) {
      return Status(ErrorCode::kInvalidInput, "not a dotted OID: " + dotted);
    }
    arcs.push_back(v);
    pos = dot + 1;
  }
  if (arcs.size() < 2 || arcs[0] > 2 || (arcs[0] < 2 && arcs[1] > 39)) {
    return Status(ErrorCode::kInvalidInput, "not a dotted OID: " + dotted);
  }
  Bytes out;
  auto base128 = [&out](uint64_t v) {
    Bytes tmp{static_cast<uint8_t>(v & 0x7F)};
    for (v >>= 7; v; v >>= 7) tmp.insert(tmp.begin(), static_cast<uint8_t>(0x80 | (v & 0x7F)));
    out.insert(out.end(), tmp.begin(), tmp.end());
  };
  base128(arcs[0] * 40 + arcs[1]);
  for (size_t i = 2; i < arcs.size(); ++i) base128(arcs[i]);
  return out;
}

}  // namespace esim::vcard
