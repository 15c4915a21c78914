# Runs asn1c 0.9.28 on RSPDefinitions.asn and patches its output (cmake -P script).
#
# Inputs (-D): ASN1C (the compiler), ASN_FILE (the module), OUT_DIR (the final
# directory; its generated files are replaced, unchanged ones keep their time stamps). Deterministic: the same inputs give the same
# files. Fails loudly when a pattern it must patch is missing, so a different
# asn1c version cannot silently produce unpatched code.
#
# Two defects of asn1c 0.9.28 are patched here, each covered by a unit test
# (tests/unit/asn1/asn1c_patch_test.cc):
#
#  (a) asn_SET_OF.h: A_SET_OF(type) repeats `type` in `void (*free)(type *)`.
#      Generated headers pass an inline definition as `type`
#      (A_SEQUENCE_OF(struct X { ... })), which C++ rejects (a type may not be
#      defined in a parameter list). For C++ the parameter is spelled through
#      decltype of `array`, which names the struct without redefining it
#      (asn1c upstream adopted the same decltype form later).
#
#  (b) Every subtype of a primitive (e.g. Iccid ::= [APPLICATION 26] OCTET
#      STRING (SIZE(10))) gets `X_inherit_TYPE_descriptor(td)`, called on each
#      use, which writes the base type's function pointers into the *global*
#      descriptor, including check_constraints: after the first decode,
#      asn_check_constraints() no longer rejects a 9-byte Iccid, and concurrent
#      first uses race on those writes. Unconstrained subtypes similarly store
#      the base checker into td->check_constraints. Patched so that nothing
#      writes a global descriptor any more: the inherit step fills a local copy
#      of the descriptor, and unconstrained checkers call the base directly.
#      Two more global writes of the same kind go too (found with
#      -fsanitize=thread): the runtime's constraint-checker cache in member tables,
#      and ASN_DEBUG's evaluated arguments, which format into a static buffer.
#
#  (c) Undefined behaviour in the runtime found by the fuzz targets (tests/fuzz,
#      clang -fsanitize=undefined): NULL + 0 in UTF8String, signed overflow in
#      ber_fetch_length, an unbounded shift by a BIT STRING's unused-bits octet, left
#      shifts of negative INTEGERs. Covered by tests/unit/asn1/asn1c_ub_patch_test.cc.

cmake_minimum_required(VERSION 3.25)  # script mode: IN_LIST, COPY_FILE ONLY_IF_DIFFERENT

foreach(var ASN1C ASN_FILE OUT_DIR)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "asn1c_generate.cmake: -D${var}=... is required")
  endif()
endforeach()

set(work "${OUT_DIR}.tmp")
file(REMOVE_RECURSE "${work}")
file(MAKE_DIRECTORY "${work}")

# -fcompound-names: nested types get unique names (ProfileInfo__notificationConfigurationInfo).
# -fincludes-quoted: generated headers find each other via the include path we set.
# (0.9.28 has no -no-gen-example; its converter-sample.c is deleted below.)
execute_process(
  COMMAND "${ASN1C}" -fcompound-names -fincludes-quoted "${ASN_FILE}"
  WORKING_DIRECTORY "${work}"
  RESULT_VARIABLE rc
  OUTPUT_VARIABLE out
  ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "asn1c failed (${rc}):\n${out}\n${err}")
endif()
file(REMOVE "${work}/converter-sample.c" "${work}/Makefile.am.sample")

# Generated files name the module path in a comment; keep outputs identical
# wherever the source tree lives.
file(GLOB generated "${work}/*.c" "${work}/*.h")
foreach(f ${generated})
  file(READ "${f}" text)
  string(REPLACE "${ASN_FILE}" "RSPDefinitions.asn" text "${text}")
  file(WRITE "${f}" "${text}")
endforeach()

# ---- (a) A_SET_OF usable from C++ ------------------------------------------------
set(set_of "${work}/asn_SET_OF.h")
file(READ "${set_of}" text)
set(old_macro "#define	A_SET_OF(type)					\\
	struct {					\\
		type **array;				\\
		int count;	/* Meaningful size */	\\
		int size;	/* Allocated size */	\\
		void (*free)(type *);			\\
	}")
set(new_macro "#ifdef __cplusplus
/* esimctl patch (asn1c_generate.cmake): C++ may not define a type inside a
 * parameter list, so the element pointer type is named through decltype
 * (the same function pointer type as in C: void (*)(type *)). */
#define	A_SET_OF(type)					\\
	struct {					\\
		type **array;				\\
		int count;	/* Meaningful size */	\\
		int size;	/* Allocated size */	\\
		void (*free)(std::remove_reference_t<decltype(*array)>); \\
	}
#else
${old_macro}
#endif")
string(FIND "${text}" "${old_macro}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "asn1c_generate.cmake: A_SET_OF definition not found in asn_SET_OF.h")
endif()
string(REPLACE "${old_macro}" "${new_macro}" text "${text}")
string(REPLACE "#define	ASN_SET_OF_H\n" "#define	ASN_SET_OF_H\n\n#ifdef __cplusplus\n#include <type_traits>\n#endif\n" text "${text}")
file(WRITE "${set_of}" "${text}")

# ---- (b) no writes to global type descriptors ------------------------------------
set(inherit_patched 0)
set(checker_patched 0)
file(GLOB sources "${work}/*.c")
foreach(f ${sources})
  file(READ "${f}" text)
  set(before "${text}")
  # X_1_inherit_TYPE_descriptor(td);
  # [return ]td->op(td, args...);
  #   becomes
  # asn_TYPE_descriptor_t td_copy = *td;  X_1_inherit_TYPE_descriptor(&td_copy);
  # [return ]td_copy.op(&td_copy, args...);
  foreach(ret "return " "")
    foreach(ctx "" "opt_codec_ctx, ")
      string(REGEX REPLACE
        "\t([A-Za-z0-9_]+_inherit_TYPE_descriptor)\\(td\\);\n\t${ret}td->([a-z_]+)\\(${ctx}td, "
        "\tasn_TYPE_descriptor_t td_copy = *td;	/* esimctl patch: never write the global */\n\t\\1(&td_copy);\n\t${ret}td_copy.\\2(${ctx}&td_copy, "
        text "${text}")
    endforeach()
  endforeach()
  if(NOT text STREQUAL before)
    math(EXPR inherit_patched "${inherit_patched} + 1")
  endif()
  set(before "${text}")
  # /* Replace with underlying type checker */
  # td->check_constraints = asn_DEF_BASE.check_constraints;
  # return td->check_constraints(td, ...);
  string(REGEX REPLACE
    "\ttd->check_constraints = (asn_DEF_[A-Za-z0-9_]+)\\.check_constraints;\n\treturn td->check_constraints\\(td, "
    "\t/* esimctl patch: call the base checker, never overwrite the global */\n\treturn \\1.check_constraints(td, "
    text "${text}")
  if(NOT text STREQUAL before)
    math(EXPR checker_patched "${checker_patched} + 1")
  endif()
  # A remaining inherit call on the global descriptor, or a checker still
  # calling through it, means the patterns above no longer match this asn1c.
  string(REGEX MATCH "(inherit_TYPE_descriptor\\(td\\)|return td->check_constraints\\(td)" leftover "${text}")
  if(leftover)
    message(FATAL_ERROR "asn1c_generate.cmake: unpatched descriptor write in ${f}: ${leftover}")
  endif()
  file(WRITE "${f}" "${text}")
endforeach()
# The runtime's SEQUENCE, CHOICE and SET OF checkers cache the member type's
# checker in the (global) member table on first use: the same kind of write, a
# race between threads (and, unpatched, it froze in the base type's checker).
# Dropped: the member type's checker is simply called each time.
set(cache_patched 0)
foreach(name constr_SEQUENCE.c constr_CHOICE.c constr_SET_OF.c)
  file(READ "${work}/${name}" text)
  set(before "${text}")
  string(REPLACE "\tif(!elm->memb_constraints)\n\t\telm->memb_constraints = elm->type->check_constraints;\n"
                 "\t/* esimctl patch: no caching into the global member table */\n" text "${text}")
  string(REGEX REPLACE "\n\t+elm->memb_constraints = elm->type->check_constraints;\n"
                 "\n\t\t\t/* esimctl patch: no caching into the global member table */\n" text "${text}")
  if(text STREQUAL before OR text MATCHES "memb_constraints = ")
    message(FATAL_ERROR "asn1c_generate.cmake: constraint-cache write not patched in ${name}")
  endif()
  math(EXPR cache_patched "${cache_patched} + 1")
  file(WRITE "${work}/${name}" "${text}")
endforeach()

# ASN_DEBUG is a no-op function when debugging is off, but its arguments are
# still evaluated, among them ber_tlv_tag_string(), which formats into a static
# buffer: a race between decoding threads. Make it a macro that evaluates nothing.
set(internal "${work}/asn_internal.h")
file(READ "${internal}" text)
set(old_debug "static void ASN_DEBUG(const char *fmt, ...) { (void)fmt; }")
string(FIND "${text}" "${old_debug}" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "asn1c_generate.cmake: no-op ASN_DEBUG not found in asn_internal.h")
endif()
string(REPLACE "${old_debug}"
               "/* esimctl patch: arguments are not evaluated (no static-buffer race) */\n#define ASN_DEBUG(...) ((void)0)"
               text "${text}")
file(WRITE "${internal}" "${text}")

# ---- (c) undefined behaviour in the runtime, found by fuzzing --------------------
# tests/fuzz (clang, -fsanitize=undefined) stops at each of these; every one is reached
# by a few bytes of hostile BER. Each replacement keeps the result the code had on the
# usual compilers, and a reproducer is kept in tests/fuzz/regressions/ and
# tests/unit/asn1/asn1c_patch_test.cc. The same fail-loudly rule applies: a pattern
# that is not found stops generation.
function(esim_asn1c_ub_patch name old new)
  file(READ "${work}/${name}" text)
  string(FIND "${text}" "${old}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "asn1c_generate.cmake: UB patch pattern not found in ${name}: ${old}")
  endif()
  string(REPLACE "${old}" "${new}" text "${text}")
  file(WRITE "${work}/${name}" "${text}")
endfunction()
# UTF8String_length() passes dst = NULL: NULL + 0 is undefined in C.
esim_asn1c_ub_patch(UTF8String.c
  "\tuint32_t *dstend = dst + dstlen;\n"
  "\tuint32_t *dstend = dst ? dst + dstlen : dst;	/* esimctl patch: no arithmetic on NULL */\n")
# A long-form length of many octets shifted a signed value past its top bit before the
# "too large" check could see it; such a length is refused before the shift instead.
esim_asn1c_ub_patch(ber_tlv_length.c
  "\t\t\tlen = (len << 8) | *buf;\n"
  "\t\t\tif(len >> ((8 * sizeof(len)) - 9)) return -1;	/* esimctl patch: too large, refuse before overflowing */\n\t\t\tlen = (len << 8) | *buf;\n")
# The unused-bits count of a BIT STRING is a whole octet (0..255) and was used as a shift
# count; values over 7 are left for BIT_STRING's constraint check, which refuses them.
esim_asn1c_ub_patch(OCTET_STRING.c
  "\tif(type_variant == ASN_OSUBV_BIT && st->size) {\n"
  "\tif(type_variant == ASN_OSUBV_BIT && st->size\n\t\t&& st->bits_unused >= 0 && st->bits_unused <= 7) {	/* esimctl patch: shift < 8 */\n")
# Negative INTEGERs were assembled by left-shifting a negative long; the same bits are
# assembled in an unsigned long instead.
esim_asn1c_ub_patch(INTEGER.c
  "\tif((*b >> 7)) l = -1; else l = 0;\n\n\t/* Conversion engine */\n\tfor(; b < end; b++)\n\t\tl = (l << 8) | *b;\n\n\t*lptr = l;\n"
  "\t/* esimctl patch: shift an unsigned long (left shift of a negative value is undefined) */\n\tunsigned long ul = (*b >> 7) ? ~0UL : 0UL;\n\n\t/* Conversion engine */\n\tfor(; b < end; b++)\n\t\tul = (ul << 8) | *b;\n\n\t*lptr = (long)ul;\n")

if(inherit_patched EQUAL 0 OR checker_patched EQUAL 0)
  message(FATAL_ERROR "asn1c_generate.cmake: expected descriptor writes to patch "
                      "(inherit: ${inherit_patched}, checkers: ${checker_patched})")
endif()

# Replace OUT_DIR's files, touching only those whose content changed: an edit to
# one type of the module then recompiles only the C files it affects.
file(MAKE_DIRECTORY "${OUT_DIR}")
file(GLOB new_files RELATIVE "${work}" "${work}/*")
file(GLOB old_files RELATIVE "${OUT_DIR}" "${OUT_DIR}/*.c" "${OUT_DIR}/*.h")
foreach(name ${old_files})
  if(NOT name IN_LIST new_files)
    file(REMOVE "${OUT_DIR}/${name}")
  endif()
endforeach()
foreach(name ${new_files})
  file(COPY_FILE "${work}/${name}" "${OUT_DIR}/${name}" ONLY_IF_DIFFERENT)
endforeach()
file(REMOVE_RECURSE "${work}")
message(STATUS "asn1c: generated and patched ${OUT_DIR} "
               "(${inherit_patched} inherit users, ${checker_patched} checkers, ${cache_patched} "
               "runtime checkers, ASN_DEBUG and UB fixes patched)")
