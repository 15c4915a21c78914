#include "src/cli/progress_line.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <sstream>

namespace esim {
namespace {

TEST(ProgressLineTest, RewritesInPlaceAndEndsAtTheTotal) {
  std::ostringstream out;
  ProgressLine line(out, "Loading profile");
  line.Update(1, 3);
  EXPECT_EQ(out.str(), "\rLoading profile: 1/3");
  line.Update(2, 3);
  line.Update(3, 3);
  EXPECT_EQ(out.str(), "\rLoading profile: 1/3\rLoading profile: 2/3\rLoading profile: 3/3\n");
  line.End();  // already ended: nothing more
  EXPECT_EQ(out.str().back(), '\n');
  EXPECT_EQ(out.str().find("\n"), out.str().size() - 1);
}

TEST(ProgressLineTest, AnInterruptedLoadEndsTheLine) {
  std::ostringstream out;
  {
    ProgressLine line(out, "Loading profile");
    line.Update(4, 19);
  }
  EXPECT_EQ(out.str(), "\rLoading profile: 4/19\n");
}

TEST(ProgressLineTest, NothingWithJsonOrWithoutATerminal) {
  EXPECT_FALSE(ProgressLine::ShouldShowOnStderr(/*json=*/true));
  // The unit tests run with stderr a pipe or file (ctest), or a terminal by hand.
  EXPECT_EQ(ProgressLine::ShouldShowOnStderr(false), isatty(2) == 1);
}

}  // namespace
}  // namespace esim
