/* palette.h — the colours of the exported documents, named in one place
 * (as dwm's config.def.h names its tunables). 0xRRGGBB, for
 * export_pdf_rgb() and the XLSX formats. Change a colour here and every
 * writer follows; the institution's own accent (config "accent") replaces
 * PALETTE_ACCENT where a document shows it. Text colours are dark enough
 * on white paper and on the light bands below for printing in grey. */
#ifndef CK_PALETTE_H
#define CK_PALETTE_H

/* Paper and text. */
#define PALETTE_PAPER        0xFFFFFF  /* page; the QR code's light modules */
#define PALETTE_QR           0x000000  /* the QR code's dark modules */
#define PALETTE_INK          0x111111  /* body text, titles, signature lines */
#define PALETTE_INK_SOFT     0x333333  /* committee, subtitles, dates of a running head */
#define PALETTE_NOTE         0x444444  /* footnotes, italics, footer text */
#define PALETTE_FAINT        0x777777  /* the folio under a drawn signature */
#define PALETTE_LABEL        0x5A6472  /* small capital labels over values; chart axes */
#define PALETTE_GUEST        0x7A4B00  /* "Persona invitada" in a list */
#define PALETTE_SIGNATURE    0x14246B  /* ink of a signature drawn from its strokes */

/* Structure. */
#define PALETTE_ACCENT       0x1F5C99  /* letterhead title and rule when config has no accent */
#define PALETTE_HEAD_BAND    0xE4E9F0  /* background of a table's header */
#define PALETTE_HEAD_INK     0x1B2430  /* text of a table's header; the rules around it */
#define PALETTE_ROW_ALT      0xF5F7FA  /* every other row of a table */
#define PALETTE_ROW_RULE     0xB8C0CA  /* the rule under each row */
#define PALETTE_FOOTER_RULE  0x888888  /* the rule over the page footer */
#define PALETTE_BOX          0x9AA5B1  /* outline of the event block */
#define PALETTE_CARD         0xF4F6F9  /* background of an indicator card */
#define PALETTE_XLSX_HEAD    0xDCE3EC  /* background of a spreadsheet's header row */

/* Meaning. */
#define PALETTE_GOOD         0x2E7D32  /* a goal met */
#define PALETTE_BAD          0xC62828  /* a goal not met */
#define PALETTE_AUDIT_OK     0x1E6B33  /* the audit chain verifies */
#define PALETTE_AUDIT_BROKEN 0xB00020  /* the audit chain is broken */
#define PALETTE_PRELIMINARY  0xB00020  /* "PRELIMINAR" on every page of a list that may still change */
#define PALETTE_WATERMARK    0xF3DCE0  /* the large "PRELIMINAR" behind such a page */

/* Charts. */
#define PALETTE_TRAINED      0x1F5C99  /* series: people trained (I.1) */
#define PALETTE_PLEDGED      0x8E3B9E  /* series: people who signed the Carta (IV.3) */
#define PALETTE_GRID         0xD5DAE1  /* grid lines */
#define PALETTE_BAR_TRACK    0xE9ECEF  /* the empty part of a progress bar */

#endif
