// `esimctl readers`: the PC/SC readers, what they hold, and whether they are free.
//
// The readers and their cards come from ReaderDirectory (src/session/reader_directory.h): one
// SCardGetStatusChange over all readers, and for each reader that holds a card no other program
// holds exclusively, the card's EID read without disturbing anyone (shared connection, logical
// channel, no reset). A reader held exclusively is never connected to: it is "in use by another
// program". The same connection tells the negotiated protocol and whether the reader and card
// offer extended-length APDUs (T=1 and the ATR's extended Lc/Le capability): the APDU column.
// This file holds only the options and the rendering.
#include <string>

#include "common/bytes.h"
#include "src/cli/cli_context.h"
#include "src/session/reader_directory.h"

namespace esim {

namespace {

// The session options a card is identified with: --aid and --apdu-length only (no trace, no -v).
SessionOptions IdentifyOptions(const CliContext& context) {
  SessionOptions options;
  options.apdu_length = context.apdu_length;
  if (!context.aid_hex.empty()) {
    auto aid = FromHex(context.aid_hex);
    if (aid.ok()) options.aid = *aid;
  }
  return options;
}

std::string CardColumn(const ReaderEntry& r, const CardIdentity& id) {
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

std::string UseColumn(const ReaderEntry& r, const CardIdentity& id) {
  if (r.exclusive || id.busy) return "in use by another program";
  if (r.in_use) return "shared with another program";
  return "free";
}

}  // namespace

void RegisterReadersCommand(CLI::App& /*readers*/, CliContext& context) {
  context.run = [&context](Output& out) {
    auto directory = ReaderDirectory::Open();
    if (!directory.ok()) return out.Error(directory.status());
    auto all = (*directory)->ListWithCards(IdentifyOptions(context));
    if (!all.ok()) return out.Error(all.status());
    if (out.json()) {
      nlohmann::json list = nlohmann::json::array();
      for (size_t i = 0; i < all->size(); ++i) {
        const ReaderEntry& r = (*all)[i];
        const CardIdentity& id = r.card;
        nlohmann::json entry = {{"index", i},
                                {"name", r.name},
                                {"cardPresent", r.card_present},
                                {"inUse", r.in_use || id.busy},
                                {"exclusive", r.exclusive || id.busy}};
        if (!r.atr.empty()) entry["atr"] = ToHex(r.atr);
        // euicc: true/false once asked; absent when the card could not be asked.
        if (id.checked) entry["euicc"] = !id.eid.empty();
        if (!id.eid.empty()) entry["eid"] = id.eid;
        // Only known on our own connection: absent when the card could not be asked.
        if (!id.protocol.empty()) {
          entry["protocol"] = id.protocol;
          entry["extendedLength"] = id.extended_length;
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
      const ReaderEntry& r = (*all)[i];
      const CardIdentity& id = r.card;
      rows.push_back({std::to_string(i), r.name, CardColumn(r, id), UseColumn(r, id),
                      id.eid.empty() ? "-" : id.eid, ApduColumn(id),
                      r.atr.empty() ? "-" : ToHex(r.atr)});
    }
    out.Text(RenderTable({"#", "READER", "CARD", "STATUS", "EID", "APDU", "ATR"}, rows));
    return 0;
  };
}

}  // namespace esim
