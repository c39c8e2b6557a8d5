/* cli_es.c — Spanish for the messages the layers below the command line
 * write (store, domain, export and receipt keep their one-line reasons in
 * English: store.h's convention), so that every message a coordinator or
 * an auditor reads is in Spanish, like the documents (issue 14, item 7).
 *
 * How it works. A table pairs each English message format, as the code
 * writes it (printf directives included), with its Spanish text, in which
 * {1}, {2}... stand for what the directives matched. A message is matched
 * whole against the most specific format first (the one with the most
 * fixed text); what a directive matched is translated too when it is
 * itself a known message or word (a nested reason: "nothing was imported:
 * <the store's reason>"). A message no format matches whole is tried
 * again after each ": " (a "FILE:LINE: " or "what: " prefix is kept). A
 * message nothing matches is shown as it is: tests/test_cli_es.c reads
 * every message format in the sources and fails on one the table lacks,
 * so a new English message cannot slip through. */
#include "cli_common.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct es_pair {
    const char *en, *es;
} es_pair;

static const es_pair TABLE[] = {
    /* The central PostgreSQL, syncs and bundles (issue 11). */
    {"bundle %s: %s",
     "paquete ({1}): {2}"},
    {"central audit verify: %ld hallazgo%s (arriba)",
     "auditoría de la central: {1} hallazgo{2} (arriba)"},
    {"central %s: %s",
     "la central ({1}): {2}"},
    {"sync --status: %s",
     "estado de sincronización: {1}"},
    {"sync: %s",
     "sincronización: {1}"},
    {"sync: cannot register SQL functions: %s",
     "sincronización: no se pueden registrar las funciones SQL: {1}"},
    {"the database has no epoch (schema older than 2?)",
     "la base de datos no tiene época (¿esquema anterior al 2?)"},
    {"position %lld is below this epoch's base",
     "la posición {1} está antes de la base de esta época"},
    {"no signing key: this kiosk's chain cannot be sent",
     "sin llave de firma: la cadena de este quiosco no se puede enviar"},
    {"bad central id",
     "identificador de central no válido"},
    {"sync: no state for this central (store_sync_begin first)",
     "sincronización: no hay estado para esta central (falta store_sync_begin)"},
    {"sync: the acknowledged position is of another epoch; reconcile first",
     "sincronización: la posición confirmada es de otra época; hay que conciliar primero"},
    {"this database does not hold epoch %s of its chain from position %lld to %lld as its newer epoch says",
     "esta base de datos no tiene la época {1} de su cadena de la posición {2} a la {3} como dice su época más nueva"},
    {"sync: the epoch changed during the push",
     "sincronización: la época cambió durante el envío"},
    {"sync: the central acknowledged position %lld, past this chain's head %lld",
     "sincronización: la central confirmó la posición {1}, más allá de la cabeza de esta cadena ({2})"},
    {"save sync state",
     "guardar el estado de sincronización"},
    {"read versions",
     "leer las versiones"},
    {"entry %lld of kiosk %s is malformed",
     "la entrada {1} del quiosco {2} está mal formada"},
    {"kiosk %s: the epoch %s continues from position %lld, which is not held here as it says",
     "quiosco {1}: la época {2} continúa desde la posición {3}, que aquí no está como ella dice"},
    {"kiosk %s, position %lld: the entry differs from the one held here; its database was rewritten",
     "quiosco {1}, posición {2}: la entrada difiere de la que hay aquí; su base de datos fue reescrita"},
    {"kiosk %s: position %lld arrives before %lld",
     "quiosco {1}: la posición {2} llega antes que la {3}"},
    {"kiosk %s, position %lld: the entry does not link to the one before it",
     "quiosco {1}, posición {2}: la entrada no enlaza con la anterior"},
    {"kiosk %s, position %lld: chain format %d unknown to this program (update it)",
     "quiosco {1}, posición {2}: formato de cadena {3} desconocido para este programa (actualícelo)"},
    {"kiosk %s, position %lld: the entry does not hash to itself; it was altered",
     "quiosco {1}, posición {2}: la entrada no corresponde a su hash; fue alterada"},
    {"kiosk %s, position %lld: format %d after format %d entries; the entry was altered or slipped in",
     "quiosco {1}, posición {2}: formato {3} después de entradas de formato {4}; la entrada fue alterada o intercalada"},
    {"read sync entries",
     "leer las entradas sincronizadas"},
    {"signature %s: strokes damaged or not matching their hash",
     "firma {1}: trazos dañados o que no corresponden a su hash"},
    {"read units",
     "leer las unidades"},
    {"kiosk %s: malformed signed head at position %lld",
     "quiosco {1}: cabeza firmada mal formada en la posición {2}"},
    {"kiosk %s signed a head at position %lld that differs from the chain held here",
     "el quiosco {1} firmó una cabeza en la posición {2} que difiere de la cadena que hay aquí"},
    {"read entries",
     "leer las entradas"},
    {"read heads",
     "leer las cabezas firmadas"},
    {"not valid JSON",
     "no es JSON válido"},
    {"read JSON",
     "leer el JSON"},
    {"the central's answer has no cursor",
     "la respuesta de la central no trae cursor"},
    {"build the bundle",
     "armar el paquete"},
    {"read the bundle",
     "leer el paquete"},
    {"the bundle holds this kiosk's own chain (%s), different at position %lld",
     "el paquete trae la cadena de este mismo quiosco ({1}), distinta en la posición {2}"},
    {"kiosk %s, position %lld: its version of person %s changes the employee number (%s in the version of kiosk %s held here, %s in it); the program never does, the entry was written outside it",
     "quiosco {1}, posición {2}: su versión de la persona {3} cambia el número de empleado ({4} en la versión del quiosco {5} que hay aquí, {6} en ella); el programa nunca lo hace, la entrada se escribió por fuera de él"},
    {"kiosk %s, position %lld: its version of event %s changes more than the state of the version of kiosk %s held here; the program never does, the entry was written outside it",
     "quiosco {1}, posición {2}: su versión del evento {3} cambia algo más que el estado de la versión del quiosco {4} que hay aquí; el programa nunca lo hace, la entrada se escribió por fuera de él"},
    {"sync: a version was kept aside, not applied, and the rest was received (sync --status lists it): %s",
     "sincronización: una versión se guardó aparte, no se aplicó, y lo demás se recibió (sync --status la lista): {1}"},
    {"sync: %lld versions were kept aside, not applied, and the rest was received (sync --status lists them); the first: %s",
     "sincronización: {1} versiones se guardaron aparte, no se aplicaron, y lo demás se recibió (sync --status las lista); la primera: {2}"},
    {"the bundle's contents are not of kiosk %s, which signed it",
     "el contenido del paquete no es del quiosco {1}, que lo firmó"},
    {"not a cepci-kiosk bundle (format 1)",
     "no es un paquete de cepci-kiosk (formato 1)"},
    {"the bundle gives kiosk %s another public key than the one held here",
     "el paquete da al quiosco {1} otra clave pública que la que hay aquí"},
    {"the bundle holds the chain of kiosk %s, whose public key is unknown here (import it with: cepci-kiosk keys import FILE)",
     "el paquete trae la cadena del quiosco {1}, cuya clave pública no se conoce aquí (impórtela con: cepci-kiosk keys import ARCHIVO)"},
    {"read sync conflicts",
     "leer los conflictos de sincronización"},
    {"index version",
     "indexar la versión"},
    {"save sync conflict",
     "guardar el conflicto de sincronización"},
    {"replace person",
     "reemplazar a la persona"},
    {"apply entry",
     "aplicar la entrada"},
    {"save chains",
     "guardar las cadenas"},
    {"save audit entry",
     "guardar la entrada de auditoría"},
    {"save sync entry",
     "guardar la entrada sincronizada"},
    {"save signatures",
     "guardar las firmas"},
    {"central interval must be 30-86400 seconds",
     "el intervalo de la central debe ser de 30 a 86400 segundos"},
    {"the event '%s' is not open yet; it does not accept check-ins",
     "el evento '{1}' todavía no está abierto; no acepta registros"},
    {"the event '%s' is closed; it does not accept check-ins",
     "el evento '{1}' está cerrado; no acepta registros"},
    {"%.200s...: the config file's folder is too long a path (at most %zu bytes)",
     "{1}...: la ruta de la carpeta del archivo de configuración es demasiado larga (máximo {2} bytes)"},
    {"%s %s is not in the audit log; it was added outside the program",
     "{1} {2} no está en la bitácora de auditoría: se agregó por fuera del programa"},
    {"%s is too long or not valid UTF-8 text",
     "{1} es demasiado largo o no es texto UTF-8 válido"},
    {"%s: a signing key already exists here; move it away first",
     "{1}: ya existe aquí una llave de firma; muévala a otro lugar primero"},
    {"%s: already exists; refusing to overwrite a database",
     "{1}: ya existe; no se sobrescribe una base de datos"},
    {"%s: backup failed: %s",
     "{1}: falló el respaldo: {2}"},
    {"%s: cannot create the backup folder: %s",
     "{1}: no se puede crear la carpeta de respaldos: {2}"},
    {"%s: cannot create the signing key: %s",
     "{1}: no se puede crear la llave de firma: {2}"},
    {"%s: cannot create: %s",
     "{1}: no se puede crear: {2}"},
    {"%s: cannot finish the backup: %s",
     "{1}: no se puede terminar el respaldo: {2}"},
    {"%s: cannot open: %s",
     "{1}: no se puede abrir: {2}"},
    {"%s: cannot read the database: %s",
     "{1}: no se puede leer la base de datos: {2}"},
    {"%s: cannot read the kiosk signing key: %s",
     "{1}: no se puede leer la llave de firma del quiosco: {2}"},
    {"%s: cannot read the signing key",
     "{1}: no se puede leer la llave de firma"},
    {"%s: cannot read: %s",
     "{1}: no se puede leer: {2}"},
    {"%s: cannot start the PDF: %s",
     "{1}: no se puede iniciar el PDF: {2}"},
    {"%s: cannot start the XLSX workbook",
     "{1}: no se puede iniciar el libro XLSX"},
    {"%s: cannot write a backup here: %s",
     "{1}: no se puede escribir un respaldo aquí: {2}"},
    {"%s: cannot write the PDF: %s",
     "{1}: no se puede escribir el PDF: {2}"},
    {"%s: cannot write the XLSX file (%s); nothing was written",
     "{1}: no se puede escribir el archivo XLSX ({2}); no se escribió nada"},
    {"%s: cannot write the XLSX header",
     "{1}: no se puede escribir el encabezado del XLSX"},
    {"%s: cannot write the signing key: %s",
     "{1}: no se puede escribir la llave de firma: {2}"},
    {"%s: cannot write: %s; nothing was written",
     "{1}: no se puede escribir: {2}; no se escribió nada"},
    {"%s: cannot write: the disk is full (%s); nothing was written",
     "{1}: no se puede escribir: el disco está lleno ({2}); no se escribió nada"},
    {"%s: cannot write: %s",
     "{1}: no se puede escribir: {2}"},
    {"%s: no public keys in this file",
     "{1}: el archivo no contiene llaves públicas"},
    {"%s: no such database (create one with: cepci-kiosk init)",
     "{1}: no existe la base de datos (créela con: cepci-kiosk init)"},
    {"%s: not a cepci-kiosk database or damaged file (%s)",
     "{1}: no es una base de datos de cepci-kiosk o el archivo está dañado ({2})"},
    {"%s: not a cepci-kiosk database",
     "{1}: no es una base de datos de cepci-kiosk"},
    {"%s: not a regular file",
     "{1}: no es un archivo regular"},
    {"%s: not a signing key (wrong size)",
     "{1}: no es una llave de firma (tamaño incorrecto)"},
    {"%s: the backup folder's path is too long",
     "{1}: la ruta de la carpeta de respaldos es demasiado larga"},
    {"%s: the database file is damaged (%s)",
     "{1}: el archivo de la base de datos está dañado ({2})"},
    {"%s: the database has no kiosk identity (run: cepci-kiosk init)",
     "{1}: la base de datos no tiene identidad de quiosco (ejecute: cepci-kiosk init)"},
    {"%s: the database is locked by another program",
     "{1}: otro programa tiene bloqueada la base de datos"},
    {"%s: the database is read-only (check file and folder permissions)",
     "{1}: la base de datos es de solo lectura (revise los permisos del archivo y de la carpeta)"},
    {"%s: the database is read-only and needs an upgrade",
     "{1}: la base de datos es de solo lectura y necesita actualizarse"},
    {"%s: the disk is full or the file size limit was reached",
     "{1}: el disco está lleno o se alcanzó el límite de tamaño de archivo"},
    {"%s: the disk refused the write (%s); is it full or removed?",
     "{1}: el disco rechazó la escritura ({2}); ¿está lleno o se retiró?"},
    {"%s: the signing key is readable by others; run chmod 600 on it",
     "{1}: otros usuarios pueden leer la llave de firma; ejecute chmod 600 sobre ella"},
    {"%s: written by a newer version of cepci-kiosk (schema %d, this program knows %zu); update the program",
     "{1}: la escribió una versión más nueva de cepci-kiosk (esquema {2}; este programa conoce hasta el {3}); actualice el programa"},
    {"%s:%d: line too long (at most %d bytes)",
     "{1}:{2}: línea demasiado larga (máximo {3} bytes)"},
    {"%s; nothing was recorded",
     "{1}; no se registró nada"},
    {"--date %s is in the future",
     "--date {1} es una fecha futura"},
    {"a guest must give a full name",
     "una persona invitada debe dar su nombre completo"},
    {"a pledge at the kiosk needs a signature",
     "una Carta firmada en el quiosco necesita la firma"},
    {"allocate folio: counter missing",
     "asignar folio: falta el contador"},
    {"allocate folio",
     "asignar folio"},
    {"an event goes from draft to open to closed, never back to draft",
     "un evento pasa de borrador a abierto y a cerrado; nunca vuelve a borrador"},
    {"append to audit log",
     "agregar a la bitácora de auditoría"},
    {"apply migration",
     "aplicar la actualización del esquema"},
    {"no certificate is signed over an audit chain that does not verify (run: cepci-kiosk audit verify): %s",
     "no se firman constancias sobre una cadena de auditoría que no se verifica (ejecute: cepci-kiosk audit "
     "verify): {1}"},
    {"audit chain BROKEN: %s",
     "cadena de auditoría ROTA: {1}"},
    {"audit verify: out of memory",
     "verificación de la auditoría: memoria insuficiente"},
    {"audit verify",
     "verificación de la auditoría"},
    {"audit: record %s vanished",
     "auditoría: el registro {1} desapareció"},
    {"bad --date '%s' (use YYYY-MM-DD)",
     "--date no válida '{1}' (use AAAA-MM-DD)"},
    {"bad --date '%s'",
     "--date no válida '{1}'"},
    {"bad --format '%s' (text, csv or json)",
     "--format no válido '{1}' (text, csv o json)"},
    {"bad --year '%s'",
     "--year no válido '{1}'"},
    {"bad PAT activity key '%s' (like 1.2.3)",
     "clave de actividad PAT no válida '{1}' (como 1.2.3)"},
    {"bad check-in method '%s'",
     "medio de registro no válido '{1}'"},
    {"bad employee number '%s' (letters, digits, - or _)",
     "número de empleado no válido '{1}' (letras, dígitos, - o _)"},
    {"bad end '%s' (use 'YYYY-MM-DD HH:MM')",
     "fin no válido '{1}' (use 'AAAA-MM-DD HH:MM')"},
    {"bad event state '%s'",
     "estado de evento no válido '{1}'"},
    {"bad fingerprint",
     "huella no válida"},
    {"bad pledge method '%s'",
     "medio de firma de la Carta no válido '{1}'"},
    {"bad setting name '%s'",
     "nombre de ajuste no válido '{1}'"},
    {"bad signature",
     "firma no válida"},
    {"bad start '%s' (use 'YYYY-MM-DD HH:MM')",
     "inicio no válido '{1}' (use 'AAAA-MM-DD HH:MM')"},
    {"bad unit code '%s' (letters and digits)",
     "clave de unidad no válida '{1}' (letras y dígitos)"},
    {"bad unit code '%s' (letters, digits, - or _)",
     "clave de unidad no válida '{1}' (letras, dígitos, - o _)"},
    {"bad unit code '%s'",
     "clave de unidad no válida '{1}'"},
    {"begin transaction",
     "iniciar la transacción"},
    {"cannot compute the indicators: %s",
     "no se pueden calcular los indicadores: {1}"},
    {"cannot hash the PIN (out of memory)",
     "no se puede cifrar el PIN (memoria insuficiente)"},
    {"cannot initialise libsodium",
     "no se puede iniciar libsodium"},
    {"cannot read the attendance list: %s",
     "no se puede leer la lista de asistencia: {1}"},
    {"cannot read the pledges: %s",
     "no se pueden leer las firmas de la Carta: {1}"},
    {"cannot read: %s",
     "no se puede leer: {1}"},
    {"cannot write the indicators",
     "no se pueden escribir los indicadores"},
    {"change event state",
     "cambiar el estado del evento"},
    {"commit",
     "confirmar la transacción"},
    {"compute indicators: out of memory",
     "calcular los indicadores: memoria insuficiente"},
    {"compute indicators",
     "calcular los indicadores"},
    {"count people",
     "contar el personal"},
    {"employee %s already signed this Carta Compromiso on %s (folio %s)",
     "la persona {1} ya firmó esta Carta Compromiso el {2} (folio {3})"},
    {"employee %s already signed this version of the Carta Compromiso",
     "la persona {1} ya firmó esta versión de la Carta Compromiso"},
    {"employee %s has not signed this Carta",
     "la persona {1} no ha firmado esta Carta"},
    {"a guest named '%s' is already registered at this event",
     "ya hay una persona invitada con el nombre '{1}' registrada en este evento"},
    {"read the guests of the event",
     "leer las personas invitadas del evento"},
    {"sound must be on or off",
     "el sonido debe ser on u off"},
    {"employee %s is already registered at this event since %s (folio %s)",
     "la persona {1} ya está registrada en este evento desde {2} (folio {3})"},
    {"employee %s is already registered at this event",
     "la persona {1} ya está registrada en este evento"},
    {"employee %s is not registered at this event",
     "la persona {1} no está registrada en este evento"},
    {"employee %s: a name or field is not valid text (control or bidirectional characters?)",
     "persona {1}: un nombre o campo no es texto válido (¿caracteres de control o bidireccionales?)"},
    /* Written by no source since the imports write Spanish (sheet.c); kept as
     * tests/test_cli_es.c's example of a nested reason. */
    {"employee number %s appears twice (also on line %ld%s)",
     "el número de empleado {1} aparece dos veces (también en la línea {2}{3})"},
    {"employee number %s is marked inactive in the roster",
     "el número de empleado {1} está marcado como inactivo en el padrón"},
    {"employee number %s is not in the roster",
     "el número de empleado {1} no está en el padrón"},
    {"event add needs --title, --kind, --topics, --unit and --start; usage: %s",
     "event add necesita --title, --kind, --topics, --unit y --start; uso: {1}"},
    {"event id '%s' is ambiguous; give more characters",
     "el identificador de evento '{1}' es ambiguo; dé más caracteres"},
    {"event open --reopen needs --reason TEXT: why the closed event is opened again",
     "event open --reopen necesita --reason TEXTO: por qué se abre de nuevo el evento cerrado"},
    {"export %s: give --format (%s)",
     "export {1}: indique --format ({2})"},
    {"export %s: unexpected argument '%s'; usage: %s",
     "export {1}: argumento inesperado '{2}'; uso: {3}"},
    {"export %s: unknown or incomplete option '%s'; usage: %s",
     "export {1}: opción desconocida o incompleta '{2}'; uso: {3}"},
    /* OPTS_END in cli_common.h (a macro: the scan of the sources in
     * tests/test_cli_es.c reads .c files only). */
    {"%s: unknown or incomplete option '%s'; usage: %s",
     "{1}: opción desconocida o incompleta '{2}'; uso: {3}"},
    {"export: bad year %d",
     "exportar: año no válido {1}"},
    {"export: bad year '%s'",
     "exportar: año no válido '{1}'"},
    {"export: cannot compute the list's fingerprint",
     "exportar: no se puede calcular la huella de la lista"},
    {"export: cannot encode the list fingerprint (bad event id or date)",
     "exportar: no se puede codificar la huella de la lista (identificador o fecha del evento no válidos)"},
    {"export: cannot encode the list fingerprint (base45)",
     "exportar: no se puede codificar la huella de la lista (base45)"},
    {"export: cannot hash the list",
     "exportar: no se puede calcular la huella de la lista"},
    {"export: missing or too long output path",
     "exportar: falta la ruta de salida o es demasiado larga"},
    {"export: out of memory",
     "exportar: memoria insuficiente"},
    {"export: the database has no kiosk identity",
     "exportar: la base de datos no tiene identidad de quiosco"},
    {"export: unknown format '%s' (use %s)",
     "exportar: formato desconocido '{1}' (use {2})"},
    {"export: unknown list '%s'; usage: %s",
     "exportar: lista desconocida '{1}'; uso: {2}"},
    {"give at least one topic",
     "indique al menos un tema"},
    {"give the reason for reopening: 1 to %d bytes of text, without control characters",
     "dé el motivo para reabrir: de 1 a {1} bytes de texto, sin caracteres de control"},
    {"index name",
     "indexar el nombre"},
    {"keys export: out of memory",
     "exportar llaves: memoria insuficiente"},
    {"keys export: %s",
     "exportar llaves: {1}"},
    {"keys import: out of memory",
     "importar llaves: memoria insuficiente"},
    {"kiosk %s already has a different public key; refusing to replace it",
     "el quiosco {1} ya tiene otra llave pública; no se reemplaza"},
    {"list attendees",
     "listar a los asistentes"},
    {"list events",
     "listar los eventos"},
    {"list fingerprint is malformed (bad fields)",
     "la huella de la lista está mal formada (campos no válidos)"},
    {"list fingerprint is malformed (bad kiosk id)",
     "la huella de la lista está mal formada (identificador de quiosco no válido)"},
    {"list fingerprint is malformed or truncated",
     "la huella de la lista está mal formada o incompleta"},
    {"list fingerprint signature is NOT valid: the payload was altered or forged",
     "la firma de la huella de la lista NO es válida: el código fue alterado o falsificado"},
    {"list fingerprint signed by kiosk %s, whose public key is unknown here",
     "huella de lista firmada por el quiosco {1}, cuya llave pública no está registrada aquí"},
    {"list people",
     "listar al personal"},
    {"list reopenings",
     "listar las reaperturas"},
    {"list units",
     "listar las unidades"},
    {"malformed or truncated payload (dangling Base45 character)",
     "código mal formado o incompleto (carácter Base45 suelto)"},
    {"malformed payload (not a cepci-kiosk receipt: it must start with CK1:)",
     "código mal formado (no es un comprobante de cepci-kiosk: debe empezar por CK1:)"},
    {"malformed payload (not valid Base45)",
     "código mal formado (no es Base45 válido)"},
    {"malformed payload (unknown record type)",
     "código mal formado (tipo de registro desconocido)"},
    {"malformed payload (unknown record version)",
     "código mal formado (versión de registro desconocida)"},
    {"no PIN given on standard input",
     "no se dio el PIN en la entrada estándar"},
    {"no event '%s' (give its id as printed by 'event list')",
     "no hay un evento '{1}' (dé el identificador que muestra 'event list')"},
    {"no event '%s'",
     "no hay un evento '{1}'"},
    {"no public key for kiosk %s (import it with: cepci-kiosk keys import FILE)",
     "no hay llave pública del quiosco {1} (impórtela con: cepci-kiosk keys import ARCHIVO)"},
    {"no receipt with folio %s",
     "no hay un comprobante con folio {1}"},
    {"not a list fingerprint (expected CKL2:… or CKP2:…)",
     "no es la huella de una lista (se espera CKL2:… o CKP2:…)"},
    {"not a list fingerprint (expected CKL1:… or CKP1:…)",
     "no es la huella de una lista (se espera CKL1:… o CKP1:…)"},
    {"not a list fingerprint (unknown prefix %s)",
     "no es la huella de una lista (prefijo desconocido {1})"},
    {"not a regular file",
     "no es un archivo regular"},
    /* Written by no source since the imports write Spanish (sheet.c); kept as
     * tests/test_cli_es.c's example of a nested reason. */
    {"nothing was imported: %s",
     "no se importó nada: {1}"},
    {"out of memory",
     "memoria insuficiente"},
    {"prepare",
     "preparar la consulta"},
    {"printer uri png: needs a folder (png:DIR)",
     "la impresora png: necesita una carpeta (png:CARPETA)"},
    {"printer: %s",
     "impresora: {1}"},
    {"read event",
     "leer el evento"},
    {"read person",
     "leer a la persona"},
    {"read public key",
     "leer la llave pública"},
    {"read record",
     "leer el registro"},
    {"read setting",
     "leer el ajuste"},
    {"read settings",
     "leer los ajustes"},
    {"read signature",
     "leer la firma"},
    {"read the audit log",
     "leer la bitácora de auditoría"},
    {"read unit",
     "leer la unidad"},
    {"receipt: bad Carta hash",
     "comprobante: huella de la Carta no válida"},
    {"receipt: bad event id",
     "comprobante: identificador de evento no válido"},
    {"receipt: bad folio",
     "comprobante: folio no válido"},
    {"receipt: bad kiosk id",
     "comprobante: identificador de quiosco no válido"},
    {"receipt: bad record UUID",
     "comprobante: UUID de registro no válido"},
    {"receipt: cannot encode the QR code",
     "comprobante: no se puede codificar el código QR"},
    {"receipt: cannot prepare the print job (out of memory)",
     "comprobante: no se puede preparar la impresión (memoria insuficiente)"},
    {"receipt: cannot render the PNG image",
     "comprobante: no se puede dibujar la imagen PNG"},
    {"receipt: employee number cannot be encoded",
     "comprobante: el número de empleado no se puede codificar"},
    {"receipt: payload buffer too small",
     "comprobante: espacio insuficiente para el código"},
    {"receipt: time out of range",
     "comprobante: hora fuera de rango"},
    {"receipt: unknown record type",
     "comprobante: tipo de registro desconocido"},
    {"receipt: %s",
     "comprobante: {1}"},
    {"record schema version",
     "registrar la versión del esquema"},
    {"save attendance: identifier clash; try again",
     "guardar la asistencia: choque de identificadores; inténtelo de nuevo"},
    {"save attendance",
     "guardar la asistencia"},
    {"save event topic",
     "guardar el tema del evento"},
    {"save event",
     "guardar el evento"},
    {"save person",
     "guardar a la persona"},
    {"save pledge: identifier clash; try again",
     "guardar la firma de la Carta: choque de identificadores; inténtelo de nuevo"},
    {"save pledge",
     "guardar la firma de la Carta"},
    {"save public key",
     "guardar la llave pública"},
    {"save signature",
     "guardar la firma"},
    {"save the reopening",
     "guardar la reapertura"},
    {"save unit",
     "guardar la unidad"},
    {"search",
     "buscar"},
    {"set WAL",
     "activar WAL"},
    {"set cache size",
     "fijar el tamaño de caché"},
    {"set foreign keys",
     "activar las llaves foráneas"},
    {"set synchronous",
     "fijar la escritura síncrona"},
    {"the Carta and privacy-notice versions must be SHA-256 hashes",
     "las versiones de la Carta y del aviso de privacidad deben ser huellas SHA-256"},
    {"the PIN must be 4 to 12 digits",
     "el PIN debe tener de 4 a 12 dígitos"},
    {"the database has no kiosk identity (run: cepci-kiosk init)",
     "la base de datos no tiene identidad de quiosco (ejecute: cepci-kiosk init)"},
    {"the database is read-only (check file and folder permissions)",
     "la base de datos es de solo lectura (revise los permisos del archivo y de la carpeta)"},
    {"the end (%s) is before the start (%s)",
     "el fin ({1}) es anterior al inicio ({2})"},
    {"the event %s is not in this database",
     "el evento {1} no está en esta base de datos"},
    {"the event '%s' is closed; to open it again give the reason (event open ID --reopen --reason TEXT)",
     "el evento '{1}' está cerrado; para abrirlo de nuevo dé el motivo (event open ID --reopen --reason TEXTO)"},
    {"the event '%s' is not closed (it is %s); open it without --reopen",
     "el evento '{1}' no está cerrado (está {2}); ábralo sin --reopen"},
    {"the first surname is empty",
     "el primer apellido está vacío"},
    {"the guest name is too long or not valid text",
     "el nombre de la persona invitada es demasiado largo o no es texto válido"},
    {"the institution name is empty",
     "el nombre de la institución está vacío"},
    {"the record was saved (folio %s) but its QR could not be made; reprint with: cepci-kiosk receipt %s",
     "el registro se guardó (folio {1}), pero no se pudo hacer su QR; reimprima con: cepci-kiosk receipt {2}"},
    {"the title is empty",
     "el título está vacío"},
    {"the title, place or instructor is not valid text (control characters?)",
     "el título, el lugar o la persona instructora no es texto válido (¿caracteres de control?)"},
    {"the two PINs differ; nothing changed",
     "los dos PIN no coinciden; no se cambió nada"},
    {"this database is already initialised (kiosk %s)",
     "esta base de datos ya está inicializada (quiosco {1})"},
    {"this event asks for a signature at the kiosk; a paper list typed in uses --keyed",
     "este evento pide firma en el quiosco; una lista en papel capturada usa --keyed"},
    {"this event asks for a signature",
     "este evento pide firma"},
    {"this fingerprint is of the first format (CKL1/CKP1): it does not say which list it is, so it cannot be compared with the records",
     "esta huella es del primer formato (CKL1/CKP1): no dice de qué lista es, así que no se puede comparar con los registros"},
    {"truncated payload",
     "código incompleto"},
    {"unknown audit kind '%s'",
     "tipo de auditoría desconocido '{1}'"},
    {"unknown command '%s' (see: cepci-kiosk --help)",
     "orden desconocida '{1}' (vea: cepci-kiosk --help)"},
    {"unknown kind '%s' (curso, taller, conferencia, conversatorio, cine-debate, platica, protesta, otro)",
     "tipo desconocido '{1}' (curso, taller, conferencia, conversatorio, cine-debate, platica, protesta, otro)"},
    {"unknown kiosk key %s (import its keys with: cepci-kiosk keys import FILE)",
     "llave de quiosco desconocida {1} (importe sus llaves con: cepci-kiosk keys import ARCHIVO)"},
    {"unknown option '%s' (see: cepci-kiosk --help)",
     "opción desconocida '{1}' (vea: cepci-kiosk --help)"},
    {"unknown topic '%s' (etica, integridad, conflicto-intereses, igualdad-genero, violencia-genero, hsas, discriminacion, codigo-conducta, otro)",
     "tema desconocido '{1}' (etica, integridad, conflicto-intereses, igualdad-genero, violencia-genero, hsas, discriminacion, codigo-conducta, otro)"},
    {"unknown unit '%s'",
     "unidad desconocida '{1}'"},
    {"usage: %s (pledges with a signature are made at the kiosk)",
     "uso: {1} (las Cartas con firma se hacen en el quiosco)"},
    {"usage: admin set-pin   (reads the new PIN twice from standard input)",
     "uso: admin set-pin   (lee el PIN nuevo dos veces de la entrada estándar)"},
    {"usage: verify PAYLOAD [--db FILE] (the payload contains spaces: quote it, or use - to read it from standard input)",
     "uso: verify CÓDIGO [--db ARCHIVO] (el código contiene espacios: póngalo entre comillas, o use - para leerlo de la entrada estándar)"},
    {"usage: %s",
     "uso: {1}"},
    {"this database's audit chain holds this receipt's record, but its row is gone: it was deleted by hand; run: "
     "cepci-kiosk audit verify",
     "la cadena de auditoría de esta base de datos tiene el registro de este comprobante, pero su fila ya no "
     "está: se borró a mano; ejecute: cepci-kiosk audit verify"},
    {"this database's audit chain holds this receipt's record, but its row (or its entry) differs from what was "
     "signed: it was changed by hand; run: cepci-kiosk audit verify",
     "la cadena de auditoría de esta base de datos tiene el registro de este comprobante, pero su fila (o su "
     "entrada) difiere de lo firmado: se cambió a mano; ejecute: cepci-kiosk audit verify"},
    {"verify: no payload on standard input",
     "verify: no hay código en la entrada estándar"},
    {"warning: %s",
     "aviso: {1}"},
    {"write settings",
     "escribir los ajustes"},
    {"not a cepci-kiosk database%s",
     "no es una base de datos de cepci-kiosk{1}"},
    {"[%s] %s: %s",
     "[{1}] {2}: {3}"},
    {"accent must be a colour like #1F5C99",
     "accent debe ser un color como #1F5C99"},
    {"backup keep must be 1-365",
     "[backup] keep debe ir de 1 a 365"},
    {"bad unit section (a code of letters and digits, at most 64 units)",
     "sección de unidad no válida (una clave de letras y dígitos, máximo 64 unidades)"},
    {"goal must be a percentage 0-100",
     "la meta debe ser un porcentaje de 0 a 100"},
    {"idle_timeout must be seconds between 10 and 3600",
     "idle_timeout debe ser de 10 a 3600 segundos"},
    {"paper must be letter or a4",
     "paper debe ser letter o a4"},
    {"path too long (at most 511 bytes, with the config file's folder for a relative path)",
     "ruta demasiado larga (máximo 511 bytes, con la carpeta del archivo de configuración si es relativa)"},
    {"printer width must be 58 or 80",
     "el ancho de la impresora debe ser 58 u 80"},
    {"too many topics",
     "demasiados temas"},
    {"unknown key",
     "ajuste desconocido"},
    {"unknown time zone (use an IANA name such as %s)",
     "zona horaria desconocida (use un nombre IANA como {1})"},
    {"value too long",
     "valor demasiado largo"},
    {"certificate margins are millimetres between 5 and 100",
     "los márgenes de las constancias son milímetros de 5 a 100"},
    {"unknown topic (etica, integridad, conflicto-intereses, igualdad-genero, violencia-genero, hsas, discriminacion, codigo-conducta, otro)",
     "tema desconocido (etica, integridad, conflicto-intereses, igualdad-genero, violencia-genero, hsas, discriminacion, codigo-conducta, otro)"},
    {"%s:%d: %s",
     "{1}:{2}: {3}"},
    {"No such file or directory",
     "no existe el archivo o la carpeta"},
    {"Permission denied",
     "permiso denegado"},
    {"No space left on device",
     "no queda espacio en el dispositivo"},
    {"Read-only file system",
     "sistema de archivos de solo lectura"},
    {"File exists",
     "el archivo ya existe"},
    {"Not a directory",
     "no es una carpeta"},
    {"Is a directory",
     "es una carpeta"},
    {"File too large",
     "archivo demasiado grande"},
    {"Disk quota exceeded",
     "se excedió la cuota de disco"},
    {"Input/output error",
     "error de entrada/salida"},
    {"Connection refused",
     "conexión rechazada"},
    {"Operation not permitted",
     "operación no permitida"},
    {"database is locked",
     "la base de datos está bloqueada"},
    {"file is not a database",
     "el archivo no es una base de datos"},
    {"database disk image is malformed",
     "la imagen de la base de datos está dañada"},
    {"unknown attachment kind '%s' (foto, lista, constancia, otro)",
     "tipo de anexo desconocido '{1}' (foto, lista, constancia, otro)"},
    {"the note is too long or not valid text",
     "la nota es demasiado larga o no es texto válido"},
    {"%s: not a PDF, JPEG or PNG file",
     "{1}: no es un archivo PDF, JPEG ni PNG"},
    {"%s: larger than %ld MB",
     "{1}: mide más de {2} MB"},
    {"%s: the file is empty",
     "{1}: el archivo está vacío"},
    {"cannot create the folder %s: %s",
     "no se puede crear la carpeta {1}: {2}"},
    {"cannot write in %s: %s",
     "no se puede escribir en {1}: {2}"},
    {"cannot write %s: %s",
     "no se puede escribir {1}: {2}"},
    {"cannot read %s: %s",
     "no se puede leer {1}: {2}"},
    {"this file is already attached to the event",
     "este archivo ya está anexado al evento"},
    {"save attachment",
     "guardar el anexo"},
    {"read attachment",
     "leer el anexo"},
    {"list attachments",
     "listar los anexos"},
    {"import: the file hash must be SHA-256 in hex",
     "importación: la huella del archivo debe ser SHA-256 en hexadecimal"},
    {"import: the file name is empty, too long or not valid text",
     "importación: el nombre del archivo está vacío, es demasiado largo o no es texto válido"},
    {"import: no rows",
     "importación: no hay filas"},
    {"import: a note is too long or not valid text",
     "importación: una nota es demasiado larga o no es texto válido"},
    {"import: out of memory",
     "importación: memoria insuficiente"},
    {"the event '%s' is not open yet; open it before typing in its list",
     "el evento '{1}' todavía no está abierto; ábralo antes de capturar su lista"},
    {"this file was already imported for this event",
     "este archivo ya se importó para este evento"},
    {"save import",
     "guardar la importación"},
    {"link imported row",
     "enlazar la fila importada"},
    {"read imports",
     "leer las importaciones"},
    {"read attendance",
     "leer la asistencia"},
    {"list imports",
     "listar las importaciones"},
    {"list imported rows",
     "listar las filas importadas"},
    {"count attendance",
     "contar la asistencia"},
    {"list a person's events",
     "listar los eventos de una persona"},
    {"a record of employee %s clashes with one saved before",
     "un registro de la persona {1} choca con uno guardado antes"},
    {"store_record_keyed_at outside a transaction",
     "store_record_keyed_at fuera de una transacción"},
    {"attachment %s (%s) of event %s: %s: %s",
     "anexo {1} ({2}) del evento {3}: {4}: {5}"},
    {"altered (hash differs)",
     "alterado (su huella no coincide)"},
    {"audit entry %lld (%s %s): previous-hash link broken; an entry before it was removed or altered",
     "entrada {1} de la auditoría ({2} {3}): el enlace con la anterior está roto; se eliminó o alteró una entrada anterior"},
    {"audit entry %lld (%s %s): hash mismatch; the entry was altered",
     "entrada {1} de la auditoría ({2} {3}): la huella no coincide; la entrada fue alterada"},
    {"audit entry %lld: more than 64 kiosks",
     "entrada {1} de la auditoría: más de 64 quioscos"},
    {"audit entry %lld: %s %s was %s",
     "entrada {1} de la auditoría: {2} {3}: {4}"},
    {"deleted",
     "se eliminó"},
    {"edited after it was recorded",
     "se modificó después de registrarse"},
    {"missing",
     "falta el archivo"},
    {"draft",
     "en borrador"},
    {"open",
     "abierto"},
    {"closed",
     "cerrado"},
    {"attendance",
     "registro de asistencia"},
    {"pledge",
     "firma de la Carta"},
    {"person",
     "persona"},
    {"event",
     "evento"},
    {"attachment",
     "anexo"},
    {"import",
     "importación"},
    {"the event '%s' is %s; it does not accept check-ins",
     "el evento '{1}' está {2}; no acepta registros"},
    {"cannot write in",
     "no se puede escribir en"},
    {"cannot read",
     "no se puede leer"},
    {"cannot write",
     "no se puede escribir"},
    {"cannot create the folder",
     "no se puede crear la carpeta"},
    {"cannot list the events that counted: %s",
     "no se pueden listar los eventos que cuentan: {1}"},
    {"pdf, csv or xlsx",
     "pdf, csv o xlsx"},
    {"pdf or csv",
     "pdf o csv"},
    {"the clock went backwards: the newest earlier copy (%s) is dated after now (%s UTC); copies are kept by the order they were made, not by date",
     "el reloj se atrasó: la copia anterior más reciente ({1}) tiene fecha posterior a ahora ({2} UTC); las copias se conservan por el orden en que se hicieron, no por su fecha"},
    {"warning: %s",
     "aviso: {1}"},
    {"pledge %s has no drawn signature",
     "la firma de la Carta {1} no tiene trazo capturado"},
    {"read a pledge's signature",
     "leer la firma de una Carta"},
    {"no configuration",
     "sin configuración"},
    {"%s: cannot create the attachments' folder: %s",
     "{1}: no se puede crear la carpeta de los anexos: {2}"},
    {"the attachments were not copied: %s",
     "no se copiaron los anexos: {1}"},
    {"%d attachment file(s) not copied (the first: %s); run: cepci-kiosk audit verify",
     "{1} archivo(s) de anexos sin copiar (el primero: {2}); ejecute: cepci-kiosk audit verify"},
    {"no longer matches its recorded hash",
     "ya no coincide con su huella registrada"},
    /* The audit chain, format 2 (signed heads, epochs; issue 12). */
    {"payload signed by kiosk %s for folio %s-%06lu of kiosk %s: a kiosk signs only its own folios",
     "contenido firmado por el quiosco {1} para el folio {2}-{3} del quiosco {4}: un quiosco firma solo sus propios folios"},
    {"%s: receipt %s is of format CK1, which carries no chain position",
     "{1}: el comprobante {2} es de formato CK1, que no lleva posición en la cadena"},
    {"--head %s: not a signed head (CKH1:...), a receipt (CK2:...) or a readable file: %s",
     "--head {1}: no es una cabeza firmada (CKH1:...), un comprobante (CK2:...) ni un archivo legible: {2}"},
    {"%s: no signed chain head or receipt in it",
     "{1}: no contiene ninguna cabeza firmada de la cadena ni ningún comprobante"},
    {"this database's audit chain does not hold this receipt's record at position %lld (it is at %lld, hash %.16s): the chain was rewritten",
     "la cadena de auditoría de esta base de datos no tiene el registro de este comprobante en la posición {1} (está en la {2}, huella {3}): la cadena fue reescrita"},
    {"read the audit chain head",
     "leer la cabeza de la cadena de auditoría"},
    {"not a signed chain head (it must start with CKH1:)",
     "no es una cabeza firmada de la cadena (debe empezar con CKH1:)"},
    {"malformed signed chain head (too long)",
     "cabeza firmada de la cadena mal formada (demasiado larga)"},
    {"malformed signed chain head (6 fields after CKH1: separated by ':')",
     "cabeza firmada de la cadena mal formada (6 campos después de CKH1:, separados por ':')"},
    {"malformed signed chain head (bad kiosk id, epoch, position, hash, time or signature)",
     "cabeza firmada de la cadena mal formada (quiosco, época, posición, huella, hora o firma no válidos)"},
    {"the database holds another public key for kiosk %s than its key file: one of them was replaced",
     "la base de datos tiene para el quiosco {1} una llave pública distinta de la de su archivo de llave: una de las dos fue reemplazada"},
    {"the signed head of kiosk %s at position %lld has a bad signature (forged or damaged)",
     "la cabeza firmada del quiosco {1} en la posición {2} tiene una firma no válida (falsificada o dañada)"},
    {"read signed heads",
     "leer las cabezas firmadas"},
    {"no signing key: the chain head cannot be signed",
     "no hay llave de firma: no se puede firmar la cabeza de la cadena"},
    {"cannot sign the chain head",
     "no se puede firmar la cabeza de la cadena"},
    {"read the audit chain",
     "leer la cadena de auditoría"},
    {"this kiosk signed position %lld of its chain %s; the chain now ends at %lld: entries were deleted or rewritten; run: cepci-kiosk audit verify",
     "este quiosco firmó la posición {1} de su cadena {2}; ahora la cadena termina en la {3}: se eliminaron o reescribieron entradas; ejecute: cepci-kiosk audit verify"},
    {"the newest audit entry of this kiosk (position %lld) carries no signature of its key: the database was changed outside the program; run: cepci-kiosk audit verify",
     "la entrada de auditoría más reciente de este quiosco (posición {1}) no lleva firma de su llave: la base de datos se modificó por fuera del programa; ejecute: cepci-kiosk audit verify"},
    {"%s: no signed chain heads in it (%s)",
     "{1}: no contiene cabezas firmadas de la cadena ({2})"},
    {"%s: cannot read its signed heads (%s)",
     "{1}: no se pueden leer sus cabezas firmadas ({2})"},
    {"no audit entry for %s %s",
     "no hay entrada de auditoría para {1} {2}"},
    {"this database is signed by the key of kiosk %s: it is written only with that key (the file <database>.key beside it)",
     "esta base de datos está firmada con la llave del quiosco {1}: solo se escribe con esa llave (el archivo <base de datos>.key junto a ella)"},
    {"audit: an entry must be written in the record's transaction",
     "auditoría: una entrada debe escribirse en la transacción del registro"},
    {"%s %s %s outside the program (it no longer matches its audit entry); no new version is written over it; run: cepci-kiosk audit verify",
     "{1} {2}: {3} por fuera del programa (ya no coincide con su entrada de auditoría); no se escribe una versión nueva encima; ejecute: cepci-kiosk audit verify"},
    {"was changed",
     "se modificó"},
    {"was added",
     "se agregó"},
    {"audit baseline",
     "registrar en la auditoría los datos existentes"},
    {"audit entry %lld (%s %s): no epoch or position; the entry was altered",
     "entrada {1} de la auditoría ({2} {3}): no tiene época ni posición; la entrada fue alterada"},
    {"audit entry %lld (%s %s): unknown entry format %d; the entry was altered",
     "entrada {1} de la auditoría ({2} {3}): formato de entrada {4} desconocido; la entrada fue alterada"},
    {"audit entry %lld (%s %s): format %d after format %d entries of kiosk %s; the entry was altered or slipped in",
     "entrada {1} de la auditoría ({2} {3}): formato {4} después de entradas de formato {5} del quiosco {6}; la entrada fue alterada o intercalada"},
    {"audit entry %lld (%s %s): the first entry of kiosk %s does not start the chain; entries before it were removed",
     "entrada {1} de la auditoría ({2} {3}): la primera entrada del quiosco {4} no inicia la cadena; se eliminaron entradas anteriores"},
    {"audit entry %lld (%s %s): position %lld after %lld; an entry was removed or slipped in",
     "entrada {1} de la auditoría ({2} {3}): posición {4} después de la {5}; se eliminó o intercaló una entrada"},
    {"audit entry %lld: epoch %s of kiosk %s starts at position %lld, but the entry it continues (position %lld) is not in this database",
     "entrada {1} de la auditoría: la época {2} del quiosco {3} empieza en la posición {4}, pero la entrada que continúa (posición {5}) no está en esta base de datos"},
    {"audit entry %lld: this database's epoch does not continue from its recorded base (position %lld); the chain or the settings were altered",
     "entrada {1} de la auditoría: la época de esta base de datos no continúa desde su base registrada (posición {2}); se alteraron la cadena o los ajustes"},
    {"this database's epoch starts from position %lld of epoch %s, which this database does not hold",
     "la época de esta base de datos parte de la posición {1} de la época {2}, que esta base de datos no contiene"},
    {"audit entry %lld: this version of %s %s changes %s; the program never does, the entry was forged",
     "entrada {1} de la auditoría: esta versión de {2} {3} cambia {4}; el programa nunca lo hace, la entrada fue falsificada"},
    {"more than the event's state",
     "algo más que el estado del evento"},
    {"the employee number",
     "el número de empleado"},
    {"audit entry %lld: %s %s has a second entry; a record is written once",
     "entrada {1} de la auditoría: {2} {3} tiene una segunda entrada; un registro se escribe una sola vez"},
    {"%s %s reuses the UUID of a %s record; a row was added outside the program",
     "{1} {2} reutiliza el UUID de un registro de tipo {3}; se agregó una fila por fuera del programa"},
    {"%s %s has an unregistered UUID; a row was added outside the program",
     "{1} {2} tiene un UUID no registrado; se agregó una fila por fuera del programa"},
    {"%lld records of kiosk %s have a malformed folio; they were altered",
     "{1} registros del quiosco {2} tienen un folio mal formado; fueron alterados"},
    {"folio %s-%06lld is missing: a record of this kiosk was deleted",
     "falta el folio {1}-{2}: se eliminó un registro de este quiosco"},
    {"folios %s-%06lld to %s-%06lld are missing: the newest records of this kiosk were deleted",
     "faltan los folios {1}-{2} a {3}-{4}: se eliminaron los registros más recientes de este quiosco"},
    {"the folio counter (%lld) is behind this kiosk's last folio (%lld); the settings were altered",
     "el contador de folios ({1}) está por detrás del último folio de este quiosco ({2}); se alteraron los ajustes"},
    {"%s: kiosk %s signed another entry at position %lld; this database continues a copy made at position %lld (restored from a backup made before that signature), so the signed record is not in it — or the chain was rewritten",
     "{1}: el quiosco {2} firmó otra entrada en la posición {3}; esta base de datos continúa una copia hecha en la posición {4} (se restauró de un respaldo anterior a esa firma), así que el registro firmado no está en ella — o la cadena se reescribió"},
    {"%s: kiosk %s signed another entry at position %lld after this database had gone on from a copy made at "
     "position %lld (that restore did not lose it): entries were deleted or the chain was rewritten",
     "{1}: el quiosco {2} firmó otra entrada en la posición {3} cuando esta base de datos ya había seguido a partir "
     "de una copia hecha en la posición {4} (esa restauración no la perdió): se borraron entradas o se reescribió "
     "la cadena"},
    {"%s: kiosk %s signed another entry at position %lld; this database claims to continue a copy made at position %lld, but no signed head covers that position (no backup was made there): entries were deleted or the chain was rewritten",
     "{1}: el quiosco {2} firmó otra entrada en la posición {3}; esta base de datos dice continuar una copia hecha en la posición {4}, pero ninguna cabeza firmada cubre esa posición (no se hizo ahí ningún respaldo): se borraron entradas o se reescribió la cadena"},
    {"%s: kiosk %s signed another entry at position %lld; this chain was rewritten",
     "{1}: el quiosco {2} firmó otra entrada en la posición {3}; esta cadena fue reescrita"},
    {"%s: kiosk %s signed position %lld, but this database's chain of that kiosk%s ends at %lld: entries were deleted, or the database is an older copy",
     "{1}: el quiosco {2} firmó la posición {3}, pero la cadena de ese quiosco en esta base de datos{4} termina en la {5}: se eliminaron entradas, o la base de datos es una copia anterior"},
    {" in that epoch",
     " en esa época"},
    {"further on",
     "más adelante"},
    {"with another entry",
     "con otra entrada"},
    {"signed head from %s",
     "la cabeza firmada de {1}"},
    {"receipt %s",
     "el comprobante {1}"},
    {"signed head (%s) kept in the database",
     "la cabeza firmada ({1}) guardada en la base de datos"},
    {"a stored signed head of kiosk %s (position %lld, %s) has a bad signature: it was forged or damaged",
     "una cabeza firmada guardada del quiosco {1} (posición {2}, {3}) tiene una firma no válida: fue falsificada o dañada"},
    {"audit entry %lld: entries of kiosk %s, whose public key this database does not hold; they were added outside the program",
     "entrada {1} de la auditoría: entradas del quiosco {2}, cuya llave pública no está en esta base de datos; se agregaron por fuera del programa"},
    {"person %s (employee %s): the canonical employee number the lookups use was changed outside the program",
     "persona {1} (empleado {2}): el número de empleado canónico con el que se busca se modificó por fuera del programa"},
    {"%s %s: its audit entry carries no signature of this kiosk's key (it was forged or altered outside the program); run: cepci-kiosk audit verify",
     "{1} {2}: su entrada de auditoría no lleva firma de la llave de este quiosco (se falsificó o alteró por fuera del programa); ejecute: cepci-kiosk audit verify"},
    {"audit entry %lld: the entries of kiosk %s up to position %lld carry no signature of its key; they were added outside the program",
     "entrada {1} de la auditoría: las entradas del quiosco {2} hasta la posición {3} no llevan firma de su llave; se agregaron por fuera del programa"},
    {"the newest entries of this kiosk's chain (up to position %lld) carry no signature of its key: they were written outside the program",
     "las entradas más recientes de la cadena de este quiosco (hasta la posición {1}) no llevan firma de su llave: se escribieron por fuera del programa"},
    {"this kiosk's chain carries no signed head although the kiosk has a key: its signed heads were removed, or it was written outside the program",
     "la cadena de este quiosco no lleva ninguna cabeza firmada aunque el quiosco tiene llave: se eliminaron sus cabezas firmadas, o se escribió por fuera del programa"},
    {"store the signed chain head",
     "guardar la cabeza firmada de la cadena"},
    {"register the person's UUID",
     "registrar el UUID de la persona"},
    {"%s: read-only copy with a pending %s file beside it; open it where it can be written (or copy the database with its %s file to a writable folder)",
     "{1}: copia de solo lectura con un archivo {2} pendiente junto a ella; ábrala donde se pueda escribir (o copie la base de datos con su archivo {3} a una carpeta con permiso de escritura)"},
    {"the setting %s is audited: it is set with a time (store_meta_set_at)",
     "el ajuste {1} se audita: se fija con una hora (store_meta_set_at)"},
    {"set temp store",
     "configurar el almacenamiento temporal"},
    {"unit",
     "unidad"},
    {"meta",
     "ajuste"},
    {"key",
     "llave pública"},
    {"sync",
     "sincronización"},
    {"%s does not hold this receipt's record: it was deleted with its audit entry, or the file is a copy from before it (a restore, a rollback); run: cepci-kiosk --db %s audit verify --head 'THE RECEIPT'",
     "{1} no tiene el registro de este comprobante: se borró junto con su entrada de auditoría, o el archivo es una copia anterior a él (una restauración, una vuelta atrás); ejecute: cepci-kiosk --db {2} audit verify --head 'EL COMPROBANTE'"},
    {"sync: a chain of another kiosk was not taken from there on, and the rest was received (sync --status lists it): %s",
     "sincronización: una cadena de otro quiosco no se tomó desde ese punto, y se recibió lo demás (sync --status la muestra): {1}"},
    {"sync: %lld chains of other kiosks were not taken from there on, and the rest was received (sync --status lists them); the first: %s",
     "sincronización: {1} cadenas de otros quioscos no se tomaron desde ese punto, y se recibió lo demás (sync --status las muestra); la primera: {2}"},
    {"kiosk %s, epoch %s: its head at position %lld has a bad signature; its entries after position %lld are not taken",
     "quiosco {1}, época {2}: su cabeza firmada en la posición {3} tiene una firma no válida (se envió con la contraseña de ese quiosco sin su llave); sus entradas después de la posición {4} no se toman"},
    {"reopen",
     "reapertura"},
    {"kept",
     "guardada sin aplicar (de otro quiosco)"},
    {"held",
     "apartada"},
    {"pending",
     "en espera"},
    {"applied",
     "aplicada"},
    {"lacks",
     "no la incluye"},
    {"misstates",
     "la registra mal"},
    {"the entries of other kiosks kept aside here were changed outside the program (they no longer match this kiosk's audit entry); nothing is synced over them; run: cepci-kiosk audit verify",
     "las entradas de otros quioscos apartadas aquí se modificaron por fuera del programa (ya no coinciden con la entrada de auditoría de este quiosco); no se sincroniza nada sobre ellas; ejecute: cepci-kiosk audit verify"},
    {"audit entry %lld (%s %s of kiosk %s): the sync's tables mark it %s, which its kiosk or kind rules out; they were changed outside the program",
     "entrada {1} de la auditoría ({2} {3} del quiosco {4}): las tablas de la sincronización la marcan como {5}, lo que su quiosco o su tipo descartan; se modificaron por fuera del programa"},
    {"audit entry %lld (%s %s): the sync's index of other kiosks' versions %s it; it was changed outside the program",
     "entrada {1} de la auditoría ({2} {3}): el índice de versiones de otros quioscos {4}; se modificó por fuera del programa"},
    {"audit entry %lld: what the sync kept aside here (entries of other kiosks held or waiting, chains not taken) no longer matches it; the sync's tables were changed outside the program",
     "entrada {1} de la auditoría: lo que la sincronización apartó aquí (entradas de otros quioscos retenidas o en espera, cadenas no tomadas) ya no coincide con ella; las tablas de la sincronización se modificaron por fuera del programa"},
    {"this database holds entries of other kiosks and no entry of its own chain covers what the sync decided about them; the sync's tables were changed outside the program",
     "esta base de datos tiene entradas de otros quioscos y ninguna entrada de su propia cadena cubre lo que la sincronización decidió sobre ellas; las tablas de la sincronización se modificaron por fuera del programa"},
    {"write",
     "escritura"},
    {"shown",
     "mostrada"},
    {"backup",
     "respaldo"},
    {"export",
     "exportación"},
};

#define ES_N (sizeof TABLE / sizeof *TABLE)
#define ES_MAXCAP 9

/* Length of the printf directive at p ('%' ... conversion), 0 if none. */
static size_t directive(const char *p)
{
    if (p[0] != '%' || p[1] == '%' || !p[1])
        return 0;
    size_t i = 1;
    while (p[i] && strchr("-+ #0", p[i]))
        i++;
    while (p[i] >= '0' && p[i] <= '9')
        i++;
    if (p[i] == '.') {
        i++;
        while (p[i] >= '0' && p[i] <= '9')
            i++;
    }
    while (p[i] && strchr("hlzjt", p[i]))
        i++;
    return p[i] ? i + 1 : 0;
}

/* Fixed characters of a format: the more, the more specific. */
static size_t fixed_len(const char *p)
{
    size_t n = 0;
    while (*p) {
        size_t d = directive(p);
        if (d) {
            p += d;
        } else {
            p += *p == '%' && p[1] == '%' ? 2 : 1;
            n++;
        }
    }
    return n;
}

/* Matches all of s against format p; each directive matches any text
 * (shortest first). caps/lens get what they matched. */
static int match(const char *p, const char *s, const char **caps, size_t *lens, int *n)
{
    while (*p) {
        size_t d = directive(p);
        if (d) {
            if (*n >= ES_MAXCAP)
                return 0;
            int k = (*n)++;
            int number = strchr("diuxX", p[d - 1]) != NULL; /* a number matches digits only */
            for (size_t len = 0;; len++) {
                if (number && len > 0 && !strchr("-0123456789abcdefABCDEF", s[len - 1]))
                    break;
                /* A directive followed by more text takes no ": ": that is
                 * an outer message's prefix ("audit chain BROKEN: key X is
                 * not in the audit log; ..." is the outer format with the
                 * inner one nested, not the inner one with "audit chain
                 * BROKEN: key" as its first word). */
                if (p[d] && len >= 2 && s[len - 2] == ':' && s[len - 1] == ' ')
                    break;
                /* (nor does it end at one) */
                if (!(p[d] == ' ' && len >= 1 && s[len - 1] == ':')) {
                    caps[k] = s;
                    lens[k] = len;
                    int saved = *n;
                    if (match(p + d, s + len, caps, lens, n))
                        return 1;
                    *n = saved;
                }
                if (!s[len])
                    break;
            }
            (*n)--;
            return 0;
        }
        char want = *p == '%' && p[1] == '%' ? '%' : *p;
        if (*s != want)
            return 0;
        p += *p == '%' && p[1] == '%' ? 2 : 1;
        s++;
    }
    return *s == '\0';
}

/* The table's indices, most specific format first (computed once). */
static const int *order(void)
{
    static int idx[ES_N];
    static int done;
    if (!done) {
        for (size_t i = 0; i < ES_N; i++)
            idx[i] = (int)i;
        for (size_t i = 1; i < ES_N; i++) { /* insertion sort, stable */
            int v = idx[i];
            size_t j = i;
            while (j > 0 && fixed_len(TABLE[idx[j - 1]].en) < fixed_len(TABLE[v].en)) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = v;
        }
        done = 1;
    }
    return idx;
}

/* Appends n bytes of s to out[*o..outlen). */
static void put(char *out, size_t outlen, size_t *o, const char *s, size_t n)
{
    if (*o + 1 >= outlen)
        return;
    if (n > outlen - 1 - *o)
        n = outlen - 1 - *o;
    memcpy(out + *o, s, n);
    *o += n;
    out[*o] = '\0';
}

static int translate(const char *msg, char *out, size_t outlen, int whole_only, int depth);

/* Translates msg if it matches a format whole. 1 when it did. */
static int translate_whole(const char *msg, char *out, size_t outlen, int depth)
{
    const int *idx = order();
    for (size_t t = 0; t < ES_N; t++) {
        const es_pair *e = &TABLE[idx[t]];
        const char *caps[ES_MAXCAP];
        size_t lens[ES_MAXCAP], o = 0;
        int n = 0;
        if (!match(e->en, msg, caps, lens, &n))
            continue;
        out[0] = '\0';
        for (const char *q = e->es; *q;) {
            if (q[0] == '{' && q[1] >= '1' && q[1] <= '9' && q[2] == '}') {
                int k = q[1] - '1';
                if (k < n) {
                    char *cap = malloc(lens[k] + 1), sub[1024];
                    if (cap) {
                        memcpy(cap, caps[k], lens[k]);
                        cap[lens[k]] = '\0';
                        if (depth < 3 && translate(cap, sub, sizeof sub, 0, depth + 1))
                            put(out, outlen, &o, sub, strlen(sub));
                        else
                            put(out, outlen, &o, cap, lens[k]);
                        free(cap);
                    }
                }
                q += 3;
                continue;
            }
            put(out, outlen, &o, q, 1);
            q++;
        }
        return 1;
    }
    return 0;
}

static int translate(const char *msg, char *out, size_t outlen, int whole_only, int depth)
{
    if (translate_whole(msg, out, outlen, depth))
        return 1;
    if (whole_only)
        return 0;
    /* A prefix ("FILE:LINE: ", "what: "), then a known message. */
    for (const char *c = strstr(msg, ": "); c; c = strstr(c + 1, ": ")) {
        char rest[2048];
        if (!translate_whole(c + 2, rest, sizeof rest, depth))
            continue;
        size_t o = 0, plen = (size_t)(c - msg);
        char *prefix = malloc(plen + 1), sub[512];
        out[0] = '\0';
        if (!prefix)
            return 0;
        memcpy(prefix, msg, plen);
        prefix[plen] = '\0';
        if (depth < 3 && translate(prefix, sub, sizeof sub, 1, depth + 1))
            put(out, outlen, &o, sub, strlen(sub));
        else
            put(out, outlen, &o, prefix, plen);
        free(prefix);
        put(out, outlen, &o, ": ", 2);
        put(out, outlen, &o, rest, strlen(rest));
        return 1;
    }
    return 0;
}

const char *cli_es(const char *msg, char *out, size_t outlen)
{
    if (!msg || outlen == 0)
        return msg ? msg : "";
    if (!translate(msg, out, outlen, 0, 0))
        snprintf(out, outlen, "%s", msg);
    return out;
}
