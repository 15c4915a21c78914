// ReadQrCode: the text of the QR code in a picture (PNG or JPEG), for `profile download --qr`.
//
// The picture is decoded to 8-bit grey and scanned with zbar. All three libraries are Debian's
// and opened on first use (common/shared_library.h says why): libzbar.so.0 (package libzbar0),
// libpng16.so.16 (libpng16-16) for PNG and libjpeg.so.62 (libjpeg62-turbo) for JPEG; a missing
// one fails with the package to install. The text may hold a matching ID: it is never put in a
// message. Thread-safe (the libraries' tables are loaded once; each call has its own state).
#pragma once

#include <string>

#include "common/bytes.h"
#include "common/status.h"

namespace esim {

// The 8-bit grey pixels of a picture, row by row.
struct GreyImage {
  unsigned width = 0;
  unsigned height = 0;
  Bytes pixels;  // width * height bytes
};

// Decodes PNG or JPEG `data` (told apart by their signatures). kInvalidInput for anything else
// or a corrupt picture; kInternal when the decoding library cannot be loaded.
Result<GreyImage> DecodePicture(ByteView data, const std::string& name);

// The text of the QR code in the picture at `path` (an "LPA:" one first when there are several).
// kIo when the file cannot be read; kInvalidInput when it holds no QR code.
Result<std::string> ReadQrCode(const std::string& path);

}  // namespace esim
