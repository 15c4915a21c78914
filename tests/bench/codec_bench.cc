// Google Benchmark: es10::Encode and es10::Decode of every ES10 message of asn1/messages.h,
// from realistic model values (what a real eUICC holds and sends). The large cases are a
// 50-profile GetProfilesInfo response with 1 KB icons and a 100-notification
// RetrieveNotificationsList response (each signed, with two ~550-byte certificates).
//
// Build: cmake --build BUILD --target esim-bench; run: BUILD/tests/esim-bench.
// tests/bench/run-bench.sh runs it and puts the table in docs/performance.md.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "asn1/es10_codec.h"
#include "asn1/messages.h"
#include "common/bytes.h"

namespace esim::es10 {
namespace {

Bytes Hex(std::string_view hex) {
  Result<Bytes> bytes = FromHex(hex);
  if (!bytes.ok()) {
    std::fprintf(stderr, "esim-bench: bad hex %.*s\n", static_cast<int>(hex.size()), hex.data());
    std::abort();
  }
  return *bytes;
}

// One DER element: tag, DER length, content.
Bytes Tlv(std::string_view tag_hex, const Bytes& content) {
  Bytes out = Hex(tag_hex);
  const size_t n = content.size();
  if (n < 0x80) {
    out.push_back(static_cast<uint8_t>(n));
  } else if (n < 0x100) {
    out.insert(out.end(), {0x81, static_cast<uint8_t>(n)});
  } else {
    out.insert(out.end(), {0x82, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
  }
  out.insert(out.end(), content.begin(), content.end());
  return out;
}

Bytes Cat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& part : parts) out.insert(out.end(), part.begin(), part.end());
  return out;
}

// Deterministic filler bytes (icons, certificate bodies, signatures).
Bytes Filler(size_t n, uint32_t seed) {
  Bytes out(n);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& b : out) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<uint8_t>(x);
  }
  return out;
}

// An X.509-sized certificate: one DER SEQUENCE of `size` bytes in all (opaque to the codec).
Bytes Certificate(size_t size, uint32_t seed) {
  return Tlv("30", Tlv("04", Filler(size - 8, seed)));
}

std::string Iccid19(int i) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "89990100%011d", 1000 + i);
  return buf;
}

const std::vector<Bytes>& CiPkIds() {
  static const std::vector<Bytes> ids = {Hex("F54172BDF98A95D65CBEB88A38A1C11D800A85C3"),
                                         Hex("81370F5125D0B1D408D4C3B232E6D25E795BEBFB")};
  return ids;
}

// A profile as `profile list --icons` gets it: every member, a 1 KB PNG icon.
ProfileInfo FullProfile(int i) {
  ProfileInfo p;
  p.iccid = Iccid19(i);
  Bytes aid = Hex("A0000005591010FFFFFFFF8900001000");
  aid[14] = static_cast<uint8_t>(0x10 + i);
  p.isdpAid = aid;
  p.profileState = i == 0 ? ProfileState::kEnabled : ProfileState::kDisabled;
  p.profileNickname = "Profile " + std::to_string(i) + " nickname";
  p.serviceProviderName = "Northwind Mobile";
  p.profileName = "Northwind Unlimited " + std::to_string(i);
  p.iconType = IconType::kPng;
  p.icon = Filler(1024, static_cast<uint32_t>(i) + 1);
  p.profileClass = ProfileClass::kOperational;
  p.notificationConfigurationInfo = std::vector<NotificationConfigurationInformation>{
      {NotificationEvents{.install = true, .enable = true, .disable = true, .deletion = true},
       "smdp.northwind.example"}};
  p.profileOwner = OperatorId{Hex("00F110"), Hex("4E57"), std::nullopt};
  p.profilePolicyRules = ProfilePolicyRules{};
  return p;
}

// What `profile list` asks for (tagList 5A 4F 9F70 90 91 92 95): no icon.
ProfileInfo ListedProfile(int i) {
  ProfileInfo full = FullProfile(i);
  ProfileInfo p;
  p.iccid = full.iccid;
  p.isdpAid = full.isdpAid;
  p.profileState = full.profileState;
  p.profileNickname = full.profileNickname;
  p.serviceProviderName = full.serviceProviderName;
  p.profileName = full.profileName;
  p.profileClass = full.profileClass;
  return p;
}

GetProfilesInfoResponse ProfilesResponse(int count, bool icons) {
  std::vector<ProfileInfo> list;
  for (int i = 0; i < count; ++i) list.push_back(icons ? FullProfile(i) : ListedProfile(i));
  return {list, std::nullopt};
}

NotificationMetadata Metadata(int seq) {
  NotificationEvents events;
  switch (seq % 4) {
    case 0: events.install = true; break;
    case 1: events.enable = true; break;
    case 2: events.disable = true; break;
    default: events.deletion = true; break;
  }
  return {seq, events, "smdp.northwind.example", Iccid19(seq % 50)};
}

OtherSignedNotification Signed(int seq) {
  OtherSignedNotification n;
  n.tbsOtherNotification = Metadata(seq);
  n.euiccNotificationSignature = Filler(64, static_cast<uint32_t>(seq) + 7);
  n.euiccCertificate = Certificate(560, 11);  // CERT.EUICC.ECDSA is ~550 bytes
  n.eumCertificate = Certificate(590, 13);    // CERT.EUM.ECDSA
  return n;
}

RetrieveNotificationsListResponse NotificationsResponse(int count) {
  std::vector<PendingNotification> list;
  for (int i = 0; i < count; ++i) list.push_back({Signed(i + 1), {}});
  // Decode and keep the bytes, as esimctl does: Encode then emits them verbatim.
  RetrieveNotificationsListResponse model{list, std::nullopt};
  return Decode<RetrieveNotificationsListResponse>(Encode(model).value()).value();
}

EuiccInfo2 Info2() {
  EuiccInfo2 info;
  info.profileVersion = Hex("020301");
  info.svn = Hex("020202");
  info.euiccFirmwareVer = Hex("040600");
  info.extCardResource = Hex("810100" "8203064B70" "83021AA4");  // 0 apps, 412528 / 6820 bytes free
  info.uiccCapability = Hex("7F36C0");
  info.ts102241Version = Hex("090200");
  info.globalplatformVersion = Hex("020300");
  info.rspCapability = Hex("90");
  info.euiccCiPKIdListForVerification = CiPkIds();
  info.euiccCiPKIdListForSigning = CiPkIds();
  info.euiccCategory = 2;
  info.ppVersion = Hex("000001");
  info.sasAcreditationNumber = "ESIMCTL-VIRTUAL-0001";
  return info;
}

ProfileId IccidId() { return Iccid19(2); }

// ---- the benchmark bodies ----------------------------------------------------------

template <typename Message>
void BM_Encode(benchmark::State& state, Message message) {
  Result<Bytes> check = Encode(message);
  if (!check.ok()) {
    state.SkipWithError(check.status().message().c_str());
    return;
  }
  for (auto _ : state) {
    Result<Bytes> der = Encode(message);
    benchmark::DoNotOptimize(der);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * check->size()));
  state.counters["der_bytes"] = static_cast<double>(check->size());
}

template <typename Message>
void BM_Decode(benchmark::State& state, Message message) {
  Result<Bytes> der = Encode(message);
  if (!der.ok()) {
    state.SkipWithError(der.status().message().c_str());
    return;
  }
  {
    Result<Message> check = Decode<Message>(*der);
    if (!check.ok()) {
      state.SkipWithError(check.status().message().c_str());
      return;
    }
  }
  for (auto _ : state) {
    Result<Message> decoded = Decode<Message>(*der);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * der->size()));
  state.counters["der_bytes"] = static_cast<double>(der->size());
}

template <typename Message>
void Both(const std::string& name, Message message) {
  benchmark::RegisterBenchmark(("Encode/" + name).c_str(),
                               [message](benchmark::State& s) { BM_Encode(s, message); });
  benchmark::RegisterBenchmark(("Decode/" + name).c_str(),
                               [message](benchmark::State& s) { BM_Decode(s, message); });
}

void RegisterAll() {
  // GetEID, EUICCInfo1/2, configured addresses.
  Both("GetEuiccDataRequest", GetEuiccDataRequest{});
  Both("GetEuiccDataResponse", GetEuiccDataResponse{"89049032000000000000000012345644"});
  Both("GetEuiccInfo1Request", GetEuiccInfo1Request{});
  Both("EuiccInfo1", EuiccInfo1{Hex("020202"), CiPkIds(), CiPkIds()});
  Both("GetEuiccInfo2Request", GetEuiccInfo2Request{});
  Both("EuiccInfo2", Info2());
  Both("GetEuiccConfiguredAddressesRequest", GetEuiccConfiguredAddressesRequest{});
  Both("EuiccConfiguredAddressesResponse",
       EuiccConfiguredAddressesResponse{"smdp.contoso.example", "lpa.ds.gsma.com"});
  Both("SetDefaultDpAddressRequest", SetDefaultDpAddressRequest{"smdp.contoso.example"});
  Both("SetDefaultDpAddressResponse", SetDefaultDpAddressResponse{0});
  Both("EuiccMemoryResetRequest", EuiccMemoryResetRequest{true, false, true});
  Both("EuiccMemoryResetResponse", EuiccMemoryResetResponse{0});
  // Profiles.
  Both("ProfileInfo/full_1KB_icon", FullProfile(1));
  Both("GetProfilesInfoRequest/tagList",
       GetProfilesInfoRequest{std::nullopt, Hex("5A4F9F7090919295")});
  Both("GetProfilesInfoRequest/iccid", GetProfilesInfoRequest{Iccid19(2), std::nullopt});
  Both("GetProfilesInfoResponse/5_listed", ProfilesResponse(5, false));
  Both("GetProfilesInfoResponse/50_listed", ProfilesResponse(50, false));
  Both("GetProfilesInfoResponse/5_icons", ProfilesResponse(5, true));
  Both("GetProfilesInfoResponse/50_icons", ProfilesResponse(50, true));
  Both("EnableProfileRequest", EnableProfileRequest{IccidId(), false});
  Both("EnableProfileResponse", EnableProfileResponse{0});
  Both("DisableProfileRequest", DisableProfileRequest{IccidId(), false});
  Both("DisableProfileResponse", DisableProfileResponse{0});
  Both("DeleteProfileRequest", DeleteProfileRequest{IsdpAid{Hex("A0000005591010FFFFFFFF8900001100")}});
  Both("DeleteProfileResponse", DeleteProfileResponse{0});
  Both("SetNicknameRequest", SetNicknameRequest{Iccid19(2), "Travel eSIM"});
  Both("SetNicknameResponse", SetNicknameResponse{0});
  Both("GetRatRequest", GetRatRequest{});
  Both("RulesAuthorisationTable",
       RulesAuthorisationTable{{{Hex("60"), {OperatorId{Hex("00F110"), std::nullopt, std::nullopt}},
                                 Hex("00")}}});
  // Notifications.
  Both("NotificationMetadata", Metadata(7));
  Both("ListNotificationRequest", ListNotificationRequest{});
  {
    std::vector<NotificationMetadata> list;
    for (int i = 1; i <= 100; ++i) list.push_back(Metadata(i));
    Both("ListNotificationResponse/100", ListNotificationResponse{list, std::nullopt});
  }
  Both("RetrieveNotificationsListRequest/seqNumber",
       RetrieveNotificationsListRequest{std::variant<int64_t, NotificationEvents>{int64_t{7}}});
  Both("PendingNotification/signed", PendingNotification{Signed(7), {}});
  {
    ProfileInstallationResult pir;
    pir.transactionId = Filler(16, 9);
    pir.notificationMetadata = Metadata(8);
    pir.smdpOid = "2.999.10";
    pir.success = true;
    pir.successAid = Hex("A0000005591010FFFFFFFF8900001000");
    pir.simaResponse = Hex("3003020100");
    pir.euiccSignPIR = Filler(64, 10);
    Both("PendingNotification/installResult", PendingNotification{pir, {}});
  }
  Both("RetrieveNotificationsListResponse/1", NotificationsResponse(1));
  Both("RetrieveNotificationsListResponse/100", NotificationsResponse(100));
  Both("NotificationSentRequest", NotificationSentRequest{7});
  Both("NotificationSentResponse", NotificationSentResponse{0});
  Both("CancelSessionRequest", CancelSessionRequest{Filler(16, 3), 1});
  Both("CancelSessionResponse/error", CancelSessionResponse{std::nullopt, 5});
  // CancelSessionResponseOk: 30 { 30 { 80 transactionId, 81 smdpOid, 82 reason }, 5F37 signature }.
  Both("CancelSessionResponse/ok",
       CancelSessionResponse{Tlv("30", Cat({Tlv("30", Cat({Tlv("80", Filler(16, 3)), Hex("81032B0601"), Hex("820101")})),
                                            Tlv("5F37", Filler(64, 5))})),
                             std::nullopt});
}

}  // namespace
}  // namespace esim::es10

int main(int argc, char** argv) {
  esim::es10::RegisterAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
