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
#include "readers/trace_mask.h"

namespace esim {
namespace {


std::string ProfileSummary(const es10::ProfileInfo& p) {
  std::string text;
  text += "  ICCID:     " + p.iccid.value_or("-") + "\n";
  text += "  Name:      " + TerminalText(p.profileName.value_or("-")) + "\n";
  text += "  Provider:  " + TerminalText(p.serviceProviderName.value_or("-")) + "\n";
  const char* klass = !p.profileClass || *p.profileClass == es10::ProfileClass::kOperational ? "operational"
                      : *p.profileClass == es10::ProfileClass::kTest                          ? "test"
                                                                                               : "provisioning";
  text += std::string("  Class:     ") + klass + "\n";
  if (p.icon) text += "  Icon:      " + std::to_string(p.icon->size()) + " bytes\n";
  if (p.profilePolicyRules && (p.profilePolicyRules->ppr1 || p.profilePolicyRules->ppr2)) {
    text += std::string("  Rules:     ") + (p.profilePolicyRules->ppr1 ? "cannot be disabled " : "") +
            (p.profilePolicyRules->ppr2 ? "cannot be deleted" : "") + "\n";
  }
  return text;
}

// The person at the terminal (or -y / --confirmation-code for scripts).
class TerminalDownloadUser : public DownloadUser {
 public:
  TerminalDownloadUser(bool assume_yes, std::string address) : assume_yes_(assume_yes), address_(std::move(address)) {}

  bool ConfirmProfile(const es10::ProfileInfo& metadata) override {
    TerminalConfirmer confirmer = TerminalConfirmer::ForProcess(assume_yes_);
    ConfirmationRequest request{"SM-DP+ " + address_ + " offers this profile:\n" + ProfileSummary(metadata) +
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
    std::cerr << "The SM-DP+ requires the confirmation code the carrier gave you: " << std::flush;
    termios saved{};
    const bool can_hide = tcgetattr(STDIN_FILENO, &saved) == 0;
    if (can_hide) {
      termios hidden = saved;
      hidden.c_lflag &= ~static_cast<tcflag_t>(ECHO);
      tcsetattr(STDIN_FILENO, TCSAFLUSH, &hidden);
    }
    std::string line;
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    if (can_hide) tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
    std::cerr << std::endl;
    if (!got || line.empty()) return std::nullopt;
    return line;
  }

  // Why the profile was declined (kConfirmationRequired / kNotConfirmed), if it was.
  const std::optional<Status>& declined() const { return declined_; }

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

int RenderReceipt(Output& out, GuardedSession& guarded, const ChangeReceipt& receipt, const DownloadRequest& request,
                  const std::optional<DownloadOutcome>& outcome, const TerminalDownloadUser& user) {
  if (receipt.journal_failed) return out.Error(receipt.failure);
  nlohmann::json document = {{"operation", "download"},
                             {"smdpAddress", request.smdp_address},
                             {"result", receipt.failure.ok() ? "ok" : "failed"},
                             {"journal", guarded.journal().path()},
                             {"notifications", NotificationsReceiptJson(receipt.notifications)}};
  std::string text;
  if (!receipt.steps.empty()) document["journalOperationId"] = receipt.steps.front().operation_id;
  if (outcome) {
    document["profile"] = es10::ToJson(outcome->metadata);
    document["transactionId"] = ToHex(outcome->transaction_id);
    document["storeDataSequences"] = outcome->pieces;
    if (!outcome->warning.empty()) document["warning"] = outcome->warning;
    const std::string iccid = outcome->metadata.iccid.value_or("");
    text = "Profile " + ProfileLabel(outcome->metadata) + " installed (disabled).\n";
    if (!outcome->warning.empty()) text += "Warning: " + outcome->warning + ".\n";
    text += "Enable it with: esimctl profile enable " + iccid + "\n";
  }
  text += NotificationsReceiptText(receipt.notifications, guarded.journal().path());
  Status status = receipt.failure;
  if (!status.ok() && status.code() == ErrorCode::kNotConfirmed && user.declined()) status = *user.declined();
  if (status.ok()) status = PendingStatus(receipt.notifications, guarded.delivers());
  return out.Finish(document, text, status);
}

}  // namespace

int RunDownload(const CliContext& context, Output& out, const DownloadOptions& options) {
  auto prepared = CheckInput(options);
  if (!prepared.ok()) return out.Error(InputRejected(prepared.status()));
  // --trace and -v show "**" where the matching ID would be (readers/trace_mask.h).
  if (prepared->request.matching_id) RegisterTraceSecret(*prepared->request.matching_id);
  if (!options.flags.dry_run && !options.flags.yes && isatty(STDIN_FILENO) != 1) {
    return out.Error(Status(ErrorCode::kConfirmationRequired,
                            "a download asks to confirm the offered profile, and there is no terminal to ask on; "
                            "add -y for scripts; nothing was sent"));
  }
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
    user = std::make_unique<TerminalDownloadUser>(options.flags.yes, request.smdp_address);
    if (ProgressLine::ShouldShowOnStderr(context.json)) user->ShowLoadProgress(std::cerr);
    return PlanDownload(request, *server, *user, outcome);
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
