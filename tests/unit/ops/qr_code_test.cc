// ReadQrCode / DecodePicture with the real Debian libraries (libzbar0, libpng16-16): a QR
// picture made by `qrencode -s 2 -m 2 -o small.png 'LPA:1$smdp.example.com$UNIT-QR'`, a blank
// picture, a corrupt one. JPEG is covered end to end (tests/e2e/extras_test.sh, made with cjpeg).
#include "src/ops/qr_code.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace esim {
namespace {

const char kQrPngHex[] =
    "89504E470D0A1A0A0000000D494844520000003A0000003A0103000000DB75D86B00000006504C5445000000FFFFFFA5"
    "D99FDD0000000274524E53FFFFC8B5DFC7000000097048597300000B1200000B1201D2DD7EFC000000A2494441542891"
    "8DD1310AC440080550C1363057117E3BE0D503D306E62A82ED809B25297E522C6BF51AF58B5277C90F8474A42821CB37"
    "7832D40486073AC60BDE5FA8BEE735E74608806BD78DAA68EDCA73234CD5DC09CB879FFD84DCB79CDA086539E4484244"
    "5BBE8350EB18AE8390099DC3094B16743542CEB69B30CEA8874612BEE72440C8428E4C865A13C5033D96CD070CD6C128"
    "742D2584D8DC1A087F7CF9037A671AB87CF908020000000049454E44AE426082";
// 16 x 16 white pixels, 8-bit grey.
const char kBlankPngHex[] = "89504E470D0A1A0A0000000D49484452000000100000001008000000003A98A0BD0000000F49444154789C63F88F061846B6000080F9FF0128909C5D0000000049454E44AE426082";

std::string WriteTemp(const std::string& name, const Bytes& data) {
  const std::string path =
      (std::filesystem::temp_directory_path() / ("esimctl-qr-" + std::to_string(getpid()) + "-" + name)).string();
  std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(data.data()),
                                              static_cast<std::streamsize>(data.size()));
  return path;
}

TEST(QrCodeTest, ReadsTheActivationCodeFromAPng) {
  const std::string path = WriteTemp("qr.png", FromHex(kQrPngHex).value());
  auto text = ReadQrCode(path);
  ASSERT_TRUE(text.ok()) << text.status().message();
  EXPECT_EQ(*text, "LPA:1$smdp.example.com$UNIT-QR");
  std::filesystem::remove(path);
}

TEST(QrCodeTest, DecodesPngToGrey) {
  auto grey = DecodePicture(FromHex(kBlankPngHex).value(), "blank.png");
  ASSERT_TRUE(grey.ok()) << grey.status().message();
  EXPECT_EQ(grey->width, 16u);
  EXPECT_EQ(grey->height, 16u);
  ASSERT_EQ(grey->pixels.size(), 256u);
  EXPECT_EQ(grey->pixels[0], 0xFF);
}

TEST(QrCodeTest, NoQrCodeCorruptOrMissingPicture) {
  const std::string blank = WriteTemp("blank.png", FromHex(kBlankPngHex).value());
  auto none = ReadQrCode(blank);
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), ErrorCode::kInvalidInput);
  EXPECT_NE(none.status().message().find("no QR code"), std::string::npos);
  std::filesystem::remove(blank);

  Bytes cut = FromHex(kQrPngHex).value();
  cut.resize(60);  // signature and header, the image data cut off
  auto corrupt = DecodePicture(cut, "cut.png");
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), ErrorCode::kInvalidInput);

  auto text = DecodePicture(Bytes{'L', 'P', 'A', ':', '1'}, "code.txt");
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.status().message().find("neither a PNG nor a JPEG"), std::string::npos);

  auto missing = ReadQrCode("/nonexistent/qr.png");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), ErrorCode::kIo);
}

}  // namespace
}  // namespace esim
