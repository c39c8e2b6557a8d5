/* theme.h — the kiosk's look in one place, as dwm's config.def.h: the type
 * scale, spacing, touch targets and colours. Every screen takes its sizes
 * from here (through ui_font / ui_px, which scale them); a screen's
 * one-off geometry (a column's width, a breakpoint) stays in the screen.
 *
 * Sizes are design pixels for a screen whose short side is
 * THEME_DESIGN_PX: ui_px() scales them to the real screen, ui_font() also
 * by the larger-text factor. tests/test_ui.c checks the SPEC's minimums
 * against this file: body text >= 28 px and button labels >= 36 px at
 * 1080 px, touch targets >= 9 mm, text contrast >= 4.5:1.
 */
#ifndef CK_THEME_H
#define CK_THEME_H

#define THEME_DESIGN_PX 1080    /* the short side the sizes below are for */
#define THEME_LARGE_TEXT 1.25f  /* text size factor of the "Letra grande" toggle */

/* ---- type scale (text pixel sizes) ---- */
#define THEME_TEXT_DISPLAY 72     /* the attract loop's message title */
#define THEME_TEXT_HERO 64        /* the person's name on "¿Es usted…?" */
#define THEME_TEXT_HEADLINE 52    /* the outcome on the done screen */
#define THEME_TEXT_TITLE 48       /* a screen's title line (app_title) */
#define THEME_TEXT_LARGE 44       /* typed text, the clock, event card titles, attract text */
#define THEME_TEXT_SUBTITLE 40    /* "¿Es usted…?", name and folio when done, the attract invitation */
#define THEME_TEXT_BUTTON 40      /* button and key labels, as large as they fit */
#define THEME_TEXT_BUTTON_MIN 36  /* button labels never smaller (SPEC), larger text included */
#define THEME_TEXT_HEADING 36     /* the header's title, names in lists, prompts */
#define THEME_TEXT_LEAD 34        /* the institution on the attract loop, event titles (coordinator) */
#define THEME_TEXT_BODY_LARGE 32  /* banners, instructions, placeholders, the Carta, print status */
#define THEME_TEXT_BODY 30        /* body text; the header's title shrinks down to this */
#define THEME_TEXT_TOGGLE 30      /* the larger-text toggle's own label (never enlarged) */
#define THEME_TEXT_CAPTION 28     /* place and date in the header, second lines of rows, captions */
#define THEME_TEXT_MIN 28         /* no text is smaller (SPEC: body text >= 28 px) */

/* ---- spacing ---- */
#define THEME_MARGIN 48           /* the screen's margin (app_margin) */
#define THEME_SPACE_XL 40         /* inside the record card; around the attract title */
#define THEME_GAP_FLOW 28         /* above the buttons of the check-in screens; between event cards */
#define THEME_GAP 24              /* between blocks and between buttons */
#define THEME_PAD 24              /* inside banners, fields, rows and tools */
#define THEME_GAP_FORM 20         /* between the quick event form's buttons */
#define THEME_SPACE_M 16          /* after a paragraph; between coordinator rows and tabs */
#define THEME_SPACE_S 12          /* between search results; a text under its button */
#define THEME_SPACE_XS 8          /* between a line and the next */

/* ---- shapes ---- */
#define THEME_RADIUS_CARD 18      /* event cards, the record card, panels */
#define THEME_RADIUS_BUTTON 14    /* buttons */
#define THEME_RADIUS 12           /* fields, rows, banners, the logo's plate */
#define THEME_RADIUS_KEY 10       /* keys of the on-screen keyboards */
#define THEME_LINE_BOLD 3         /* the ring of a field or of a secondary button */
#define THEME_LINE 2              /* outlines of lists and pads */

/* ---- touch targets ---- */
#define THEME_TOUCH_MM 9          /* SPEC: nothing to touch is smaller */
#define THEME_PANEL_PPI 150       /* densest panel checked: 10.1" at 1280x800 (149 ppi) */
#define THEME_BUTTON_H_HOME 150   /* "Firmar Carta Compromiso" on home */
#define THEME_HEADER_H 132        /* the header (landscape; it grows to fit its text) */
#define THEME_BUTTON_H 130        /* the action buttons at the bottom of a screen */
#define THEME_BUTTON_H_FORM 120   /* the actions of forms (PIN, guest, quick event) and tools */
#define THEME_FIELD_H 110         /* a text field; an event card's button; secondary actions */
#define THEME_TAB_H 100           /* tabs, and the buttons of coordinator rows */
#define THEME_BUTTON_H_SMALL 96   /* the quick event's kinds; a stacked event card's button */
#define THEME_LINK_H 88           /* the privacy-notice link on home */
#define THEME_TOGGLE_H 84         /* the larger-text toggle in the header */

/* ---- colours (0xRRGGBB) ---- */
#define THEME_ACCENT 0x1F5C99     /* the default accent ([institution] accent sets it) */
#define THEME_ACCENT_CONTRAST 4.6 /* a configured accent is darkened until white on it reaches this */
#define THEME_ACCENT_SOFT 0.88    /* accent_soft: the accent mixed this far towards white */
#define THEME_PRESSED 0.35        /* pressed: the accent (or danger) mixed this far towards black */
#define THEME_BG 0xF3F4F6         /* the screen */
#define THEME_SURFACE 0xFFFFFF    /* cards, fields, keys, the logo's plate */
#define THEME_INK 0x16191D        /* text */
#define THEME_MUTED 0x4A5059      /* secondary text, placeholders, disabled labels */
#define THEME_ON_ACCENT 0xFFFFFF  /* text on the accent */
#define THEME_BORDER 0xB8BEC7     /* outlines, key shadows, the signature line */
#define THEME_DANGER 0xB3261E     /* failures, "Cerrar", "Cerrar el quiosco" */
#define THEME_OK 0x1B6E2F         /* success */
#define THEME_DISABLED 0xDADDE2   /* a disabled primary button */
#define THEME_KEY_ALT 0xE4E7EB    /* "Borrar" and "Espacio" keys; indicator bar tracks */
#define THEME_SIGNATURE 0x0B1F44  /* the signature's ink */
#define THEME_ERROR_BG 0xFDECEA   /* an error banner */
#define THEME_ERROR_FG 0x8C1D18   /* its text and stripe */
#define THEME_NOTICE_BG 0xE7F4EA  /* a notice banner */
#define THEME_NOTICE_FG 0x14532D  /* its text and stripe */
#define THEME_WARN_BG 0xFFF4D6    /* the idle countdown */
#define THEME_WARN_LINE 0x8A5A00  /* its frame and bar */
#define THEME_WARN_FG 0x5C3C00    /* its text */

#endif
