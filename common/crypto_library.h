// CryptoLibrary: the libcrypto (OpenSSL 3) entry points esimctl uses, loaded on first use.
//
// Why not link libcrypto: Debian builds it with BIND_NOW, so loading it costs every process
// about 4000 symbol lookups and 100 copy-on-write pages of relocated tables (about 1 ms, a
// quarter of a `profile list`), while only a few commands need it: the in-process virtual
// eUICC signs notifications, `notification show` prints certificate names, and delivery checks
// --ca-file PEM files (docs/performance.md, "Start-up"). Callers write Crypto().X509_new() where
// they would write X509_new(): every pointer is typed from OpenSSL's own headers. OpenSSL macros
// that expand to library calls (OPENSSL_free, BIO_get_mem_*, sk_*) are spelled out by the callers
// with the functions below.
//
// Threading: Crypto() is thread-safe (the table is built once, LoadOnce) and immutable.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/ec.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/objects.h>
#include <openssl/params.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/stack.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "common/status.h"

namespace esim {

// Every libcrypto function esimctl calls; X(name) for each.
#define ESIM_LIBCRYPTO_FUNCTIONS(X) \
  X(ASN1_STRING_get0_data) \
  X(ASN1_STRING_length) \
  X(ASN1_TIME_set_string_X509) \
  X(BIO_ctrl) \
  X(BIO_free) \
  X(BIO_new) \
  X(BIO_new_mem_buf) \
  X(BIO_s_mem) \
  X(BN_bin2bn) \
  X(BN_bn2binpad) \
  X(BN_free) \
  X(BN_to_ASN1_INTEGER) \
  X(CERTIFICATEPOLICIES_free) \
  X(CERTIFICATEPOLICIES_new) \
  X(CRYPTO_free) \
  X(CRYPTO_memcmp) \
  X(ECDSA_SIG_free) \
  X(ECDSA_SIG_get0_r) \
  X(ECDSA_SIG_get0_s) \
  X(ECDSA_SIG_new) \
  X(ECDSA_SIG_set0) \
  X(ERR_clear_error) \
  X(ERR_error_string_n) \
  X(ERR_get_error) \
  X(ERR_peek_last_error) \
  X(EVP_CIPHER_CTX_free) \
  X(EVP_CIPHER_CTX_new) \
  X(EVP_CIPHER_CTX_set_padding) \
  X(EVP_CipherFinal_ex) \
  X(EVP_CipherInit_ex) \
  X(EVP_CipherUpdate) \
  X(EVP_Digest) \
  X(EVP_DigestSign) \
  X(EVP_DigestSignInit) \
  X(EVP_DigestVerify) \
  X(EVP_DigestVerifyInit) \
  X(EVP_EncodeBlock) \
  X(EVP_KDF_CTX_free) \
  X(EVP_KDF_CTX_new) \
  X(EVP_KDF_derive) \
  X(EVP_KDF_fetch) \
  X(EVP_KDF_free) \
  X(EVP_MAC_CTX_free) \
  X(EVP_MAC_CTX_new) \
  X(EVP_MAC_fetch) \
  X(EVP_MAC_final) \
  X(EVP_MAC_free) \
  X(EVP_MAC_init) \
  X(EVP_MAC_update) \
  X(EVP_MD_CTX_free) \
  X(EVP_MD_CTX_new) \
  X(EVP_PKEY_CTX_free) \
  X(EVP_PKEY_CTX_new_from_name) \
  X(EVP_PKEY_CTX_new_from_pkey) \
  X(EVP_PKEY_Q_keygen) \
  X(EVP_PKEY_derive) \
  X(EVP_PKEY_derive_init) \
  X(EVP_PKEY_derive_set_peer_ex) \
  X(EVP_PKEY_free) \
  X(EVP_PKEY_fromdata) \
  X(EVP_PKEY_fromdata_init) \
  X(EVP_PKEY_get_base_id) \
  X(EVP_PKEY_get_bits) \
  X(EVP_PKEY_get_bn_param) \
  X(EVP_PKEY_get_group_name) \
  X(EVP_PKEY_public_check) \
  X(EVP_aes_128_cbc) \
  X(EVP_aes_128_ecb) \
  X(EVP_sha256) \
  X(GENERAL_NAMES_free) \
  X(NAME_CONSTRAINTS_free) \
  X(OBJ_obj2nid) \
  X(OBJ_obj2txt) \
  X(OBJ_txt2obj) \
  X(OPENSSL_cleanse) \
  X(OPENSSL_sk_free) \
  X(OPENSSL_sk_new_null) \
  X(OPENSSL_sk_num) \
  X(OPENSSL_sk_pop_free) \
  X(OPENSSL_sk_push) \
  X(OPENSSL_sk_value) \
  X(OSSL_PARAM_construct_end) \
  X(OSSL_PARAM_construct_octet_string) \
  X(OSSL_PARAM_construct_utf8_string) \
  X(PEM_X509_INFO_read_bio) \
  X(PEM_read_bio_PrivateKey) \
  X(PEM_read_bio_X509) \
  X(PEM_write_bio_PrivateKey) \
  X(POLICYINFO_free) \
  X(POLICYINFO_new) \
  X(RAND_bytes) \
  X(X509V3_EXT_conf_nid) \
  X(X509V3_set_ctx) \
  X(X509_EXTENSION_free) \
  X(X509_INFO_free) \
  X(X509_NAME_ENTRY_get_data) \
  X(X509_NAME_ENTRY_get_object) \
  X(X509_NAME_add_entry_by_txt) \
  X(X509_NAME_entry_count) \
  X(X509_NAME_get_entry) \
  X(X509_NAME_print_ex) \
  X(X509_STORE_CTX_free) \
  X(X509_STORE_CTX_get0_chain) \
  X(X509_STORE_CTX_get_error) \
  X(X509_STORE_CTX_get_ex_data) \
  X(X509_STORE_CTX_init) \
  X(X509_STORE_CTX_new) \
  X(X509_STORE_CTX_set_ex_data) \
  X(X509_STORE_CTX_set_flags) \
  X(X509_STORE_CTX_set_verify_cb) \
  X(X509_STORE_add_cert) \
  X(X509_STORE_free) \
  X(X509_STORE_new) \
  X(X509_add1_ext_i2d) \
  X(X509_add_ext) \
  X(X509_check_private_key) \
  X(X509_free) \
  X(X509_get0_authority_key_id) \
  X(X509_get0_subject_key_id) \
  X(X509_get_ext_d2i) \
  X(X509_get_issuer_name) \
  X(X509_get_pubkey) \
  X(X509_get_serialNumber) \
  X(X509_get_subject_name) \
  X(X509_getm_notAfter) \
  X(X509_getm_notBefore) \
  X(X509_gmtime_adj) \
  X(X509_new) \
  X(X509_set_issuer_name) \
  X(X509_set_pubkey) \
  X(X509_set_version) \
  X(X509_sign) \
  X(X509_verify_cert) \
  X(X509_verify_cert_error_string) \
  X(d2i_ECDSA_SIG) \
  X(d2i_X509) \
  X(i2d_ECDSA_SIG) \
  X(i2d_X509)

struct CryptoLibrary {
#define ESIM_LIBCRYPTO_POINTER(name) decltype(&::name) name = nullptr;
  ESIM_LIBCRYPTO_FUNCTIONS(ESIM_LIBCRYPTO_POINTER)
#undef ESIM_LIBCRYPTO_POINTER

  // The process-wide table: libcrypto.so.3 opened and every entry point found; kInternal
  // naming what is missing otherwise; the same answer on every call.
  static Result<const CryptoLibrary*> Load();
};

// The loaded table. libcrypto belongs to every Debian system (libssl3), so failing to load it
// is not a condition callers handle: Crypto() then prints why on stderr and exits with the
// internal-error exit code (1).
const CryptoLibrary& Crypto();

}  // namespace esim
