// `esimctl readers`: the PC/SC readers, what they hold, and whether they are free.
//
// The readers and their cards come from ReaderDirectory (src/session/reader_directory.h): one
// SCardGetStatusChange over all readers, and for each reader that holds a card no other program
// holds exclusively, the card's EID read without disturbing anyone (shared connection, logical
// channel, no reset). A reader held exclusively is never connected to: it is "in use by another
// program". The same connection tells the negotiated protocol and whether the reader and card
// offer extended-length APDUs (T=1 and the ATR's extended Lc/Le capability): the APDU column.
//
// `esimctl readers --modems` lists the cellular modems' serial ports instead
// (src/session/modem_directory.h): a port another program holds is listed as held and never
// opened; every other one is asked AT, and when it answers, whether an eUICC answers behind it
// (its EID, read on a logical channel that is closed again).
// This file holds only the options and the rendering.
#include <algorithm>
#include <memory>
#include <string>

#include "common/bytes.h"
#include "common/utf8.h"
#include "src/cli/cli_context.h"
#include "src/session/modem_directory.h"
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

// "free", "held by 123 (ModemManager)".
std::string ModemStatusColumn(const ModemEntry& m) {
  if (!m.held) return "free";
  return "held by " + (m.holder.empty() ? std::string("another program") : TerminalText(m.holder));
}

int ListModemsCommand(const CliContext& context, Output& out) {
  SessionOptions options = IdentifyOptions(context);
  options.baud = context.baud;
  options.at_timeout_ms = context.at_timeout_ms;
  std::vector<ModemEntry> modems = ListModems(options);
  if (out.json()) {
    nlohmann::json list = nlohmann::json::array();
    for (const ModemEntry& m : modems) {
      nlohmann::json entry = {{"path", m.path}, {"held", m.held}, {"answersAt", m.answers_at}};
      if (!m.holder.empty()) entry["holder"] = m.holder;
      if (!m.mode.empty()) entry["mode"] = m.mode;
      // euicc: true/false once asked; absent when the port was not opened (held).
      if (!m.held) entry["euicc"] = !m.eid.empty();
      if (!m.eid.empty()) entry["eid"] = m.eid;
      if (!m.problem.empty()) entry["problem"] = m.problem;
      list.push_back(entry);
    }
    out.Json({{"modems", list}});
    return 0;
  }
  if (modems.empty()) {
    out.Text("No serial ports that could be a modem (/dev/ttyUSB*, /dev/ttyACM*).");
    return 0;
  }
  // NOTE (why a port that was asked is not usable) only when some port has one.
  const bool notes = std::any_of(modems.begin(), modems.end(), [](const ModemEntry& m) { return !m.problem.empty(); });
  std::vector<std::vector<std::string>> rows;
  for (const ModemEntry& m : modems) {
    rows.push_back({TerminalText(m.path), ModemStatusColumn(m), m.held ? "-" : (m.answers_at ? "yes" : "no"),
                    m.mode.empty() ? "-" : m.mode, m.eid.empty() ? "-" : m.eid});
    if (notes) rows.back().push_back(m.problem.empty() ? "-" : TerminalText(m.problem));
  }
  std::vector<std::string> header = {"PORT", "STATUS", "AT", "MODE", "EID"};
  if (notes) header.push_back("NOTE");
  out.Text(RenderTable(header, rows));
  return 0;
}

}  // namespace

void RegisterReadersCommand(CLI::App& readers, CliContext& context) {
  auto modems = std::make_shared<bool>(false);
  readers.add_flag("--modems", *modems,
                   "list the modems' serial ports instead: which answer AT and which hold an eUICC "
                   "(a port another program holds is not opened)");
  // For shell completion (hidden, so not offered by it): the names, one per line, no card I/O.
  auto names = std::make_shared<bool>(false);
  readers.add_flag("--names", *names, "reader names only, one per line (for shell completion)")->group("");
  context.run = [&context, modems, names](Output& out) {
    if (*modems) return ListModemsCommand(context, out);
    auto directory = ReaderDirectory::Open();
    if (!directory.ok()) return out.Error(directory.status());
    if (*names) {
      auto list = (*directory)->Names();
      if (!list.ok()) return out.Error(list.status());
      for (const std::string& name : *list) out.Text(name);
      return 0;
    }
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
