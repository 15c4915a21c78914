// `esimctl decode HEX|-`: decode any ES10 request or response, offline.
#include <iostream>
#include <iterator>
#include <string>

#include "asn1/describe.h"
#include "src/cli/cli_context.h"

namespace esim {

namespace {

struct DecodeOptions {
  std::string input;
  std::string as = "auto";
};

Result<Bytes> ReadInput(const std::string& input) {
  if (input != "-") return FromHex(input);
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  return FromHex(text);
}

}  // namespace

void RegisterDecodeCommand(CLI::App& decode, CliContext& context) {
  auto options = std::make_shared<DecodeOptions>();
  decode.add_option("hex", options->input, "the message in hex, or - to read it from stdin")->required();
  decode.add_option("--as", options->as, "request, response or auto (default)")
      ->check(CLI::IsMember({"auto", "request", "response"}));
  context.run = [options](Output& out) {
    auto bytes = ReadInput(options->input);
    if (!bytes.ok()) return out.Error(bytes.status().WithContext("decode"));
    if (bytes->empty()) return out.Error(Status(ErrorCode::kInvalidInput, "decode: no input"));
    es10::Direction direction = options->as == "request"    ? es10::Direction::kRequest
                                : options->as == "response" ? es10::Direction::kResponse
                                                            : es10::Direction::kAuto;
    auto described = es10::DescribeEs10(*bytes, direction);
    if (!described.ok()) {
      // Input the user gave us, not a card's answer: report it as invalid input.
      return out.Error(Status(ErrorCode::kInvalidInput, described.status().message()));
    }
    if (out.json()) {
      out.Json(*described);
    } else {
      out.Text(es10::RenderText(*described));
    }
    return 0;
  };
}

}  // namespace esim
