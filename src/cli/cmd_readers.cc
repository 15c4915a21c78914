// `esimctl readers`: the PC/SC readers, what they hold, and whether they are free.
#include <string>

#include "readers/pcsc_reader.h"
#include "src/cli/cli_context.h"

namespace esim {

namespace {

std::string CardColumn(const PcscReaderStatus& r) {
  if (!r.card_present) return "no card";
  if (r.mute) return "mute card";
  return "card";
}

std::string UseColumn(const PcscReaderStatus& r) {
  if (r.exclusive) return "in use by another program";
  if (r.in_use) return "shared with another program";
  return "free";
}

}  // namespace

void RegisterReadersCommand(CLI::App& app, CliContext& context) {
  CLI::App* readers = app.add_subcommand("readers", "list the PC/SC readers and their cards");
  readers->callback([&context] {
    context.run = [](Output& out) {
      // Looking at reader states never connects to a card, so cards held by
      // other programs are not disturbed.
      auto pcsc = PcscContext::Establish();
      if (!pcsc.ok()) return out.Error(pcsc.status());
      auto all = (*pcsc)->QueryAll();
      if (!all.ok()) return out.Error(all.status());
      if (out.json()) {
        nlohmann::json list = nlohmann::json::array();
        for (size_t i = 0; i < all->size(); ++i) {
          const PcscReaderStatus& r = (*all)[i];
          nlohmann::json entry = {{"index", i},
                                  {"name", r.name},
                                  {"cardPresent", r.card_present},
                                  {"inUse", r.in_use},
                                  {"exclusive", r.exclusive}};
          if (!r.atr.empty()) entry["atr"] = ToHex(r.atr);
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
        rows.push_back({std::to_string(i), r.name, CardColumn(r), UseColumn(r),
                        r.atr.empty() ? "-" : ToHex(r.atr)});
      }
      out.Text(RenderTable({"#", "READER", "CARD", "STATUS", "ATR"}, rows));
      return 0;
    };
  });
}

}  // namespace esim
