/* layer_no_sqlite.h — force-included (-include) into every library of
 * kiosk/ that must not talk to SQLite (see "Layer guards" in the top
 * CMakeLists.txt). Poisoning names that <sqlite3.h> declares makes including
 * it, or calling SQLite at all, an "attempt to use poisoned" error. The
 * store's own header names only `struct sqlite3`, which stays allowed. */
#pragma GCC poison sqlite3_libversion sqlite3_open_v2 sqlite3_prepare_v2 sqlite3_step sqlite3_exec
