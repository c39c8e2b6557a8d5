/* export_labels.h — the words the documents use for the program's codes:
 * event kinds, topics, states, and how a record was made. One label per
 * code, with one capitalisation, wherever it is shown (PDF, CSV, XLSX, the
 * command line's documents). Not a public interface: other modules use
 * export.h. */
#ifndef CK_EXPORT_LABELS_H
#define CK_EXPORT_LABELS_H

#include <stddef.h>
#include <time.h>

#include "evidence.h"   /* export_slug, export_event_filename */

/* "taller" -> "Taller", "protesta" -> "Protesta del Código de Conducta";
 * an unknown code is returned as it is. */
const char *export_kind_label(const char *kind);
/* "conflicto-intereses" -> "Prevención de conflictos de intereses". */
const char *export_topic_label(const char *topic);
/* A comma-separated list of topic codes as labels joined by ", ". */
void export_topics_text(const char *topics, char *out, size_t outlen);
/* "draft" -> "Borrador", "open" -> "Abierto", "closed" -> "Cerrado". */
const char *export_state_label(const char *state);
/* How a record was made, as the lists say it (export_method_label:
 * "badge" -> "quiosco: gafete", "keyed" -> "lista en papel capturada",
 * ...); a row of a bulk import: "lista capturada de un archivo". */
const char *export_row_method_label(const char *method, int imported);
/* "foto" -> "fotografía", with the plural when n != 1 ("fotografías"). */
const char *export_attachment_label(const char *kind, int n);
/* "Anexos: 3 fotografías, 1 lista en papel escaneada" from the counts of
 * each kind (foto, lista, constancia, otro); "" when all are 0. */
void export_attachments_text(const int counts[4], char *out, size_t outlen);
/* Index of an attachment kind in the counts of export_attachments_text
 * (foto 0, lista 1, constancia 2, otro 3). */
int export_attachment_kind_index(const char *kind);

/* The line that says which clock a document's hours are on, in words:
 * "Horas en tiempo del centro de México" for America/Mexico_City (and the
 * other zones of central time), the south-east, Pacific and north-west
 * zones by name; another zone: "Horas en la zona horaria <tz>". */
void export_tz_text(const char *tz, char *out, size_t outlen);

/* The day a row typed in from a paper list (method "keyed") took place,
 * "dd/mm/aaaa": the local day of its time (at_local) when it falls within
 * the event's days (start .. end, 'YYYY-MM-DD...'; end may be ""), else the
 * event's first day (a list typed in after the event: its time is the
 * typing, not the attendance). */
void export_keyed_day(const struct tm *at_local, const char *start, const char *end, char *out, size_t outlen);

#endif
