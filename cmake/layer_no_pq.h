/* layer_no_pq.h — force-included (-include) into every library of kiosk/
 * except the central layer's (see "Layer guards" in the top
 * CMakeLists.txt). Poisoning names that <libpq-fe.h> declares makes
 * including it, or calling libpq at all, an "attempt to use poisoned"
 * error: only kiosk/central/ talks to PostgreSQL. */
#pragma GCC poison PQconnectdb PQconnectdbParams PQexec PQexecParams PQfinish
