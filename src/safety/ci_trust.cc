#include "src/safety/ci_trust.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <tuple>

#include "asn1/es10_codec.h"
#include "common/certificate_checks.h"
#include "common/data_directory.h"

namespace esim {
namespace {

bool IsSki(std::string_view text) {
  return text.size() == 40 && std::all_of(text.begin(), text.end(), [](char c) {
           return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
         });
}

bool Lists(const CardCiList& card, const std::string& ski) {
  return std::find(card.skis.begin(), card.skis.end(), ski) != card.skis.end();
}

// "'NAME' (SKI)" or "SKI" when the name is unknown.
std::string Describe(const CiEntry& entry) {
  return entry.name.empty() ? entry.ski : "'" + entry.name + "' (" + entry.ski + ")";
}

std::string CardListText(const CardCiList& card) {
  if (card.skis.empty()) return "none";
  std::string text;
  for (const std::string& ski : card.skis) text += (text.empty() ? "" : ", ") + ski;
  return text;
}

// The subject's commonName, printable ASCII only, or "".
std::string CommonName(X509* cert) {
  const CryptoLibrary& c = Crypto();
  X509_NAME* name = c.X509_get_subject_name(cert);
  for (int i = 0; name != nullptr && i < c.X509_NAME_entry_count(name); ++i) {
    X509_NAME_ENTRY* entry = c.X509_NAME_get_entry(name, i);
    if (c.OBJ_obj2nid(c.X509_NAME_ENTRY_get_object(entry)) != NID_commonName) continue;
    const ASN1_STRING* data = c.X509_NAME_ENTRY_get_data(entry);
    std::string text(reinterpret_cast<const char*>(c.ASN1_STRING_get0_data(data)),
                     static_cast<size_t>(c.ASN1_STRING_length(data)));
    for (char& ch : text) {
      if (static_cast<unsigned char>(ch) < 0x20 || static_cast<unsigned char>(ch) >= 0x7F) ch = '?';
    }
    return text;
  }
  return "";
}

std::string FilePath(const std::string& dir, const CiEntry& entry) {
  return dir + (entry.kind == CiKind::kLive ? "/live/" : "/test/") + entry.ski + ".pem";
}

}  // namespace

std::string SkiHex(ByteView key_id) {
  std::string hex = ToHex(key_id);
  std::transform(hex.begin(), hex.end(), hex.begin(), [](char c) { return static_cast<char>(std::tolower(c)); });
  return hex;
}

std::vector<std::string> SelectTrustedCis(const std::vector<CiEntry>& available, const CardCiList& card,
                                          bool trust_test) {
  std::vector<std::string> trusted;
  for (const CiEntry& entry : available) {
    bool listed = card.known && Lists(card, entry.ski);
    bool take = entry.kind == CiKind::kLive ? (entry.ski == kRsp2RootCi1Ski || listed) : (trust_test && listed);
    if (take && std::find(trusted.begin(), trusted.end(), entry.ski) == trusted.end()) trusted.push_back(entry.ski);
  }
  return trusted;
}

std::string ExplainUntrustedIssuer(const std::vector<CiEntry>& available, const CardCiList& card, bool trust_test,
                                   const std::string& issuer_ski, const std::string& issuer_name) {
  auto it = std::find_if(available.begin(), available.end(),
                         [&](const CiEntry& entry) { return !issuer_ski.empty() && entry.ski == issuer_ski; });
  if (it == available.end()) {
    std::string issuer = issuer_name.empty() ? "" : " (issuer '" + issuer_name + "'" +
                                                        (issuer_ski.empty() ? "" : ", key " + issuer_ski) + ")";
    return "its certificate is not under any CA or GSMA CI esimctl trusts" + issuer +
           "; for a private CA add --ca-file";
  }
  const char* kind = it->kind == CiKind::kTest ? "test CI " : "CI ";
  if (!card.known) {
    return std::string("its certificate is issued under the ") + kind + Describe(*it) +
           ", and the card's CI list could not be read";
  }
  if (!Lists(card, it->ski)) {
    return std::string("its certificate is issued under the ") + kind + Describe(*it) +
           ", which this card does not list (the card lists: " + CardListText(card) + ")";
  }
  if (it->kind == CiKind::kTest && !trust_test) {
    return "its certificate is issued under the test CI " + Describe(*it) +
           ", which esimctl trusts only with --trust-test-ci (for test servers)";
  }
  return "its certificate is issued under the " + std::string(kind) + Describe(*it) +
         ", which is trusted, but the chain did not verify";
}

Result<CardCiList> CardCiListFromEuiccInfo1(ByteView euicc_info1) {
  auto info = es10::Decode<es10::EuiccInfo1>(euicc_info1);
  if (!info.ok()) {
    return Status(ErrorCode::kMalformedResponse, "EUICCInfo1 does not decode: " + info.status().message());
  }
  CardCiList list;
  list.known = true;
  for (const Bytes& ski : info->euiccCiPKIdListForVerification) list.skis.push_back(SkiHex(ski));
  return list;
}

Result<std::string> CiDirectory() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* env = std::getenv("ESIMCTL_CI_DIR"); env != nullptr && env[0] != '\0') {
    if (fs::is_directory(env, ec)) return std::string(env);
    return Status(ErrorCode::kIo, std::string("ESIMCTL_CI_DIR '") + env + "' is not a directory");
  }
  Result<std::string> data = DataDirectory();
  if (!data.ok()) {
    return Status(ErrorCode::kIo, "the GSMA CI certificates are not installed: " + data.status().message());
  }
  const fs::path dir = fs::path(*data) / "ci";
  if (fs::is_directory(dir, ec)) return dir.string();
  return Status(ErrorCode::kIo, "the GSMA CI certificates are not installed (looked in " + dir.string() + ")");
}

std::vector<CiEntry> ListCis(const std::string& dir) {
  namespace fs = std::filesystem;
  std::vector<CiEntry> entries;
  for (CiKind kind : {CiKind::kLive, CiKind::kTest}) {
    std::error_code ec;
    fs::directory_iterator it(fs::path(dir) / (kind == CiKind::kLive ? "live" : "test"), ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      const fs::path& path = it->path();
      if (path.extension() != ".pem" || !IsSki(path.stem().string())) continue;
      CiEntry entry{path.stem().string(), kind, ""};
      if (auto certs = LoadCi(dir, entry); certs.ok() && !certs->empty()) entry.name = CommonName(certs->front().get());
      entries.push_back(std::move(entry));
    }
  }
  // Directory order is arbitrary: sorted, so choices and messages are reproducible.
  std::sort(entries.begin(), entries.end(), [](const CiEntry& a, const CiEntry& b) {
    return std::tie(a.kind, a.ski) < std::tie(b.kind, b.ski);
  });
  return entries;
}

Result<std::vector<X509Ptr>> LoadCi(const std::string& dir, const CiEntry& entry) {
  const std::string path = FilePath(dir, entry);
  ESIM_ASSIGN_OR_RETURN(std::vector<X509Ptr> certs, certs::LoadFile(path));
  for (const X509Ptr& cert : certs) {
    auto ski = certs::SubjectKeyId(cert.get());
    if (!ski.ok() || SkiHex(*ski) != entry.ski) {
      return Status(ErrorCode::kInvalidInput, path + " holds a certificate whose subjectKeyIdentifier is not its name");
    }
  }
  return certs;
}

}  // namespace esim
