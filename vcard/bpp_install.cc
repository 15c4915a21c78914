// The ISD-R's LoadBoundProfilePackage (download-facts §3-4): the pieces go to the BppLoader,
// the card answers its checks, and the end of the load installs the profile (or not) and keeps
// the signed ProfileInstallationResult as a pending install notification.
#include <algorithm>
#include <chrono>
#include <thread>

#include "common/bsp_crypto.h"
#include "common/raw_ecdsa.h"
#include "vcard/ci_trust.h"
#include "vcard/download_session.h"
#include "vcard/es10_encode.h"
#include "vcard/isdr.h"
#include "vcard/state_codings.h"

namespace esim::vcard {
namespace {

using Answer = Isdr::Answer;
using namespace bpp_command;

// ProfileInstallationResult errorReasons the card checks itself.
constexpr int64_t kIncorrectInput = 1;
constexpr int64_t kInvalidSignature = 2;
constexpr int64_t kInvalidTransactionId = 3;
constexpr int64_t kUnsupportedCrt = 4;
constexpr int64_t kUnsupportedOperation = 5;
constexpr int64_t kIccidExists = 9;
constexpr int64_t kNoMemory = 10;

// The minimal SAIP EUICCResponse (PE_Definitions, AUTOMATIC TAGS): peStatus [0] with one
// PEStatus { status [0] ok(0) }.
const Bytes kSimaOk = {0x30, 0x07, 0xA0, 0x05, 0x30, 0x03, 0x80, 0x01, 0x00};

// StoreMetadataRequest (BF25) to the ProfileInfo the card will report; nullopt if malformed.
std::optional<es10::ProfileInfo> ParseMetadata(const der::Tlv& bf25) {
  auto members = der::ReadChildren(bf25.value);
  if (!members.ok()) return std::nullopt;
  es10::ProfileInfo p;
  for (const der::Tlv& m : *members) {
    switch (m.tag) {
      case 0x5A: {
        std::string iccid = BcdToIccid(m.value);
        if (!IccidToBcd(iccid).ok()) return std::nullopt;
        p.iccid = iccid;
        break;
      }
      case 0x91: p.serviceProviderName = der::Text(m.value); break;
      case 0x92: p.profileName = der::Text(m.value); break;
      case 0x93: {
        auto v = der::ParseInteger(m.value);
        if (!v.ok() || *v < 0 || *v > 1) return std::nullopt;
        p.iconType = static_cast<es10::IconType>(*v);
        break;
      }
      case 0x94: p.icon = Bytes(m.value.begin(), m.value.end()); break;
      case 0x95: {
        auto v = der::ParseInteger(m.value);
        if (!v.ok() || *v < 0 || *v > 2) return std::nullopt;
        p.profileClass = static_cast<es10::ProfileClass>(*v);
        break;
      }
      case 0xB6: {
        auto list = der::ReadChildren(m.value);
        if (!list.ok()) return std::nullopt;
        std::vector<es10::NotificationConfigurationInformation> infos;
        for (const der::Tlv& item : *list) {
          auto fields = der::ReadChildren(item.value);
          if (item.tag != 0x30 || !fields.ok()) return std::nullopt;
          auto ops = der::Find(*fields, 0x80);
          auto address = der::Find(*fields, 0x81);
          auto events = ops ? DecodeEvents(ops->value) : std::nullopt;
          if (!events || !address) return std::nullopt;
          infos.push_back({*events, der::Text(address->value)});
        }
        p.notificationConfigurationInfo = infos;
        break;
      }
      case 0xB7: {
        auto fields = der::ReadChildren(m.value);
        if (!fields.ok()) return std::nullopt;
        auto plmn = der::Find(*fields, 0x80);
        if (!plmn || plmn->value.size() != 3) return std::nullopt;
        es10::OperatorId op;
        op.mccMnc.assign(plmn->value.begin(), plmn->value.end());
        if (auto g = der::Find(*fields, 0x81)) op.gid1 = Bytes(g->value.begin(), g->value.end());
        if (auto g = der::Find(*fields, 0x82)) op.gid2 = Bytes(g->value.begin(), g->value.end());
        p.profileOwner = op;
        break;
      }
      case 0x99: {
        auto bits = der::BitStringBits(m.value);
        if (!bits.ok()) return std::nullopt;
        uint8_t b = bits->empty() ? 0 : (*bits)[0];
        p.profilePolicyRules = es10::ProfilePolicyRules{(b & 0x40) != 0, (b & 0x20) != 0};
        break;
      }
      default: break;  // B8 dpProprietaryData and later members are not kept
    }
  }
  if (!p.iccid) return std::nullopt;
  return p;
}

// An ISD-P AID not in use: A0000005591010FFFFFFFF890000 NN 00, NN from 10, as real cards number them.
Bytes NewIsdpAid(const std::vector<es10::ProfileInfo>& profiles) {
  for (unsigned n = 0x10; n <= 0xFF; ++n) {
    Bytes aid = {0xA0, 0x00, 0x00, 0x05, 0x59, 0x10, 0x10, 0xFF, 0xFF, 0xFF, 0xFF, 0x89, 0x00, 0x00,
                 static_cast<uint8_t>(n), 0x00};
    bool used = std::any_of(profiles.begin(), profiles.end(), [&](const es10::ProfileInfo& p) { return p.isdpAid == aid; });
    if (!used) return aid;
  }
  return {};
}

}  // namespace

Isdr::Answer Isdr::LoadBoundProfilePackage(ByteView request) {
  if (config_.bpp_segment_delay_ms) {
    std::this_thread::sleep_for(std::chrono::milliseconds(config_.bpp_segment_delay_ms));
  }
  ByteView piece = request;
  if (request.size() >= 2 && request[0] == 0xBF && request[1] == 0x36) {
    uint32_t tag = 0;
    size_t header_len = 0;
    uint64_t length = 0;
    if (!ReadElementHeader(request, &tag, &header_len, &length)) return Answer{{}, 0x6A80, false};
    // A BPP without a prepared session has nothing to be bound to.
    if (!session_ || session_->phase != DownloadSession::Phase::kPrepared) return Answer{{}, 0x6985, false};
    session_->phase = DownloadSession::Phase::kLoading;
    session_->loader = std::make_unique<BppLoader>(static_cast<BppLoader::Card&>(*this), length);
    piece = request.subspan(header_len);
  }
  ++session_->load_pieces;
  BppLoader::Outcome outcome = session_->loader->Feed(piece);
  uint32_t index = session_->load_pieces;
  Answer answer = outcome == BppLoader::Outcome::kNeedMore ? Answer{{}, 0x9000, false} : FinishLoad(outcome);
  if (config_.bpp_segment_answer) {
    const SegmentAnswer& knob = *config_.bpp_segment_answer;
    bool last = outcome != BppLoader::Outcome::kNeedMore;
    if (knob.index == index || (knob.index == 0 && last)) {
      // The card did its work; only the answer is replaced (or lost, as behind some modems).
      if (knob.sw) {
        answer = Answer{{}, *knob.sw, false};
      } else {
        answer.drop = true;
      }
      config_.bpp_segment_answer.reset();
    }
  }
  return answer;
}

Result<bsp::SessionKeys> Isdr::Initialise(const der::Tlv& bf23, InstallFailure* failure) {
  auto refuse = [&](int64_t reason) {
    *failure = InstallFailure{kInitialiseSecureChannel, reason};
    return Status(ErrorCode::kInvalidInput, "InitialiseSecureChannel refused");
  };
  auto members = der::ReadChildren(bf23.value);
  if (!members.ok()) return refuse(7);
  auto op = der::Find(*members, 0x82), tid = der::Find(*members, 0x80), crt = der::Find(*members, 0xA6);
  auto otpk = der::Find(*members, 0x5F49), sign = der::Find(*members, 0x5F37);
  if (!op || !tid || !crt || !otpk || !sign) return refuse(7);
  if (op->value.size() != 1 || op->value[0] != 0x01) return refuse(kUnsupportedOperation);
  if (!std::equal(tid->value.begin(), tid->value.end(), session_->transaction_id.begin(), session_->transaction_id.end())) {
    return refuse(kInvalidTransactionId);
  }
  auto crt_members = der::ReadChildren(crt->value);
  if (!crt_members.ok()) return refuse(7);
  auto key_type = der::Find(*crt_members, 0x80), key_len = der::Find(*crt_members, 0x81);
  auto host_id = der::Find(*crt_members, 0x84);
  if (!key_type || !key_len || !host_id || key_type->value.size() != 1 || key_type->value[0] != 0x88 ||
      key_len->value.size() != 1 || key_len->value[0] != 0x10) {
    return refuse(kUnsupportedCrt);
  }
  // smdpSign covers 82, 80, A6 and 5F49 as received, then the card's own otPK.
  Bytes signed_data;
  for (const der::Tlv* t : {&*op, &*tid, &*crt, &*otpk}) signed_data.insert(signed_data.end(), t->whole.begin(), t->whole.end());
  der::Append(signed_data, 0x5F49, session_->euicc_otpk);
  if (!VerifyRawEcdsaSha256(session_->dppb_key.get(), signed_data, sign->value)) return refuse(kInvalidSignature);
  if (config_.download_fail && config_.download_fail->step == DownloadFail::Step::kInstall) {
    return refuse(config_.download_fail->code);
  }
  auto peer = bsp::PublicKeyFromUncompressed(otpk->value);
  if (!peer.ok()) return refuse(kIncorrectInput);
  auto secret = bsp::EcdhSharedSecret(session_->otsk.get(), peer->get());
  if (!secret.ok()) return refuse(127);
  auto keys = bsp::DeriveSessionKeys(*secret, 0x88, 0x10, host_id->value, EidBytes(state_.eid));
  if (!keys.ok()) return refuse(127);
  session_->otsk.reset();  // one-time: never used again
  // From here on an interruption must be reported: remember the load across resets and runs.
  state_.load_in_progress = LoadInProgress{session_->transaction_id, session_->smdp_oid, session_->server_address};
  if (!config_.state_path.empty() && !SaveState(state_, config_.state_path).ok()) {
    state_.load_in_progress.reset();
    return refuse(127);
  }
  return keys;
}

std::optional<InstallFailure> Isdr::Metadata(const der::Tlv& bf25) {
  auto profile = ParseMetadata(bf25);
  if (!profile) return InstallFailure{kStoreMetadata, kIncorrectInput};
  for (const auto& p : state_.profiles) {
    if (p.iccid == profile->iccid) return InstallFailure{kStoreMetadata, kIccidExists};
  }
  return std::nullopt;
}

std::optional<InstallFailure> Isdr::PackageSize(uint64_t total) {
  auto free = FreeNonVolatileMemory(state_);
  if (free && total > *free) return InstallFailure{kLoadProfileElements, kNoMemory};
  return std::nullopt;
}

Result<Bytes> Isdr::InstallationResult(const LoadInProgress& load, const std::optional<std::string>& iccid,
                                       const Bytes& final_result) {
  ESIM_ASSIGN_OR_RETURN(const NotificationSigner* signer, Signer());
  ESIM_ASSIGN_OR_RETURN(Bytes oid, OidContents(load.smdp_oid));
  es10::NotificationMetadata n;
  n.seqNumber = state_.next_seq_number;
  n.profileManagementOperation = es10::NotificationEvents{true, false, false, false};
  n.notificationAddress = load.server_address;
  n.iccid = iccid;
  Bytes data;
  der::Append(data, 0x80, load.transaction_id);
  Bytes metadata = EncodeNotificationMetadata(n);
  data.insert(data.end(), metadata.begin(), metadata.end());
  der::Append(data, 0x06, oid);
  der::Append(data, 0xA2, final_result);
  Bytes bf27 = der::Wrap(0xBF27, data);  // canonical DER: what a verifier re-encodes to
  ESIM_ASSIGN_OR_RETURN(Bytes signature, signer->Sign(bf27));
  Bytes body = bf27;
  der::Append(body, 0x5F37, signature);
  Bytes bf37 = der::Wrap(0xBF37, body);
  ++state_.next_seq_number;
  state_.notifications.push_back(n);
  state_.installation_results[n.seqNumber] = bf37;
  return bf37;
}

Isdr::Answer Isdr::FinishLoad(BppLoader::Outcome outcome) {
  CardState before = state_;
  BppLoader& loader = *session_->loader;
  LoadInProgress load{session_->transaction_id, session_->smdp_oid, session_->server_address};
  std::optional<es10::ProfileInfo> profile;
  if (!loader.metadata().empty()) {
    auto bf25 = der::ParseSingle(loader.metadata());
    if (bf25.ok()) profile = ParseMetadata(*bf25);
  }
  Bytes final_result;
  if (outcome == BppLoader::Outcome::kDone && profile) {
    profile->isdpAid = NewIsdpAid(state_.profiles);
    profile->profileState = es10::ProfileState::kDisabled;
    state_.profiles.push_back(*profile);
    if (auto free = FreeNonVolatileMemory(state_)) SetFreeNonVolatileMemory(state_, *free - loader.package_size());
    state_.package_sizes[*profile->iccid] = loader.package_size();
    Bytes success;
    der::Append(success, 0x4F, *profile->isdpAid);
    der::Append(success, 0x04, kSimaOk);
    final_result = der::Wrap(0xA0, success);
  } else {
    const InstallFailure& f = loader.failure();
    Bytes error;
    der::Append(error, 0x80, der::IntegerContents(f.bpp_command_id));
    der::Append(error, 0x81, der::IntegerContents(f.error_reason));
    final_result = der::Wrap(0xA1, error);
  }
  session_.reset();  // the load ended either way: no more pieces are taken
  state_.load_in_progress.reset();
  auto bf37 = InstallationResult(load, profile ? profile->iccid : std::nullopt, final_result);
  if (!bf37.ok()) {
    state_ = std::move(before);
    state_.load_in_progress.reset();
    if (!config_.state_path.empty()) (void)SaveState(state_, config_.state_path);
    return Answer{{}, 0x6F00, false};
  }
  if (auto failed = Commit(std::move(before))) return *failed;
  return Answer{*bf37, 0x9000, false};
}

}  // namespace esim::vcard
