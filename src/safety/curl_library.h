// CurlLibrary: the libcurl entry points esimctl uses, loaded on first use instead of at start-up.
//
// Why not link libcurl: Debian's libcurl4 pulls in 28 shared libraries (nghttp2, ssh, LDAP,
// Kerberos, IDN, ...) whose loading and relocation cost every esimctl command about 5 ms of
// CPU, while only a command that delivers a notification needs HTTPS (docs/performance.md,
// "Start-up"). So libcurl.so.4 is opened (common/shared_library.h) the first time a delivery
// client is created, once per process. The pointers are typed from <curl/curl.h>, so the
// compiler still checks every call against the installed headers.
//
// Threading: Load() is thread-safe (LoadOnce); the table it returns is immutable.
#pragma once

#include <curl/curl.h>

#include "common/status.h"

namespace esim {

struct CurlLibrary {
  decltype(&curl_global_init) global_init = nullptr;
  decltype(&curl_version_info) version_info = nullptr;
  decltype(&curl_easy_init) easy_init = nullptr;
  decltype(&curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&curl_easy_setopt) easy_setopt = nullptr;
  decltype(&curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&curl_easy_perform) easy_perform = nullptr;
  decltype(&curl_easy_strerror) easy_strerror = nullptr;
  decltype(&curl_slist_append) slist_append = nullptr;
  decltype(&curl_slist_free_all) slist_free_all = nullptr;
  // The hashed CA directory libcurl was built to use (Debian: /etc/ssl/certs), or null.
  const char* default_ca_path = nullptr;
  // The CA bundle file libcurl was built to use (Debian: /etc/ssl/certs/ca-certificates.crt), or null.
  const char* default_ca_file = nullptr;

  // The process-wide table: libcurl.so.4 opened, every entry point found, the library new
  // enough (7.85: CURLOPT_PROTOCOLS_STR) and built with TLS, and curl_global_init done.
  // kInternal naming what is missing (e.g. the libcurl4 package) otherwise; the same answer
  // on every call.
  static Result<const CurlLibrary*> Load();
};

}  // namespace esim
