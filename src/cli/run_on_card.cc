// RunOnCard: one card, or (--reader all) every reader holding a card, in parallel.
#include <future>
#include <sstream>
#include <string>
#include <vector>

#include "common/exit_codes.h"
#include "src/cli/cli_context.h"
#include "src/session/reader_directory.h"

namespace esim {

namespace {

// What one reader's run printed, and its exit code.
struct ReaderRun {
  std::string reader;
  std::string out;
  std::string err;
  int exit_code = 0;
};

int RunOnOne(const CliContext& context, Output& out, const std::function<Status(CardSession&, Output&)>& body) {
  auto session = context.OpenSession();
  if (!session.ok()) return out.Error(session.status());
  Status status = body(**session, out);
  return status.ok() ? 0 : out.Error(status);
}

}  // namespace

bool AllReaders(const CliContext& context) { return context.reader == "all"; }

int RunOnCard(const CliContext& context, Output& out,
              const std::function<Status(CardSession&, Output&)>& body) {
  if (!AllReaders(context)) return RunOnOne(context, out, body);

  // Reader states only: looking never connects, so cards held by others are not disturbed.
  auto directory = ReaderDirectory::Open();
  if (!directory.ok()) return out.Error(directory.status());
  auto holding = (*directory)->ReadersHoldingACard();
  if (!holding.ok()) return out.Error(holding.status());
  const std::vector<std::string>& names = *holding;

  // Each reader on its own thread and connection; a slow card does not hold up the others.
  std::vector<std::future<ReaderRun>> running;
  for (const auto& name : names) {
    running.push_back(std::async(std::launch::async, [&context, &body, &out, name] {
      CliContext one = context;
      one.reader = name;
      std::ostringstream run_out;
      std::ostringstream run_err;
      Output captured(run_out, run_err, out.json());
      ReaderRun run{name, "", "", RunOnOne(one, captured, body)};
      run.out = run_out.str();
      run.err = run_err.str();
      return run;
    }));
  }
  int exit_code = 0;
  nlohmann::json grouped = nlohmann::json::array();
  for (auto& future : running) {
    ReaderRun run = future.get();
    if (exit_code == 0) exit_code = run.exit_code;
    if (out.json()) {
      nlohmann::json result = nlohmann::json::parse(run.out, nullptr, false);
      grouped.push_back({{"reader", run.reader}, {"exitCode", run.exit_code}, {"result", result}});
    } else {
      out.Text("== " + run.reader + " ==");
      out.Text(run.out);
      if (!run.err.empty()) out.Note("[" + run.reader + "] " + run.err.substr(0, run.err.find_last_not_of('\n') + 1));
    }
  }
  if (out.json()) out.Json({{"readers", grouped}});
  return exit_code;
}

}  // namespace esim
