// Every named limit of the language and the nVM, with the reason for its value.
// Each has a test that hits it (test/language/limits/ and test/vm/limits.test.ts).

/** Arguments of one call and parameters of one method (Wren's limit; call sites encode it). */
export const MAX_ARGS = 16
/** Local slots of one function, parameters and hidden loop variables included (Wren's limit). */
export const MAX_LOCALS = 256
/** Variables one closure may capture (Wren's limit). */
export const MAX_UPVALUES = 256
/** Fields of an instance, inherited ones included (Wren's limit). */
export const MAX_FIELDS = 255
/** Variables of one module unit (Wren's limit). */
export const MAX_MODULE_VARS = 65536
/** Length of a variable or method name (Wren's limit; keeps diagnostics readable). */
export const MAX_NAME_LENGTH = 64
/** How deep "%(" interpolation may nest inside string literals (Wren's limit). */
export const MAX_INTERPOLATION_NESTING = 8

/** Bytes of one source file, checked before lexing so that junk never reaches the parser,
 *  whose syntax tree costs 2 to 5 KiB of heap per source byte (3.8 MB of statements ran
 *  Node out of heap). Seventy times the largest Nest program here (a 15 KB benchmark), and
 *  room for one unit of MAX_MODULE_VARS variables (about 700 KB). */
export const MAX_SOURCE_BYTES = 1024 * 1024
/** Module file size: far above any real contract, low enough to reject junk before parsing. */
export const MAX_MODULE_BYTES = 16 * 1024 * 1024
/** Code words of one function. */
export const MAX_CODE_WORDS = 1 << 20
/** Functions in one module. */
export const MAX_FUNCTIONS = 1 << 16
/** Constants in one module. */
export const MAX_CONSTANTS = 1 << 20
/** Method names in one module. */
export const MAX_SYMBOLS = 1 << 16
/** Classes in one module. */
export const MAX_CLASSES = 1 << 16
/** Module units linked into one module. */
export const MAX_UNITS = 1 << 12

/** Call frames per fiber for scripts: far above Wren programs' needs; frames are explicit. */
export const SCRIPT_MAX_CALL_DEPTH = 1 << 18
/** Value slots per fiber stack for scripts. */
export const SCRIPT_MAX_STACK_SLOTS = 1 << 22
/** Bytes of one string or Bytes value: below V8's own string limit so it never surfaces. */
export const MAX_STRING_BYTES = 1 << 28
/** Cumulative bytes a script run may allocate (a deterministic count, not the JS heap;
 *  vm/sizes.ts). Live memory is at most this, which stays well below Node's default heap
 *  (about 4 GiB here), so a runaway script ends with R0203, never a V8 heap crash. */
export const SCRIPT_MEMORY_LIMIT = 1024 * 1024 * 1024

/** The gas counter is kept below 2^30 so V8 keeps it a small integer; the rest waits here. */
export const GAS_CHUNK = (1 << 29) - 1
/** "No limit" for scripts: metering still runs, it just never stops a program. */
export const UNLIMITED_GAS = Number.MAX_SAFE_INTEGER
