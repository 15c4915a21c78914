// Helpers for the virtual eUICC tests: a private copy of a state file, raw APDU
// exchange, and a minimal ISO 7816 client (select, STORE DATA chaining, GET RESPONSE).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "common/bytes.h"
#include "vcard/virtual_euicc.h"

namespace esim::vcard::testing {

inline std::string DefaultStatePath() { return std::string(ESIM_SOURCE_DIR) + "/vcard/default-state.json"; }
inline std::string Sgp26Dir() { return std::string(ESIM_SHARED_DIR) + "/sgp26"; }

inline Bytes H(const std::string& hex) {
  auto b = FromHex(hex);
  EXPECT_TRUE(b.ok()) << hex;
  return b.ok() ? *b : Bytes{};
}

// A temporary directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "vcard-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string File(const std::string& name) const { return (std::filesystem::path(path_) / name).string(); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline nlohmann::json ReadJson(const std::string& path) {
  std::ifstream in(path);
  return nlohmann::json::parse(in);
}
inline void WriteJson(const std::string& path, const nlohmann::json& doc) {
  std::ofstream out(path);
  out << doc.dump(2);
}

// Splits an R-APDU into data and SW.
struct Rapdu {
  Bytes data;
  uint16_t sw = 0;
};
inline Rapdu Split(const Bytes& r) {
  Rapdu out;
  if (r.size() < 2) return out;
  out.data.assign(r.begin(), r.end() - 2);
  out.sw = static_cast<uint16_t>(r[r.size() - 2] << 8 | r[r.size() - 1]);
  return out;
}

inline uint8_t ClaFor(uint8_t base, int channel) {
  if (channel < 4) return static_cast<uint8_t>(base | channel);
  return static_cast<uint8_t>((base & 0x80) | 0x40 | (channel - 4));
}

// A card loaded from a private copy of a state file (default: the repository's default card).
class CardFixture : public ::testing::Test {
 protected:
  void SetUp() override { LoadCard(); }

  // Copies `source` (or uses `doc`) into the temp dir and loads it with `options`.
  void LoadCard(VirtualEuicc::Options options = {}, const std::string& source = DefaultStatePath()) {
    state_path_ = dir_.File("state.json");
    if (source != state_path_) std::filesystem::copy_file(source, state_path_, std::filesystem::copy_options::overwrite_existing);
    Reload(options);
  }
  void LoadDoc(const nlohmann::json& doc, VirtualEuicc::Options options = {}) {
    state_path_ = dir_.File("state.json");
    WriteJson(state_path_, doc);
    Reload(options);
  }
  void Reload(VirtualEuicc::Options options = {}) {
    card_.reset();
    auto card = VirtualEuicc::Load(state_path_, options);
    ASSERT_TRUE(card.ok()) << card.status().message();
    card_ = std::move(card).value();
  }

  Rapdu Tx(const std::string& hex) { return Split(card_->Process(H(hex))); }
  Rapdu Tx(const Bytes& apdu) { return Split(card_->Process(apdu)); }

  // SELECT ISD-R on `channel` (P2 0C: no FCI).
  uint16_t SelectIsdr(int channel = 0) {
    Bytes apdu{ClaFor(0x00, channel), 0xA4, 0x04, 0x0C, 0x10};
    Bytes aid = H("A0000005591010FFFFFFFF8900000100");
    apdu.insert(apdu.end(), aid.begin(), aid.end());
    return Tx(apdu).sw;
  }

  // Sends an ES10 request in STORE DATA blocks of `block` bytes on `channel` and collects
  // the complete answer through GET RESPONSE. Returns data and the final SW.
  Rapdu Es10(const Bytes& request, int channel = 0, size_t block = 255, bool extended_le = false) {
    Rapdu r;
    size_t blocks = (request.size() + block - 1) / block;
    for (size_t i = 0; i < blocks; ++i) {
      size_t n = std::min(block, request.size() - i * block);
      bool last = i + 1 == blocks;
      Bytes apdu{ClaFor(0x80, channel), 0xE2, static_cast<uint8_t>(last ? 0x91 : 0x11), static_cast<uint8_t>(i)};
      if (extended_le) {
        apdu.insert(apdu.end(), {0x00, static_cast<uint8_t>(n >> 8), static_cast<uint8_t>(n)});
      } else {
        apdu.push_back(static_cast<uint8_t>(n));
      }
      apdu.insert(apdu.end(), request.begin() + static_cast<std::ptrdiff_t>(i * block),
                  request.begin() + static_cast<std::ptrdiff_t>(i * block + n));
      if (extended_le) {
        apdu.insert(apdu.end(), {0x00, 0x00});
      } else {
        apdu.push_back(0x00);
      }
      r = Tx(apdu);
      if (!last && r.sw != 0x9000) return r;
    }
    Bytes all = r.data;
    for (int rounds = 0; (r.sw >> 8) == 0x61 && rounds < 1000; ++rounds) {
      r = Tx(Bytes{ClaFor(0x00, channel), 0xC0, 0x00, 0x00, static_cast<uint8_t>(r.sw & 0xFF)});
      all.insert(all.end(), r.data.begin(), r.data.end());
    }
    r.data = all;
    return r;
  }
  Rapdu Es10(const std::string& hex, int channel = 0) { return Es10(H(hex), channel); }

  TempDir dir_;
  std::string state_path_;
  std::unique_ptr<VirtualEuicc> card_;
};

}  // namespace esim::vcard::testing
