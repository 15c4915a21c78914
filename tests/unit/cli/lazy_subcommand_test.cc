// AddLazySubcommand: a subcommand is completed only when the command line reaches it, and
// still parses, matches and shows in help like an eager one.
#include "src/cli/lazy_subcommand.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace esim {
namespace {

struct Fixture {
  CLI::App app{"test"};
  std::vector<std::string> filled;
  bool flag = false;

  Fixture() {
    app.require_subcommand(1);
    for (const char* name : {"first", "second"}) {
      AddLazySubcommand(app, name, std::string("the ") + name + " command", [this, name](CLI::App& command) {
        filled.push_back(name);
        command.add_flag("--flag", flag, "a flag only this command has");
      });
    }
  }

  void Parse(std::vector<std::string> args) {
    std::reverse(args.begin(), args.end());  // CLI11 takes them last-first
    app.parse(args);
  }
};

TEST(LazySubcommand, OnlyTheCommandOnTheLineIsFilled) {
  Fixture f;
  f.Parse({"second", "--flag"});
  EXPECT_EQ(f.filled, std::vector<std::string>{"second"});
  EXPECT_TRUE(f.flag);
  EXPECT_EQ(f.app.get_subcommand("first")->get_options().size(), 1u);  // --help only
  EXPECT_EQ(f.app.get_subcommand("second")->get_options().size(), 2u);
}

TEST(LazySubcommand, ParentHelpListsEveryCommandWithoutFillingAny) {
  Fixture f;
  const std::string help = f.app.help();
  EXPECT_NE(help.find("the first command"), std::string::npos) << help;
  EXPECT_NE(help.find("the second command"), std::string::npos) << help;
  EXPECT_TRUE(f.filled.empty());
}

TEST(LazySubcommand, OwnHelpShowsTheFilledOptions) {
  Fixture f;
  EXPECT_THROW(f.Parse({"first", "--help"}), CLI::CallForHelp);
  EXPECT_EQ(f.filled, std::vector<std::string>{"first"});
  const std::string help = f.app.get_subcommand("first")->help();
  EXPECT_NE(help.find("a flag only this command has"), std::string::npos) << help;
}

TEST(LazySubcommand, UnknownOptionOfAFilledCommandIsAParseError) {
  Fixture f;
  EXPECT_THROW(f.Parse({"first", "--no-such-flag"}), CLI::ParseError);
  EXPECT_EQ(f.filled, std::vector<std::string>{"first"});
}

}  // namespace
}  // namespace esim
