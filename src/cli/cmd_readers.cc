// `esimctl readers`: the PC/SC readers, what they hold, and whether they are free.
//
// Reader states come from one SCardGetStatusChange over all readers. For each reader that
// holds a card and that no other program holds exclusively, the card is asked for its EID
// without disturbing anyone: a SHARED connection, the ISD-R selected on a logical channel
// (MANAGE CHANNEL open/close around SELECT + GetEID), and SCARD_LEAVE_CARD on disconnect (no
// reset). A reader held exclusively is never connected to: it is "in use by another program".
// The same connection tells the negotiated protocol and whether the reader and card offer
// extended-length APDUs (T=1 and the ATR's extended Lc/Le capability): the APDU column.
#include <string>
#include <utility>

#include "common/bytes.h"
#include "readers/pcsc_reader.h"
#include "src/cli/cli_context.h"

namespace esim {

namespace {

// What the card in one reader turned out to be.
struct CardIdentity {
  bool checked = false;  // we connected and asked
  bool busy = false;     // another program took the reader exclusively meanwhile
  std::string eid;       // empty: not an eUICC, or its EID could not be read
  std::string protocol;  // "T=0" / "T=1" as negotiated on our connection; empty: not connected
  bool extended_length = false;  // PcscReader::SupportsExtendedLength on our connection
};

bool WorthAsking(const PcscReaderStatus& r) {
  return r.card_present && !r.mute && !r.exclusive;
}

// Reads the EID of the card in `name` on a logical channel of a shared connection. Never
// fails: whatever goes wrong just leaves the EID unknown.
CardIdentity Identify(PcscContext& pcsc, const std::string& name, const CliContext& context) {
  CardIdentity id;
  PcscReader::ConnectOptions connect;
  connect.share = PcscReader::ShareMode::kShared;
  connect.card_wait_ms = 0;  // the state said a card is present: never wait here
  auto reader = PcscReader::Connect(pcsc, name, connect);
  if (!reader.ok()) {
    id.busy = reader.status().code() == ErrorCode::kReaderBusy;
    return id;
  }
  id.checked = true;
  id.protocol = (*reader)->protocol() == SCARD_PROTOCOL_T1 ? "T=1" : "T=0";
  id.extended_length = (*reader)->SupportsExtendedLength();
  SessionOptions options;
  options.apdu_length = context.apdu_length;
  options.shared = true;  // logical channel: the basic channel may be someone else's
  if (!context.aid_hex.empty()) {
    auto aid = FromHex(context.aid_hex);
    if (aid.ok()) options.aid = *aid;
  }
  // The session closes its logical channel, then the reader disconnects with
  // SCARD_LEAVE_CARD (PcscReader's destructor): the card is never reset.
  auto session = CardSession::OnReader(std::move(reader).value(), options);
  if (!session.ok()) return id;
  auto eid = (*session)->es10().GetEid();
  if (eid.ok()) id.eid = *eid;
  return id;
}

std::string CardColumn(const PcscReaderStatus& r, const CardIdentity& id) {
  if (!r.card_present) return "no card";
  if (r.mute) return "mute card";
  if (!id.eid.empty()) return "eUICC";
  return "card";
}

// "extended T=1", "short T=0": what esimctl would send by default, over which protocol.
std::string ApduColumn(const CardIdentity& id) {
  if (id.protocol.empty()) return "-";
  return (id.extended_length ? "extended " : "short ") + id.protocol;
}

std::string UseColumn(const PcscReaderStatus& r, const CardIdentity& id) {
  if (r.exclusive || id.busy) return "in use by another program";
  if (r.in_use) return "shared with another program";
  return "free";
}

}  // namespace

void RegisterReadersCommand(CLI::App& /*readers*/, CliContext& context) {
  context.run = [&context](Output& out) {
    auto pcsc = PcscContext::Establish();
    if (!pcsc.ok()) return out.Error(pcsc.status());
    auto all = (*pcsc)->QueryAll();
    if (!all.ok()) return out.Error(all.status());
    std::vector<CardIdentity> ids(all->size());
    for (size_t i = 0; i < all->size(); ++i) {
      if (WorthAsking((*all)[i])) ids[i] = Identify(**pcsc, (*all)[i].name, context);
    }
    if (out.json()) {
      nlohmann::json list = nlohmann::json::array();
      for (size_t i = 0; i < all->size(); ++i) {
        const PcscReaderStatus& r = (*all)[i];
        nlohmann::json entry = {{"index", i},
                                {"name", r.name},
                                {"cardPresent", r.card_present},
                                {"inUse", r.in_use || ids[i].busy},
                                {"exclusive", r.exclusive || ids[i].busy}};
        if (!r.atr.empty()) entry["atr"] = ToHex(r.atr);
        // euicc: true/false once asked; absent when the card could not be asked.
        if (ids[i].checked) entry["euicc"] = !ids[i].eid.empty();
        if (!ids[i].eid.empty()) entry["eid"] = ids[i].eid;
        // Only known on our own connection: absent when the card could not be asked.
        if (!ids[i].protocol.empty()) {
          entry["protocol"] = ids[i].protocol;
          entry["extendedLength"] = ids[i].extended_length;
        }
        list.push_back(entry);
      }
      out.Json({{"readers", list}});
      return 0;
    }
    if (all->empty()) {
      out.Text("No readers found.");
      return 0;
    }
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < all->size(); ++i) {
      const PcscReaderStatus& r = (*all)[i];
      rows.push_back({std::to_string(i), r.name, CardColumn(r, ids[i]), UseColumn(r, ids[i]),
                      ids[i].eid.empty() ? "-" : ids[i].eid, ApduColumn(ids[i]),
                      r.atr.empty() ? "-" : ToHex(r.atr)});
    }
    out.Text(RenderTable({"#", "READER", "CARD", "STATUS", "EID", "APDU", "ATR"}, rows));
    return 0;
  };
}

}  // namespace esim
