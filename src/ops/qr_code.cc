#include "src/ops/qr_code.h"

#include <png.h>
#include <stdio.h>  // jpeglib.h needs FILE and size_t first
#include <jpeglib.h>

#include <algorithm>
#include <csetjmp>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>

#include "common/shared_library.h"

namespace esim {
namespace {

// ---- libpng16 (simplified API, png.h) ----------------------------------------------------------
struct PngLibrary {
  decltype(&png_image_begin_read_from_memory) begin_read = nullptr;
  decltype(&png_image_finish_read) finish_read = nullptr;
  decltype(&png_image_free) free = nullptr;
};
Result<const PngLibrary*> OpenPng() {
  static PngLibrary table;
  ESIM_ASSIGN_OR_RETURN(SharedLibrary lib, SharedLibrary::Open("libpng16.so.16", "reading a PNG picture (--qr)",
                                                               "install the libpng16-16 package"));
  ESIM_RETURN_IF_ERROR(lib.Bind("png_image_begin_read_from_memory", table.begin_read)
                           .Bind("png_image_finish_read", table.finish_read)
                           .Bind("png_image_free", table.free)
                           .Check());
  return &table;
}

// ---- libjpeg62-turbo (jpeglib.h) ------------------------------------------------------------------
struct JpegLibrary {
  decltype(&jpeg_std_error) std_error = nullptr;
  decltype(&jpeg_CreateDecompress) create_decompress = nullptr;
  decltype(&jpeg_mem_src) mem_src = nullptr;
  decltype(&jpeg_read_header) read_header = nullptr;
  decltype(&jpeg_start_decompress) start_decompress = nullptr;
  decltype(&jpeg_read_scanlines) read_scanlines = nullptr;
  decltype(&jpeg_finish_decompress) finish_decompress = nullptr;
  decltype(&jpeg_destroy_decompress) destroy_decompress = nullptr;
};
Result<const JpegLibrary*> OpenJpeg() {
  static JpegLibrary table;
  ESIM_ASSIGN_OR_RETURN(SharedLibrary lib, SharedLibrary::Open("libjpeg.so.62", "reading a JPEG picture (--qr)",
                                                               "install the libjpeg62-turbo package"));
  ESIM_RETURN_IF_ERROR(lib.Bind("jpeg_std_error", table.std_error)
                           .Bind("jpeg_CreateDecompress", table.create_decompress)
                           .Bind("jpeg_mem_src", table.mem_src)
                           .Bind("jpeg_read_header", table.read_header)
                           .Bind("jpeg_start_decompress", table.start_decompress)
                           .Bind("jpeg_read_scanlines", table.read_scanlines)
                           .Bind("jpeg_finish_decompress", table.finish_decompress)
                           .Bind("jpeg_destroy_decompress", table.destroy_decompress)
                           .Check());
  return &table;
}

// ---- libzbar0 (zbar.h's C API, declared here: libzbar-dev is not needed to build) ----------------
extern "C" {
struct zbar_image_scanner_s;
struct zbar_image_s;
struct zbar_symbol_s;
}
constexpr int kZbarQrCode = 64;                     // zbar_symbol_type_t ZBAR_QRCODE
constexpr unsigned long kFourccY800 = 0x30303859;   // zbar_fourcc('Y','8','0','0'): 8-bit grey
struct ZbarLibrary {
  zbar_image_scanner_s* (*scanner_create)() = nullptr;
  void (*scanner_destroy)(zbar_image_scanner_s*) = nullptr;
  int (*scan_image)(zbar_image_scanner_s*, zbar_image_s*) = nullptr;
  zbar_image_s* (*image_create)() = nullptr;
  void (*image_destroy)(zbar_image_s*) = nullptr;
  void (*image_set_format)(zbar_image_s*, unsigned long) = nullptr;
  void (*image_set_size)(zbar_image_s*, unsigned, unsigned) = nullptr;
  void (*image_set_data)(zbar_image_s*, const void*, unsigned long, void (*)(zbar_image_s*)) = nullptr;
  const zbar_symbol_s* (*image_first_symbol)(const zbar_image_s*) = nullptr;
  const zbar_symbol_s* (*symbol_next)(const zbar_symbol_s*) = nullptr;
  int (*symbol_get_type)(const zbar_symbol_s*) = nullptr;
  const char* (*symbol_get_data)(const zbar_symbol_s*) = nullptr;
  unsigned (*symbol_get_data_length)(const zbar_symbol_s*) = nullptr;
};
Result<const ZbarLibrary*> OpenZbar() {
  static ZbarLibrary table;
  ESIM_ASSIGN_OR_RETURN(SharedLibrary lib, SharedLibrary::Open("libzbar.so.0", "reading a QR code (--qr)",
                                                               "install the libzbar0 package"));
  ESIM_RETURN_IF_ERROR(lib.Bind("zbar_image_scanner_create", table.scanner_create)
                           .Bind("zbar_image_scanner_destroy", table.scanner_destroy)
                           .Bind("zbar_scan_image", table.scan_image)
                           .Bind("zbar_image_create", table.image_create)
                           .Bind("zbar_image_destroy", table.image_destroy)
                           .Bind("zbar_image_set_format", table.image_set_format)
                           .Bind("zbar_image_set_size", table.image_set_size)
                           .Bind("zbar_image_set_data", table.image_set_data)
                           .Bind("zbar_image_first_symbol", table.image_first_symbol)
                           .Bind("zbar_symbol_next", table.symbol_next)
                           .Bind("zbar_symbol_get_type", table.symbol_get_type)
                           .Bind("zbar_symbol_get_data", table.symbol_get_data)
                           .Bind("zbar_symbol_get_data_length", table.symbol_get_data_length)
                           .Check());
  return &table;
}

// Pictures beyond this are refused rather than decoded (a QR photo needs far less).
constexpr unsigned long kMaxPixels = 64ul * 1024 * 1024;

Status Corrupt(const std::string& name, const std::string& why) {
  return Status(ErrorCode::kInvalidInput, "--qr: " + name + " is not a readable picture: " + why);
}

Result<GreyImage> DecodePng(ByteView data, const std::string& name) {
  ESIM_ASSIGN_OR_RETURN(const PngLibrary* png, LoadOnce(&OpenPng));
  png_image image{};
  image.version = PNG_IMAGE_VERSION;
  if (png->begin_read(&image, data.data(), data.size()) == 0) return Corrupt(name, image.message);
  image.format = PNG_FORMAT_GRAY;
  if (static_cast<unsigned long>(image.width) * image.height > kMaxPixels) {
    png->free(&image);
    return Corrupt(name, "more than 64 million pixels");
  }
  GreyImage out{image.width, image.height, Bytes(PNG_IMAGE_SIZE(image))};
  // Transparent pixels are composed on white (background), where a QR code's quiet zone is.
  png_color white{255, 255, 255};
  if (png->finish_read(&image, &white, out.pixels.data(), 0, nullptr) == 0) {
    const std::string why = image.message;
    png->free(&image);
    return Corrupt(name, why);
  }
  return out;
}

// libjpeg reports fatal errors through error_exit, which must not return: it jumps back here.
struct JpegError {
  jpeg_error_mgr manager;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
};
// Warnings (a truncated file, ...) would go to stderr; a fatal one still ends in error_exit.
extern "C" void JpegQuiet(j_common_ptr) {}
extern "C" void JpegErrorExit(j_common_ptr info) {
  auto* error = reinterpret_cast<JpegError*>(info->err);
  info->err->format_message(info, error->message);
  std::longjmp(error->jump, 1);
}

Result<GreyImage> DecodeJpeg(ByteView data, const std::string& name) {
  ESIM_ASSIGN_OR_RETURN(const JpegLibrary* jpeg, LoadOnce(&OpenJpeg));
  // Only plain data lives across setjmp (no object with a destructor is created in between).
  jpeg_decompress_struct info{};
  JpegError error{};
  info.err = jpeg->std_error(&error.manager);
  error.manager.error_exit = JpegErrorExit;
  error.manager.output_message = JpegQuiet;
  // The pixels live on the heap behind a pointer set before setjmp and never changed after it,
  // so the jump back leaves nothing indeterminate (C++ [csetjmp.syn]).
  const auto pixels = std::make_unique<Bytes>();
  unsigned width = 0, height = 0;
  if (setjmp(error.jump) != 0) {
    jpeg->destroy_decompress(&info);
    return Corrupt(name, error.message);
  }
  jpeg->create_decompress(&info, JPEG_LIB_VERSION, sizeof info);
  jpeg->mem_src(&info, data.data(), static_cast<unsigned long>(data.size()));
  jpeg->read_header(&info, TRUE);
  info.out_color_space = JCS_GRAYSCALE;
  jpeg->start_decompress(&info);
  width = info.output_width;
  height = info.output_height;
  if (static_cast<unsigned long>(width) * height > kMaxPixels || info.output_components != 1) {
    jpeg->destroy_decompress(&info);
    return Corrupt(name, "more than 64 million pixels, or not decodable to grey");
  }
  pixels->resize(static_cast<size_t>(width) * height);
  while (info.output_scanline < height) {
    JSAMPROW row = pixels->data() + static_cast<size_t>(info.output_scanline) * width;
    jpeg->read_scanlines(&info, &row, 1);
  }
  jpeg->finish_decompress(&info);
  jpeg->destroy_decompress(&info);
  return GreyImage{width, height, std::move(*pixels)};
}

}  // namespace

Result<GreyImage> DecodePicture(ByteView data, const std::string& name) {
  static const uint8_t kPng[] = {0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};
  static const uint8_t kJpeg[] = {0xFF, 0xD8, 0xFF};
  auto starts_with = [&data](const uint8_t* magic, size_t n) {
    return data.size() >= n && std::equal(magic, magic + n, data.begin());
  };
  if (starts_with(kPng, sizeof kPng)) return DecodePng(data, name);
  if (starts_with(kJpeg, sizeof kJpeg)) return DecodeJpeg(data, name);
  return Status(ErrorCode::kInvalidInput, "--qr: " + name + " is neither a PNG nor a JPEG picture");
}

Result<std::string> ReadQrCode(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in.is_open()) return Status(ErrorCode::kIo, "--qr: cannot open " + path);
  const Bytes data((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return Status(ErrorCode::kIo, "--qr: cannot read " + path);
  // zbar first: without it no picture is worth decoding, and its package is the one to name.
  ESIM_ASSIGN_OR_RETURN(const ZbarLibrary* zbar, LoadOnce(&OpenZbar));
  ESIM_ASSIGN_OR_RETURN(GreyImage grey, DecodePicture(data, path));

  std::unique_ptr<zbar_image_scanner_s, void (*)(zbar_image_scanner_s*)> scanner(zbar->scanner_create(),
                                                                                zbar->scanner_destroy);
  std::unique_ptr<zbar_image_s, void (*)(zbar_image_s*)> image(zbar->image_create(), zbar->image_destroy);
  if (!scanner || !image) return Status(ErrorCode::kInternal, "zbar could not allocate a scanner");
  zbar->image_set_format(image.get(), kFourccY800);
  zbar->image_set_size(image.get(), grey.width, grey.height);
  zbar->image_set_data(image.get(), grey.pixels.data(), grey.pixels.size(), nullptr);  // we own the pixels
  const int found = zbar->scan_image(scanner.get(), image.get());
  if (found < 0) return Status(ErrorCode::kInternal, "zbar failed to scan " + path);
  std::optional<std::string> first;
  for (const zbar_symbol_s* s = zbar->image_first_symbol(image.get()); s != nullptr; s = zbar->symbol_next(s)) {
    if (zbar->symbol_get_type(s) != kZbarQrCode) continue;
    std::string text(zbar->symbol_get_data(s), zbar->symbol_get_data_length(s));
    if (text.size() >= 4 && (text.compare(0, 4, "LPA:") == 0 || text.compare(0, 4, "lpa:") == 0)) return text;
    if (!first) first = std::move(text);
  }
  if (first) return *first;
  return Status(ErrorCode::kInvalidInput, "--qr: no QR code found in " + path);
}

}  // namespace esim
