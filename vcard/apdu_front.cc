// ISO 7816-4 front end of the virtual eUICC: APDU parsing, logical channels, SELECT,
// STORE DATA chaining, GET RESPONSE / 61xx and Le handling. ES10 logic is in Isdr.
#include <algorithm>
#include <array>
#include <chrono>
#include <filesystem>
#include <thread>

#include "vcard/isdr.h"
#include "vcard/virtual_euicc.h"

namespace esim::vcard {
namespace {

// TS 3B, T0 9F (TA1 TD1, 15 historical bytes), TA1 96, TD1 80 (T=0), TD2 1F (T=15), TA3 C7
// (class A/B/C, clock stop), historical bytes of a typical eUICC, TCK.
constexpr uint8_t kAtr[] = {0x3B, 0x9F, 0x96, 0x80, 0x1F, 0xC7, 0x80, 0x31, 0xE0, 0x73, 0xFE,
                            0x21, 0x1B, 0x63, 0x3A, 0x20, 0x4E, 0x83, 0x00, 0x90, 0x00, 0x93};

// The ATR of Options::extended_length: as kAtr, but TD1 81 offers T=1 (and only T=1, so a
// PC/SC stack cannot settle on T=0) and the card capabilities (73 FE 21 xx) have bit 7 of
// their third byte set: 5B, extended Lc and Le. The TCK is computed, not written by hand.
Bytes ExtendedLengthAtr() {
  Bytes atr(std::begin(kAtr), std::end(kAtr) - 1);
  atr[3] = 0x81;   // TD1: TD2 follows, T=1
  atr[12] = 0x5B;  // card capabilities, third software function byte: + extended Lc/Le
  // TCK: the XOR of T0 up to and including TCK is 0 (ISO 7816-3; mandatory once T=1 is offered).
  uint8_t tck = 0;
  for (size_t i = 1; i < atr.size(); ++i) tck = static_cast<uint8_t>(tck ^ atr[i]);
  atr.push_back(tck);
  return atr;
}

// REFRESH (qualifier 06: eUICC profile state change), fetched after a 91xx.
constexpr uint8_t kRefreshCommand[] = {0xD0, 0x09, 0x81, 0x03, 0x01, 0x01, 0x06, 0x82, 0x02, 0x81, 0x82};

constexpr size_t kChannels = 20;           // basic channel + 1..19
// Reassembled STORE DATA payload. Large enough for a whole BoundProfilePackage sent as one
// sequence (the alternative to segment-by-segment loading), which can exceed 100 KB.
constexpr size_t kMaxRequest = 1024 * 1024;

struct Apdu {
  uint8_t cla = 0, ins = 0, p1 = 0, p2 = 0;
  ByteView data;
  std::optional<size_t> le;  // 1..65536
  bool extended = false;
};

// ISO 7816-3 cases 1, 2S/E, 3S/E, 4S/E; nullopt for a length that fits none.
std::optional<Apdu> ParseApdu(ByteView c) {
  if (c.size() < 4) return std::nullopt;
  Apdu a{c[0], c[1], c[2], c[3], {}, std::nullopt, false};
  size_t n = c.size();
  if (n == 4) return a;
  if (n == 5) {
    a.le = c[4] ? c[4] : 256;
    return a;
  }
  if (c[4] != 0) {
    size_t lc = c[4];
    if (n == 5 + lc || n == 6 + lc) {
      a.data = c.subspan(5, lc);
      if (n == 6 + lc) a.le = c[n - 1] ? c[n - 1] : 256;
      return a;
    }
    return std::nullopt;
  }
  a.extended = true;
  if (n == 7) {
    size_t le = static_cast<size_t>(c[5]) << 8 | c[6];
    a.le = le ? le : 65536;
    return a;
  }
  if (n < 8) return std::nullopt;
  size_t lc = static_cast<size_t>(c[5]) << 8 | c[6];
  if (lc == 0 || (n != 7 + lc && n != 9 + lc)) return std::nullopt;
  a.data = c.subspan(7, lc);
  if (n == 9 + lc) {
    size_t le = static_cast<size_t>(c[n - 2]) << 8 | c[n - 1];
    a.le = le ? le : 65536;
  }
  return a;
}

Bytes Sw(uint16_t sw) { return Bytes{static_cast<uint8_t>(sw >> 8), static_cast<uint8_t>(sw)}; }

class Card final : public VirtualEuicc {
 public:
  Card(CardState state, Isdr::Config config, Options options)
      : options_(std::move(options)),
        isdr_aid_(options_.isdr_aid ? *options_.isdr_aid : state.isdr_aid),
        isdr_(std::move(state), std::move(config)) {
    Reset();
  }

  Bytes Atr() const override {
    if (options_.extended_length || options_.reject_extended || options_.reject_extended_for) {
      return ExtendedLengthAtr();
    }
    return Bytes(std::begin(kAtr), std::end(kAtr));
  }

  void Reset() override {
    for (Channel& ch : channels_) ch = Channel{};
    channels_[0].open = true;
    proactive_pending_ = false;
    isdr_.Reset();
  }

  Bytes Process(ByteView command) override {
    if (options_.latency_ms) std::this_thread::sleep_for(std::chrono::milliseconds(options_.latency_ms));
    auto apdu = ParseApdu(command);
    if (!apdu) return Sw(0x6700);
    // The lying card: refused before anything else looks at the command, so it is never
    // executed (no chain started, no pending answer dropped, no ES10 command counted).
    if (apdu->extended && RefusesExtended(*apdu)) return Sw(0x6700);
    return Dispatch(*apdu);
  }

 private:
  // Options::reject_extended refuses every extended APDU; reject_extended_for only an extended
  // STORE DATA whose ES10 request starts with that tag.
  bool RefusesExtended(const Apdu& apdu) const {
    if (options_.reject_extended) return true;
    const std::optional<Bytes>& tag = options_.reject_extended_for;
    return tag && apdu.ins == 0xE2 && apdu.data.size() >= tag->size() &&
           std::equal(tag->begin(), tag->end(), apdu.data.begin());
  }

  struct Channel {
    bool open = false;
    bool isdr_selected = false;
    Bytes request;                 // STORE DATA blocks received so far
    std::optional<int> next_block; // set while a chain is in progress
    Bytes pending;                 // answer bytes waiting for GET RESPONSE
    uint16_t pending_sw = 0x9000;  // the status word that ends the pending answer
    bool endless = false;          // Options::endless_61xx: GET RESPONSE answers 6100 for ever
    bool wrong_le = false;         // Options::wrong_le_once: the last 61xx announced too much
  };

  // Decodes the channel from CLA (facts sheet section 1); nullopt for a class we do not speak.
  struct ClassInfo {
    size_t channel;
    bool proprietary;  // 8x / Cx (GlobalPlatform) rather than 0x / 4x (interindustry)
  };
  static std::optional<ClassInfo> DecodeCla(uint8_t cla) {
    if (cla == 0xFF) return std::nullopt;
    bool proprietary = cla & 0x80;
    uint8_t base = cla & 0x7F;
    if (base <= 0x03) return ClassInfo{base, proprietary};  // channels 0-3, no secure messaging
    if ((base & 0xF0) == 0x40) return ClassInfo{4u + (base & 0x0F), proprietary};
    return std::nullopt;
  }

  Bytes Dispatch(const Apdu& a) {
    auto cls = DecodeCla(a.cla);
    if (!cls) return Sw(0x6E00);
    Channel& ch = channels_[cls->channel];
    if (!ch.open) return Sw(0x6881);
    // GET RESPONSE in either class: ISO 7816-4 defines it in the interindustry class (00 C0),
    // but real eUICCs also answer 80 C0 / 81 C0, and widely used LPAs send that.
    if (a.ins == 0xC0) return GetResponse(ch, a);
    // Any other command abandons an answer still waiting for GET RESPONSE (ISO 7816-4).
    ch.pending.clear();
    ch.endless = false;
    ch.wrong_le = false;
    switch (a.ins) {
      case 0x70: return cls->proprietary ? Sw(0x6E00) : ManageChannel(a);
      case 0xA4: return cls->proprietary ? Sw(0x6E00) : Select(ch, a);
      case 0xE2: return cls->proprietary ? StoreData(ch, a) : Sw(0x6E00);
      case 0x12: return cls->proprietary ? Fetch(ch, a) : Sw(0x6E00);
      case 0x14: return cls->proprietary ? Sw(0x9000) : Sw(0x6E00);  // TERMINAL RESPONSE: accepted
      default: return Sw(0x6D00);
    }
  }

  // Sends `data` + `sw` within the limits of Le; the rest waits for GET RESPONSE.
  // `es10`: an ES10 answer (Options::wrong_le_once only ever fires on those).
  Bytes Deliver(Channel& ch, const Apdu& a, Bytes data, uint16_t sw, bool es10 = false) {
    if (data.empty()) return Sw(sw);
    // T=0 cannot return data to a command that carried data: it all goes through 61xx.
    bool via_get_response = options_.short_apdu_only && !a.data.empty();
    size_t limit = a.le.value_or(256);
    if (options_.short_apdu_only) limit = std::min<size_t>(limit, 256);
    if (via_get_response) limit = 0;
    if (data.size() <= limit) {
      Bytes out = std::move(data);
      Bytes s = Sw(sw);
      out.insert(out.end(), s.begin(), s.end());
      return out;
    }
    Bytes out(data.begin(), data.begin() + static_cast<std::ptrdiff_t>(limit));
    ch.pending.assign(data.begin() + static_cast<std::ptrdiff_t>(limit), data.end());
    ch.pending_sw = sw;
    Bytes s = Announce(ch, es10);
    out.insert(out.end(), s.begin(), s.end());
    return out;
  }

  static Bytes MoreData(size_t remaining) {
    return Bytes{0x61, static_cast<uint8_t>(remaining >= 256 ? 0 : remaining)};
  }

  // 61xx for what waits on `ch`; with Options::wrong_le_once armed and fewer than 240 bytes
  // left, announces 16 too many (once).
  Bytes Announce(Channel& ch, bool may_be_wrong) {
    const size_t remaining = ch.pending.size();
    if (may_be_wrong && options_.wrong_le_once && remaining > 0 && remaining < 240) {
      options_.wrong_le_once = false;
      ch.wrong_le = true;
      return MoreData(remaining + 16);
    }
    return MoreData(remaining);
  }

  Bytes GetResponse(Channel& ch, const Apdu& a) {
    if (ch.endless) return Sw(0x6100);
    if (ch.pending.empty()) return Sw(0x6985);
    if (a.p1 != 0 || a.p2 != 0) return Sw(0x6A86);
    if (ch.wrong_le) {
      // After a wrong announcement: an Le beyond what is waiting gets 6Cxx, the real length.
      ch.wrong_le = false;
      if (a.le && *a.le != 256 && *a.le > ch.pending.size()) {
        return Bytes{0x6C, static_cast<uint8_t>(ch.pending.size())};
      }
    }
    size_t limit = a.le.value_or(256);
    if (options_.short_apdu_only) {
      limit = std::min<size_t>(limit, 256);
      // T=0: an Le beyond what is waiting gets 6Cxx, as on a real card.
      if (a.le && *a.le != 256 && *a.le > ch.pending.size()) {
        return Bytes{0x6C, static_cast<uint8_t>(ch.pending.size())};
      }
    }
    size_t n = std::min(limit, ch.pending.size());
    Bytes out(ch.pending.begin(), ch.pending.begin() + static_cast<std::ptrdiff_t>(n));
    ch.pending.erase(ch.pending.begin(), ch.pending.begin() + static_cast<std::ptrdiff_t>(n));
    Bytes s = ch.pending.empty() ? Sw(ch.pending_sw) : Announce(ch, true);
    out.insert(out.end(), s.begin(), s.end());
    return out;
  }

  // Opened channels start with nothing selected, whichever channel asked (the ISD-R is
  // never the default application here).
  Bytes ManageChannel(const Apdu& a) {
    if (a.p1 == 0x00) {  // open
      size_t wanted = a.p2;
      if (wanted == 0) {
        for (size_t i = 1; i < kChannels; ++i) {
          if (!channels_[i].open) {
            wanted = i;
            break;
          }
        }
        if (wanted == 0) return Sw(0x6A81);  // every channel in use
      } else if (wanted >= kChannels || channels_[wanted].open) {
        return Sw(0x6881);
      }
      channels_[wanted] = Channel{};
      channels_[wanted].open = true;
      if (a.p2 != 0) return Sw(0x9000);
      return Deliver(channels_[wanted], a, Bytes{static_cast<uint8_t>(wanted)}, 0x9000);
    }
    if (a.p1 == 0x80) {  // close
      size_t which = a.p2;
      if (which == 0 || which >= kChannels || !channels_[which].open) return Sw(0x6881);
      channels_[which] = Channel{};
      return Sw(0x9000);
    }
    return Sw(0x6A86);
  }

  // P2 (ISO 7816-4): 00 return the FCI, 04 return the FCP (how ETSI TS 102 221 UICCs are
  // usually asked, and real eUICCs answer it), 0C no data, 02 next occurrence (there is none).
  Bytes Select(Channel& ch, const Apdu& a) {
    if (a.p1 != 0x04) return Sw(a.p1 <= 0x09 ? 0x6A82 : 0x6A86);  // only by DF name (AID)
    if (a.p2 != 0x00 && a.p2 != 0x04 && a.p2 != 0x0C && a.p2 != 0x02) return Sw(0x6A86);
    bool match = !options_.not_euicc && a.p2 != 0x02 &&
                 std::equal(a.data.begin(), a.data.end(), isdr_aid_.begin(), isdr_aid_.end());
    if (!match) return Sw(0x6A82);  // the previous selection stays, as on real cards
    ch.isdr_selected = true;
    ch.request.clear();
    ch.next_block.reset();
    if (a.p2 == 0x0C) return Sw(0x9000);
    // FCI (6F), or FCP (62) for P2 04: 84 DF name, A5 proprietary data (9F65: maximum length
    // of data field in command message).
    Bytes prop{0x9F, 0x65, 0x01, 0xFF};
    Bytes body{0x84, static_cast<uint8_t>(isdr_aid_.size())};
    body.insert(body.end(), isdr_aid_.begin(), isdr_aid_.end());
    body.push_back(0xA5);
    body.push_back(static_cast<uint8_t>(prop.size()));
    body.insert(body.end(), prop.begin(), prop.end());
    Bytes fci{static_cast<uint8_t>(a.p2 == 0x04 ? 0x62 : 0x6F), static_cast<uint8_t>(body.size())};
    fci.insert(fci.end(), body.begin(), body.end());
    if (options_.select_61xx) {
      // The quirk: the FCI is only offered, through 61xx, whatever Le said.
      ch.pending = std::move(fci);
      ch.pending_sw = 0x9000;
      return MoreData(ch.pending.size());
    }
    // Over T=1 a SELECT without Le gets no data; T=0 always offers the FCI through 61xx.
    if (!a.le && !options_.short_apdu_only) return Sw(0x9000);
    return Deliver(ch, a, fci, 0x9000);
  }

  Bytes StoreData(Channel& ch, const Apdu& a) {
    if (!ch.isdr_selected) return Sw(0x6982);
    // P1: b8 last block, b5-b4 = 10 (BER-TLV), b1 = response expected; no encryption bits.
    if ((a.p1 & 0x7E) != 0x10) return Sw(0x6A86);
    if (a.p2 == 0) {
      ch.request.clear();
    } else if (!ch.next_block || *ch.next_block != a.p2) {
      ch.request.clear();
      ch.next_block.reset();
      return Sw(0x6A86);  // out-of-sequence block: the chain is abandoned
    }
    if (ch.request.size() + a.data.size() > kMaxRequest) {
      ch.request.clear();
      ch.next_block.reset();
      return Sw(0x6A84);
    }
    ch.request.insert(ch.request.end(), a.data.begin(), a.data.end());
    if ((a.p1 & 0x80) == 0) {
      if (a.p2 == 0xFF) {
        ch.request.clear();
        ch.next_block.reset();
        return Sw(0x6A86);
      }
      ch.next_block = a.p2 + 1;
      return Sw(0x9000);
    }
    Bytes request = std::move(ch.request);
    ch.request.clear();
    ch.next_block.reset();
    ++es10_commands_;
    if (options_.sw_6a88_once || es10_commands_ == options_.sw_6a88_at) {
      options_.sw_6a88_once = false;
      return Sw(0x6A88);
    }
    if (options_.endless_61xx) {
      ch.endless = true;
      return Sw(0x6100);
    }
    Isdr::Answer answer = isdr_.Handle(request);
    if (answer.drop) return Bytes{};
    if ((answer.sw >> 8) == 0x91) proactive_pending_ = true;
    return Deliver(ch, a, std::move(answer.data), answer.sw, true);
  }

  Bytes Fetch(Channel& ch, const Apdu& a) {
    if (!proactive_pending_) return Sw(0x6985);
    proactive_pending_ = false;
    return Deliver(ch, a, Bytes(std::begin(kRefreshCommand), std::end(kRefreshCommand)), 0x9000);
  }

  Options options_;
  Bytes isdr_aid_;
  Isdr isdr_;
  std::array<Channel, kChannels> channels_;
  bool proactive_pending_ = false;
  uint32_t es10_commands_ = 0;  // complete ES10 commands received (Options::sw_6a88_at)
};

std::string DefaultPkiDir(const std::string& state_path) {
  std::filesystem::path p(state_path);
  if (p.extension() == ".json") p.replace_extension();
  return p.string() + ".pki";
}

}  // namespace

Result<std::unique_ptr<VirtualEuicc>> VirtualEuicc::Load(const std::string& state_path, Options options) {
  ESIM_ASSIGN_OR_RETURN(CardState state, LoadState(state_path));
  if (options.isdr_aid && (options.isdr_aid->size() < 5 || options.isdr_aid->size() > 16)) {
    return Status(ErrorCode::kInvalidInput, "ISD-R AID must be 5-16 bytes");
  }
  Isdr::Config config;
  config.state_path = options.persist ? state_path : "";
  if (options.pki_dir) {
    config.pki_dir = *options.pki_dir;
  } else {
    // Persist off writes nothing beside the state file: a chain kept there earlier is used,
    // none is created (tests run the source tree's card this way).
    std::string dir = DefaultPkiDir(state_path);
    std::error_code ec;
    if (options.persist || std::filesystem::exists(dir, ec)) config.pki_dir = std::move(dir);
  }
  config.drop_response_after_enable = options.drop_response_after_enable;
  config.download_fail = options.download_fail;
  config.bpp_segment_answer = options.bpp_segment_answer;
  config.bpp_segment_delay_ms = options.bpp_segment_delay_ms;
  return std::unique_ptr<VirtualEuicc>(std::make_unique<Card>(std::move(state), std::move(config), std::move(options)));
}

}  // namespace esim::vcard
