#include "src/safety/curl_library.h"

#include <string>

#include "common/shared_library.h"

namespace esim {
namespace {

// 7.85.0: CURLOPT_PROTOCOLS_STR / CURLOPT_REDIR_PROTOCOLS_STR (Debian 12 ships 7.88.1).
constexpr unsigned kMinimumVersion = 0x075500;

Result<const CurlLibrary*> Open() {
  static CurlLibrary table;
  // The soname of Debian's libcurl4 (OpenSSL flavour), which libcurl4-openssl-dev's headers
  // describe: the ABI the table is typed from.
  ESIM_ASSIGN_OR_RETURN(SharedLibrary lib,
                        SharedLibrary::Open("libcurl.so.4", "notification delivery",
                                            "install the libcurl4 package, or use --no-notify"));
  ESIM_RETURN_IF_ERROR(lib.Bind("curl_global_init", table.global_init)
                           .Bind("curl_version_info", table.version_info)
                           .Bind("curl_easy_init", table.easy_init)
                           .Bind("curl_easy_cleanup", table.easy_cleanup)
                           .Bind("curl_easy_setopt", table.easy_setopt)
                           .Bind("curl_easy_getinfo", table.easy_getinfo)
                           .Bind("curl_easy_perform", table.easy_perform)
                           .Bind("curl_easy_strerror", table.easy_strerror)
                           .Bind("curl_slist_append", table.slist_append)
                           .Bind("curl_slist_free_all", table.slist_free_all)
                           .Check());
  const curl_version_info_data* info = table.version_info(CURLVERSION_NOW);
  if (info == nullptr || info->version_num < kMinimumVersion) {
    return Status(ErrorCode::kInternal, std::string("libcurl ") + (info != nullptr ? info->version : "?") +
                                            " is too old for notification delivery (7.85 or newer needed)");
  }
  if ((info->features & CURL_VERSION_SSL) == 0) {
    return Status(ErrorCode::kInternal, std::string("libcurl ") + info->version + " has no TLS support");
  }
  if (info->age >= CURLVERSION_SEVENTH) {
    if (info->capath != nullptr && info->capath[0] != '\0') table.default_ca_path = info->capath;
    if (info->cainfo != nullptr && info->cainfo[0] != '\0') table.default_ca_file = info->cainfo;
  }
  if (CURLcode init = table.global_init(CURL_GLOBAL_DEFAULT); init != CURLE_OK) {
    return Status(ErrorCode::kInternal,
                  std::string("libcurl initialisation failed: ") + table.easy_strerror(init));
  }
  return &table;
}

}  // namespace

Result<const CurlLibrary*> CurlLibrary::Load() { return LoadOnce(&Open); }

}  // namespace esim
