#include "src/session/reader_directory.h"

#include <utility>

#include "readers/pcsc_reader.h"

namespace esim {

namespace {

bool WorthAsking(const PcscReaderStatus& r) {
  return r.card_present && !r.mute && !r.exclusive;
}

}  // namespace

ReaderDirectory::ReaderDirectory(Key, std::unique_ptr<PcscContext> pcsc) : pcsc_(std::move(pcsc)) {}

ReaderDirectory::~ReaderDirectory() = default;

Result<std::unique_ptr<ReaderDirectory>> ReaderDirectory::Open() {
  ESIM_ASSIGN_OR_RETURN(auto pcsc, PcscContext::Establish());
  return std::make_unique<ReaderDirectory>(Key{}, std::move(pcsc));
}

Result<std::vector<ReaderEntry>> ReaderDirectory::ListWithCards(const SessionOptions& options) {
  ESIM_ASSIGN_OR_RETURN(auto all, pcsc_->QueryAll());
  std::vector<ReaderEntry> entries;
  entries.reserve(all.size());
  for (PcscReaderStatus& r : all) {
    ReaderEntry entry{r.name, r.card_present, r.mute, r.in_use, r.exclusive, std::move(r.atr), {}};
    if (WorthAsking(r)) entry.card = Identify(r.name, options);
    entries.push_back(std::move(entry));
  }
  return entries;
}

Result<std::vector<std::string>> ReaderDirectory::Names() {
  ESIM_ASSIGN_OR_RETURN(auto all, pcsc_->QueryAll());
  std::vector<std::string> names;
  names.reserve(all.size());
  for (auto& r : all) names.push_back(std::move(r.name));
  return names;
}

Result<std::vector<std::string>> ReaderDirectory::ReadersHoldingACard() {
  ESIM_ASSIGN_OR_RETURN(auto all, pcsc_->QueryAll());
  std::vector<std::string> names;
  for (const auto& r : all) {
    if (r.card_present && !r.mute) names.push_back(r.name);
  }
  if (names.empty()) return Status(ErrorCode::kNoCard, "no reader holds a card");
  return names;
}

CardIdentity ReaderDirectory::Identify(const std::string& reader_name,
                                       const SessionOptions& options) {
  CardIdentity id;
  PcscReader::ConnectOptions connect;
  connect.share = PcscReader::ShareMode::kShared;
  connect.card_wait_ms = 0;  // the state said a card is present: never wait here
  auto reader = PcscReader::Connect(*pcsc_, reader_name, connect);
  if (!reader.ok()) {
    id.busy = reader.status().code() == ErrorCode::kReaderBusy;
    return id;
  }
  id.checked = true;
  id.protocol = (*reader)->protocol() == SCARD_PROTOCOL_T1 ? "T=1" : "T=0";
  id.extended_length = (*reader)->SupportsExtendedLength();
  SessionOptions on_this_card = options;
  on_this_card.shared = true;  // logical channel: the basic channel may be someone else's
  // The session closes its logical channel, then the reader disconnects with
  // SCARD_LEAVE_CARD (PcscReader's destructor): the card is never reset.
  auto session = CardSession::OnReader(std::move(reader).value(), on_this_card);
  if (!session.ok()) return id;
  auto eid = (*session)->es10().GetEid();
  if (eid.ok()) id.eid = *eid;
  return id;
}

}  // namespace esim
