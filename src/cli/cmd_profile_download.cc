// `esimctl profile download`: SGP.22 profile download from an SM-DP+, run through the change
// pipeline like every card change (journaled; the install notification journaled and delivered).
#include <termios.h>
#include <unistd.h>

#include <iostream>
#include <memory>
#include <optional>
#include <string>

#include "asn1/json.h"
#include "common/utf8.h"
#include "src/cli/change_command.h"
#include "src/cli/cmd_journal_retry.h"
#include "src/cli/cli_context.h"
#include "src/cli/lazy_subcommand.h"
#include "src/cli/profile_download.h"
#include "src/cli/progress_line.h"
#include "src/ops/download.h"
#include "src/ops/profile_ops.h"
#include "src/ops/qr_code.h"
#include "src/safety/change_plans.h"
#include "src/safety/confirmation.h"
#include "src/safety/es9p_https.h"
#include "src/safety/guarded_session.h"
#include "src/validate/download_input.h"

namespace esim {
namespace {


std::string ProfileSummary(const es10::ProfileInfo& p, const std::string& address) {
  std::string text;
  text += "  SM-DP+:    " + TerminalText(address) + "\n";
  text += "  ICCID:     " + p.iccid.value_or("-") + "\n";
  text += "  Name:      " + TerminalText(p.profileName.value_or("-")) + "\n";
  text += "  Provider:  " + TerminalText(p.serviceProviderName.value_or("-")) + "\n";
  const char* klass = !p.profileClass || *p.profileClass == es10::ProfileClass::kOperational ? "operational"
                      : *p.profileClass == es10::ProfileClass::kTest                          ? "test"
                                                                                               : "provisioning";
  text += std::string("  Class:     ") + klass + "\n";
  if (p.icon) {
    const char* type = !p.iconType ? "unknown type" : *p.iconType == es10::IconType::kPng ? "PNG" : "JPEG";
    text += std::string("  Icon:      ") + type + ", " + std::to_string(p.icon->size()) + " bytes\n";
  }
  if (p.profilePolicyRules && (p.profilePolicyRules->ppr1 || p.profilePolicyRules->ppr2)) {
    text += std::string("  Rules:     ") + (p.profilePolicyRules->ppr1 ? "ppr1 (cannot be disabled) " : "") +
            (p.profilePolicyRules->ppr2 ? "ppr2 (cannot be deleted)" : "") + "\n";
  } else {
    text += "  Rules:     none\n";
  }
  return text;
}

// The person at the terminal (or -y / --confirmation-code for scripts).
class TerminalDownloadUser : public DownloadUser {
 public:
  TerminalDownloadUser(bool assume_yes, std::string address, bool preview)
      : assume_yes_(assume_yes), address_(std::move(address)), preview_(preview) {}

  bool ConfirmProfile(const es10::ProfileInfo& metadata) override {
    offered_ = metadata;
    if (preview_) {
      // Only looking: the order must stay usable for the real download.
      reason_ = es10::CancelReason::kPostponed;
      return false;
    }
    if (!assume_yes_ && isatty(STDIN_FILENO) != 1) {
      // Nobody to ask: refused before PrepareDownload, postponed so the order stays usable.
      reason_ = es10::CancelReason::kPostponed;
      declined_ = Status(ErrorCode::kConfirmationRequired,
                         "a download asks to confirm the offered profile, and there is no terminal to ask on; the "
                         "session was cancelled as postponed (1) on the card and at the SM-DP+, so the order stays "
                         "usable; nothing was installed; add --yes for scripts, or --preview to only look");
      return false;
    }
    TerminalConfirmer confirmer = TerminalConfirmer::ForProcess(assume_yes_);
    ConfirmationRequest request{"SM-DP+ " + address_ + " offers this profile:\n" + ProfileSummary(metadata, address_) +
                                    "It will be installed disabled; enable it afterwards with esimctl profile enable.\n",
                                "yes", "Type yes to download and install it: "};
    Status confirmed = confirmer.Confirm(request);
    // The confirmer speaks for commands that ask before the card is touched; here the card and
    // the SM-DP+ already opened a session, which the download cancels (endUserRejection).
    if (!confirmed.ok()) {
      declined_ = Status(confirmed.code(), confirmed.message().substr(0, confirmed.message().find(';')) +
                                               "; the download was cancelled on the card and at the SM-DP+, "
                                               "nothing was installed");
    }
    return confirmed.ok();
  }

  std::optional<std::string> AskConfirmationCode() override {
    if (isatty(STDIN_FILENO) != 1) return std::nullopt;
    // Echo goes off before the prompt appears (as getpass does): a code typed or pasted as soon
    // as the prompt shows must neither be echoed nor thrown away by the flush.
    termios saved{};
    const bool can_hide = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (can_hide) {
      termios hidden = saved;
      hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden);
    }
    std::cerr << "The SM-DP+ requires the confirmation code the carrier gave you: " << std::flush;
    std::string line;
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    if (can_hide) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << std::endl;
    if (!got || line.empty()) return std::nullopt;
    return line;
  }

  es10::CancelReason DeclineReason() const override { return reason_; }

  // Why the profile was declined (kConfirmationRequired / kNotConfirmed), if it was.
  const std::optional<Status>& declined() const { return declined_; }
  // The profile the SM-DP+ offered, once authenticateClient answered.
  const std::optional<es10::ProfileInfo>& offered() const { return offered_; }
  bool preview() const { return preview_; }
  const std::string& address() const { return address_; }

  // Load progress on the terminal ("Loading profile: n/m"); only after ShowLoadProgress.
  void LoadProgress(size_t sent, size_t total) override {
    if (progress_) progress_->Update(sent, total);
  }
  // Shows the load progress on `out` (stderr when it is a terminal and not --json).
  void ShowLoadProgress(std::ostream& out) { progress_.emplace(out, "Loading profile"); }
  // Ends a progress line a failed load left open.
  void EndLoadProgress() {
    if (progress_) progress_->End();
  }

 private:
  bool assume_yes_;
  std::string address_;
  bool preview_;
  es10::CancelReason reason_ = es10::CancelReason::kEndUserRejection;
  std::optional<es10::ProfileInfo> offered_;
  std::optional<Status> declined_;
  std::optional<ProgressLine> progress_;
};

struct Prepared {
  DownloadRequest request;
  bool address_from_card = false;
};

// Everything the user typed, checked before anything is sent (exit 3 otherwise).
Result<Prepared> CheckInput(const DownloadOptions& options) {
  Prepared prepared;
  if (options.activation_code) {
    if (options.smdp || options.matching_id) {
      return Status(ErrorCode::kInvalidInput,
                    "give either an activation code or --smdp/--matching-id, not both");
    }
    ESIM_ASSIGN_OR_RETURN(ActivationCode code, ParseActivationCode(*options.activation_code));
    prepared.request.smdp_address = code.smdp_address;
    if (!code.matching_id.empty()) prepared.request.matching_id = code.matching_id;
  } else {
    if (options.smdp) {
      ESIM_ASSIGN_OR_RETURN(prepared.request.smdp_address, ParseSmdpAddress(*options.smdp));
    } else {
      prepared.address_from_card = true;
    }
    if (options.matching_id) {
      ESIM_ASSIGN_OR_RETURN(std::string id, ParseMatchingId(*options.matching_id));
      if (!id.empty()) prepared.request.matching_id = id;
    }
  }
  if (options.confirmation_code) {
    ESIM_ASSIGN_OR_RETURN(prepared.request.confirmation_code, ParseConfirmationCode(*options.confirmation_code));
  }
  if (options.imei) {
    ESIM_ASSIGN_OR_RETURN(std::string imei, ParseImei(*options.imei));
    prepared.request.imei = PackImei(imei);
    prepared.request.tac = PackTac(imei);
  }
  return prepared;
}

// What the card holds of profile `iccid` after the download, as the pipeline read it back.
std::string CardHolds(const ChangeReceipt& receipt, const std::string& iccid, nlohmann::json& document) {
  if (!receipt.read_back.ok() || !receipt.profile_after) {
    document["cardHolds"] = nullptr;
    return "The card could not be read back (" +
           (receipt.read_back.ok() ? std::string("not read") : receipt.read_back.message()) + ").\n";
  }
  const std::optional<es10::ProfileInfo>& now = *receipt.profile_after;
  if (!now) {
    document["cardHolds"] = nlohmann::json::object({{"iccid", iccid}, {"present", false}});
    return "Read back: profile " + iccid + " is not on the card.\n";
  }
  document["cardHolds"] = nlohmann::json::object(
      {{"iccid", iccid}, {"present", true}, {"profileState", ProfileStateText(now->profileState)}});
  return "Read back: profile " + iccid + " is on the card, " + ProfileStateText(now->profileState) + ".\n";
}

int RenderReceipt(Output& out, GuardedSession& guarded, const ChangeReceipt& receipt, const DownloadRequest& request,
                  const std::optional<DownloadOutcome>& outcome, const TerminalDownloadUser& user) {
  if (receipt.journal_failed) return out.Error(receipt.failure);
  nlohmann::json document = {{"operation", user.preview() ? "download-preview" : "download"},
                             {"smdpAddress", request.smdp_address},
                             {"result", receipt.failure.ok() ? "ok" : "failed"},
                             {"journal", guarded.journal().path()},
                             {"notifications", NotificationsReceiptJson(receipt.notifications)}};
  std::string text;  // recovered downloads: noted on stderr by RunChangeCommand
  if (!guarded.recovered_downloads().empty()) {
    document["recoveredDownloads"] = RecoveredDownloadsJson(guarded.recovered_downloads());
  }
  std::optional<int64_t> operation_id;
  if (!receipt.steps.empty()) operation_id = receipt.steps.front().operation_id;
  if (operation_id) document["journalOperationId"] = *operation_id;
  std::string warning;
  if (outcome && operation_id) {
    // The profile is on the card and its install notification journaled (the pipeline did that
    // before this receipt): the journal's download is finished.
    DownloadUpdate update;
    update.step = "installed";
    update.result = "installed" + (outcome->warning.empty() ? std::string() : "; " + outcome->warning);
    if (Status done = guarded.journal().FinishDownload(*operation_id, update, WallClockMs()); !done.ok()) {
      warning = "the journal could not mark the download finished (" + done.message() + ")";
    }
  }
  if (user.offered()) {
    document["profile"] = es10::ToJson(*user.offered());
    if (user.offered()->iconType) {
      document["iconType"] = *user.offered()->iconType == es10::IconType::kPng ? "png" : "jpeg";
    }
  }
  if (outcome) {
    document["profile"] = es10::ToJson(outcome->metadata);
    document["transactionId"] = ToHex(outcome->transaction_id);
    document["storeDataSequences"] = outcome->pieces;
    if (!outcome->warning.empty()) document["warning"] = outcome->warning;
    const std::string iccid = outcome->metadata.iccid.value_or("");
    text += "Profile " + ProfileLabel(outcome->metadata) + " installed (disabled).\n";
    if (!outcome->warning.empty()) text += "Warning: " + outcome->warning + ".\n";
    text += "Enable it with: esimctl profile enable " + iccid + "\n";
  }
  Status status = receipt.failure;
  const bool previewed = user.preview() && !status.ok() && status.code() == ErrorCode::kNotConfirmed && user.offered();
  if (previewed) {
    text += "SM-DP+ " + request.smdp_address + " offers this profile:\n" +
            ProfileSummary(*user.offered(), request.smdp_address) +
            "Preview only: nothing was installed; the session was cancelled as postponed (1), so the order stays "
            "usable. Run the download without --preview to install it.\n";
    document["result"] = "previewed";
    status = Status::Ok();
  }
  // What the card holds (read back) and what the server was told, from the journal's entry.
  const std::optional<std::string> iccid =
      outcome ? outcome->metadata.iccid : user.offered() ? user.offered()->iccid : std::nullopt;
  if (iccid) text += CardHolds(receipt, *iccid, document);
  if (operation_id) {
    if (auto entry = guarded.journal().GetDownload(*operation_id); entry.ok() && *entry) {
      document["journalEntry"] = DownloadEntryJson(**entry);
      const DownloadEntry& d = **entry;
      if (d.cancel_reason) {
        text += "Told the card and the SM-DP+: session cancelled, reason " + std::to_string(*d.cancel_reason) +
                " (card: " + d.card_cancel_answer.value_or("-") + "; SM-DP+: " + d.server_cancel_answer.value_or("-") +
                ").\n";
      }
      text += "Journal: operation " + std::to_string(d.operation_id) + ", download step " + d.step +
              (d.finished() ? ", finished" : ", unfinished (esimctl journal retry finishes it)") + ".\n";
    }
  }
  if (!warning.empty()) {
    document["journalWarning"] = warning;
    text += "Warning: " + warning + ".\n";
  }
  text += NotificationsReceiptText(receipt.notifications, guarded.journal().path());
  if (!status.ok() && status.code() == ErrorCode::kNotConfirmed && user.declined()) status = *user.declined();
  if (status.ok() && !previewed) status = PendingStatus(receipt.notifications, guarded.delivers());
  return out.Finish(document, text, status);
}

}  // namespace

int RunDownload(const CliContext& context, Output& out, const DownloadOptions& options) {
  auto prepared = CheckInput(options);
  if (!prepared.ok()) return out.Error(InputRejected(prepared.status()));
  // --trace and -v show "**" where the matching ID would be.
  if (prepared->request.matching_id) MaskInTraces(*prepared->request.matching_id);
  // Without a terminal and without --yes the download still authenticates, so that the order is
  // kept usable by a postponed (1) cancel before PrepareDownload (TerminalDownloadUser).
  // The ES9+ client is made before the card is touched (also for --dry-run, which sends nothing
  // with it): a bad --ca-file or --connect-to is bad input.
  auto https = CreateDeliveryClient(context.delivery);
  if (!https.ok()) return out.Error(InputRejected(https.status()));
  DownloadRequest request = prepared->request;
  std::unique_ptr<Es9PlusHttps> server;
  std::unique_ptr<TerminalDownloadUser> user;
  auto outcome = std::make_shared<std::optional<DownloadOutcome>>();

  ChangeCommand command;
  command.plan = [&](GuardedSession& guarded) -> Result<ChangePlan> {
    if (prepared->address_from_card) {
      ESIM_ASSIGN_OR_RETURN(es10::EuiccConfiguredAddressesResponse addresses,
                            guarded.card().es10().GetEuiccConfiguredAddresses());
      if (!addresses.defaultDpAddress || addresses.defaultDpAddress->empty()) {
        return Status(ErrorCode::kInvalidInput,
                      "no SM-DP+ address given and the card has no default SM-DP+; give an activation code or "
                      "--smdp; nothing was sent");
      }
      auto address = ParseSmdpAddress(*addresses.defaultDpAddress);
      if (!address.ok()) {
        return Status(ErrorCode::kInvalidInput, "the card's default SM-DP+ is not usable: " + address.status().message());
      }
      request.smdp_address = *address;
    }
    server = std::make_unique<Es9PlusHttps>(**https, request.smdp_address);
    user = std::make_unique<TerminalDownloadUser>(options.flags.yes, request.smdp_address, options.preview);
    if (ProgressLine::ShouldShowOnStderr(context.json)) user->ShowLoadProgress(std::cerr);
    ChangePlan plan = PlanDownload(request, *server, *user, outcome);
    // The receipt reports the card: the pipeline reads back the profile the SM-DP+ offered.
    plan.read_back = ReadBack::kProfile;
    plan.read_back_target = [&]() -> std::optional<es10::ProfileId> {
      const std::optional<es10::Iccid> iccid =
          *outcome ? (*outcome)->metadata.iccid : user->offered() ? user->offered()->iccid : std::nullopt;
      if (!iccid) return std::nullopt;
      return es10::ProfileId{*iccid};
    };
    return plan;
  };
  command.afterwards = [&](const ChangePlan&) {
    return std::string("read the install notification (BF37) and journal it; ") +
           (options.flags.no_notify ? "--no-notify: keep it for later delivery"
                                    : "deliver it to " + request.smdp_address + " and remove it from the card once accepted");
  };
  command.receipt = [&](Output& print, GuardedSession& guarded, const ChangePlan&, const ChangeReceipt& receipt) {
    if (user) user->EndLoadProgress();
    return RenderReceipt(print, guarded, receipt, request, *outcome, *user);
  };
  return RunChangeCommand(context, out, options.flags, command);
}

void RegisterProfileDownloadCommand(CLI::App& profile, CliContext& context) {
  AddLazySubcommand(profile, "download", "download and install a profile from an SM-DP+ (activation code)",
                    [&context](CLI::App& command) {
                      auto options = std::make_shared<DownloadOptions>();
                      command.add_option("activation-code", options->activation_code,
                                         "LPA:1$ADDRESS$MATCHING-ID[$OID[$1]] (quote it: $ is special in shells)");
                      command.add_option("--smdp", options->smdp,
                                         "SM-DP+ address HOST[:PORT] (default: the card's default SM-DP+)");
                      command.add_option("--matching-id", options->matching_id, "the matching ID the carrier gave");
                      command.add_option("--confirmation-code", options->confirmation_code,
                                         "the confirmation code, when the carrier requires one");
                      command.add_option("--imei", options->imei, "the device's IMEI (15 digits, check digit included) sent to the SM-DP+");
                      command.add_flag("--preview", options->preview,
                                       "show the offered profile and stop: the session is cancelled as postponed, "
                                       "the order stays usable, nothing is installed");
                      AddChangeFlags(command, options->flags, /*destructive=*/true, /*notifies=*/true);
                      command.add_option("--qr", options->qr,
                                         "read the activation code from the QR code in a picture (PNG or JPEG)");
                      context.run = [&context, options](Output& out) {
                        // --qr: the activation code read from the picture (src/ops/qr_code.h), then
                        // checked like a typed one; before anything is sent.
                        if (options->qr) {
                          if (options->activation_code) {
                            return out.Error(Status(ErrorCode::kUsage, "give either an activation code or --qr, not both"));
                          }
                          auto code = ReadQrCode(*options->qr);
                          if (!code.ok()) return out.Error(InputRejected(code.status()));
                          options->activation_code = *code;
                        }
                        return RunDownload(context, out, *options);
                      };
                    });
}

}  // namespace esim
