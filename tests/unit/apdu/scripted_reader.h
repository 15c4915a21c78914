// ScriptedReader: a fake card for unit tests that answers from a fixed script.
//
// Each step is (expected C-APDU hex → R-APDU hex, or → a transport failure). Transmit checks
// the command against the next step and fails the running test (ADD_FAILURE) on any
// difference or when the script is exhausted, so a test states the exact APDU sequence it
// expects. By default the destructor also fails the test if steps were left unused. Hex may
// contain spaces for readability. Header-only; for tests only; not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "common/status.h"
#include "readers/reader.h"

namespace esim::testing {

class ScriptedReader : public Reader {
 public:
  ScriptedReader() = default;
  ~ScriptedReader() override {
    if (check_all_used_ && next_ < steps_.size()) {
      ADD_FAILURE() << "ScriptedReader: " << (steps_.size() - next_)
                    << " scripted exchange(s) never happened; next expected C-APDU "
                    << ToHex(steps_[next_].command);
    }
  }
  ScriptedReader(const ScriptedReader&) = delete;
  ScriptedReader& operator=(const ScriptedReader&) = delete;

  // Adds a step: `command_hex` must be sent next; the card answers `response_hex` (SW included).
  ScriptedReader& Expect(std::string_view command_hex, std::string_view response_hex) {
    steps_.push_back({Parse(command_hex), Parse(response_hex), Status::Ok()});
    return *this;
  }
  // Adds a step whose transmission fails with `failure` (e.g. kCardRemoved).
  ScriptedReader& ExpectFailure(std::string_view command_hex, Status failure) {
    steps_.push_back({Parse(command_hex), Bytes(), std::move(failure)});
    return *this;
  }
  // Lets the test end with unused steps.
  void AllowLeftover() { check_all_used_ = false; }

  // Checks `command` against the next step and plays it.
  Result<Bytes> Transmit(ByteView command) override {
    ++transmits_;
    if (next_ >= steps_.size()) {
      ADD_FAILURE() << "ScriptedReader: unexpected C-APDU " << ToHex(command)
                    << " after the end of the script (" << steps_.size() << " steps)";
      return Status(ErrorCode::kReaderError, "script ended");
    }
    const Step& step = steps_[next_];
    if (Bytes(command.begin(), command.end()) != step.command) {
      ADD_FAILURE() << "ScriptedReader: step " << next_ + 1 << ": expected C-APDU\n  "
                    << ToHex(step.command) << "\ngot\n  " << ToHex(command);
      return Status(ErrorCode::kReaderError, "unexpected command");
    }
    ++next_;
    if (!step.failure.ok()) return step.failure;
    return step.response;
  }
  // The ATR set by set_atr (default 3B00).
  Bytes Atr() const override { return atr_; }
  // "scripted" unless set_name was called.
  std::string Name() const override { return name_; }
  // Counts reconnects; succeeds unless set_reconnect_failure was called.
  Status Reconnect(bool /*reset*/) override {
    ++reconnects_;
    return reconnect_failure_;
  }
  // As set by set_extended_length (default false).
  bool SupportsExtendedLength() const override { return extended_; }

  void set_atr(Bytes atr) { atr_ = std::move(atr); }
  void set_name(std::string name) { name_ = std::move(name); }
  void set_extended_length(bool extended) { extended_ = extended; }
  // Every later Reconnect fails with `failure` (a card that went away for good).
  void set_reconnect_failure(Status failure) { reconnect_failure_ = std::move(failure); }
  // Steps not yet played.
  size_t remaining() const { return steps_.size() - next_; }
  // Transmit calls so far (including failed ones).
  size_t transmits() const { return transmits_; }
  int reconnects() const { return reconnects_; }

 private:
  Status reconnect_failure_;
  struct Step {
    Bytes command;
    Bytes response;
    Status failure;
  };

  static Bytes Parse(std::string_view hex) {
    Result<Bytes> bytes = FromHex(hex);
    if (!bytes.ok()) {
      ADD_FAILURE() << "ScriptedReader: bad hex in script '" << hex
                    << "': " << bytes.status().message();
      return {};
    }
    return *bytes;
  }

  std::vector<Step> steps_;
  size_t next_ = 0;
  size_t transmits_ = 0;
  int reconnects_ = 0;
  bool check_all_used_ = true;
  bool extended_ = false;
  Bytes atr_{0x3B, 0x00};
  std::string name_ = "scripted";
};

}  // namespace esim::testing
