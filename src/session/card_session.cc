#include "src/session/card_session.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "apdu/isdr_aids.h"
#include "apdu/response_apdu.h"
#include "readers/at_reader.h"
#include "readers/pcsc_reader.h"
#include "readers/replay_reader.h"
#include "readers/trace_mask.h"
#include "readers/trace_reader.h"
#include "src/session/modem_directory.h"
#include "vcard/virtual_reader.h"

namespace esim {

namespace {

constexpr std::string_view kVirtualPrefix = "virtual:";
constexpr std::string_view kReplayPrefix = "replay:";
constexpr std::string_view kAtPrefix = "at:";
constexpr std::string_view kAtAuto = "at:auto";

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

AtReaderOptions AtOptionsFor(const SessionOptions& options) {
  AtReaderOptions at;
  at.baud = options.baud;
  if (options.at_timeout_ms) {
    at.command_timeout_ms = *options.at_timeout_ms;
    // A user who wants answers faster than the probes' default wants the probes faster too.
    at.probe_timeout_ms = std::min(at.probe_timeout_ms, *options.at_timeout_ms);
  }
  return at;
}

// Wraps `reader` with the --trace file and the -v log, in that order, so the
// trace records exactly what the card saw.
Result<std::unique_ptr<Reader>> Decorate(std::unique_ptr<Reader> reader,
                                         const SessionOptions& options) {
  if (!options.trace_path.empty()) {
    ESIM_ASSIGN_OR_RETURN(auto traced, TracingReader::ToFile(std::move(reader), options.trace_path));
    reader = std::move(traced);
  }
  if (options.apdu_log != nullptr) {
    TraceOptions log;
    log.header = false;  // -v is a live log: reader and ATR are known to the user
    log.annotate = true;
    log.describe_sw = apdu::DescribeStatusWord;
    reader = std::make_unique<TracingReader>(std::move(reader), *options.apdu_log, log);
  }
  return reader;
}

bool UseExtendedLength(ApduLength mode, const Reader& reader) {
  switch (mode) {
    case ApduLength::kShort: return false;
    case ApduLength::kExtended: return true;
    case ApduLength::kAuto: break;
  }
  return reader.SupportsExtendedLength();
}

}  // namespace

bool IsModemSpec(std::string_view spec) { return StartsWith(spec, kAtPrefix); }

Result<std::unique_ptr<Reader>> OpenReader(const std::string& spec, const SessionOptions& options) {
  if (IsModemSpec(spec)) {
    std::string device = spec.substr(kAtPrefix.size());
    if (spec == kAtAuto) {
      ESIM_ASSIGN_OR_RETURN(device, ResolveAutoModem(options));
    }
    if (device.empty()) {
      return Status(ErrorCode::kReaderNotFound,
                    "--reader at: needs a device (at:/dev/ttyUSB2) or at:auto");
    }
    ESIM_ASSIGN_OR_RETURN(auto reader, AtReader::Open(device, AtOptionsFor(options)));
    return std::unique_ptr<Reader>(std::move(reader));
  }
  if (StartsWith(spec, kVirtualPrefix)) {
    // The virtual eUICC, held in-process: the only place above vcard/ that builds one.
    ESIM_ASSIGN_OR_RETURN(auto reader,
                          vcard::OpenVirtualReader(spec.substr(kVirtualPrefix.size()), {}));
    return std::unique_ptr<Reader>(std::move(reader));
  }
  if (StartsWith(spec, kReplayPrefix)) {
    ESIM_ASSIGN_OR_RETURN(auto reader, ReplayReader::Open(spec.substr(kReplayPrefix.size())));
    return std::unique_ptr<Reader>(std::move(reader));
  }
  ESIM_ASSIGN_OR_RETURN(auto reader,
                        PcscReader::Open(spec, options.shared ? PcscReader::ShareMode::kShared
                                                              : PcscReader::ShareMode::kExclusive));
  return std::unique_ptr<Reader>(std::move(reader));
}

Result<std::unique_ptr<CardSession>> CardSession::Open(const SessionOptions& options) {
  ESIM_ASSIGN_OR_RETURN(auto reader, OpenReader(options.reader, options));
  return OnReader(std::move(reader), options);
}

Result<std::unique_ptr<CardSession>> CardSession::OnReader(std::unique_ptr<Reader> reader,
                                                           const SessionOptions& options) {
  auto session = std::make_unique<CardSession>(Key{});
  ESIM_ASSIGN_OR_RETURN(session->reader_, Decorate(std::move(reader), options));

  apdu::TransportOptions transport_options;
  transport_options.extended_length = UseExtendedLength(options.apdu_length, *session->reader_);
  session->transport_ = std::make_unique<apdu::ApduTransport>(*session->reader_, transport_options);
  if (options.apdu_log != nullptr) {
    // Lands right after the refused exchange in the -v log, as a comment line.
    std::ostream* log = options.apdu_log;
    session->transport_->set_fallback_note(
        [log](const std::string& note) { *log << "# " << note << '\n'; });
  }

  // With extended length a whole ES10 request fits one block; a user's block size over 255
  // is cut to what short APDUs carry (StoreDataChannel cuts it again after a fallback).
  const size_t max_block =
      transport_options.extended_length ? apdu::kMaxExtendedData : apdu::kMaxShortData;
  session->channel_options_.block_size = std::min(options.block_size.value_or(max_block), max_block);
  // Holding the reader exclusively, the basic channel is ours alone and saves the
  // MANAGE CHANNEL open/close pair; shared, another program may use channel 0; over a modem,
  // the modem's telephony stack does (asked of the reader, so every way of getting here, at:DEVICE,
  // at:auto or ModemDirectory, agrees without a flag each caller would have to remember).
  session->channel_options_.logical_channel = options.shared || !session->reader_->BasicChannelUsable();
  ESIM_RETURN_IF_ERROR(session->OpenChannel(
      options.aid ? std::vector<Bytes>{*options.aid} : apdu::KnownIsdrAids()));
  return session;
}

Status CardSession::OpenChannel(std::vector<Bytes> candidates) {
  // Built aside and swapped in whole: a session whose reopening failed keeps its previous,
  // consistent client, whose commands then fail with the reader's error.
  ESIM_ASSIGN_OR_RETURN(auto channel, apdu::StoreDataChannel::Open(*transport_, channel_options_));
  auto locator = std::make_unique<IsdrLocator>(*channel, std::move(candidates));
  ESIM_RETURN_IF_ERROR(locator->SelectFirst());
  client_ = std::make_unique<Es10Client>(*locator);  // the old client first: it uses the old locator
  locator_ = std::move(locator);
  channel_ = std::move(channel);
  return Status::Ok();
}

Status CardSession::Reestablish(uint32_t timeout_ms) {
  Bytes isdr = locator_->selected_aid();
  bool confirmed = locator_->confirmed();
  // The connection the channel was opened on is gone: closing it on the new one could close
  // the channel the new connection opens under the same number.
  channel_->Forget(Status(ErrorCode::kCardRemoved,
                          "the card went away during the command and did not come back"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  Status last;
  do {
    last = reader_->Reconnect(false);
    if (last.ok()) last = OpenChannel({isdr});
    if (last.ok()) {
      if (confirmed) locator_->Confirm();
      return last;
    }
    // The card announces itself again only after pcscd's next poll (~400 ms).
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < deadline);
  return last.WithContext("the card did not come back");
}

CardSession::~CardSession() {
  // Members die in reverse order: client, locator, then the channel closes its
  // logical channel while transport and reader are still alive.
}

void MaskInTraces(std::string_view secret) { RegisterTraceSecret(secret); }

}  // namespace esim
