#ifndef CNCURSES_H
#define CNCURSES_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
#include <stdint.h>
#include <ncursesw/curses.h>

// Macros and variadic functions of curses are not visible to Swift; these wrappers are.
WINDOW *cnc_stdscr(void);
int cnc_lines(void);
int cnc_cols(void);
int cnc_colors(void);
int cnc_color_pair(int n);
int cnc_keypad(int on);
int cnc_set_escdelay(int ms);
int cnc_get_wch(wint_t *ch);
int cnc_mvadd_wchars(int y, int x, const wchar_t *text, int len, attr_t attrs, short pair);

// ---- typed session API used by ConsoleUI's terminal backend ----

/// Style bits for cnc_put_cell, mapped to curses attributes in C (A_BOLD etc. are macros).
enum {
    CNC_BOLD = 1, CNC_REVERSE = 2, CNC_UNDERLINE = 4, CNC_DIM = 8
};

/// Key kinds returned by cnc_read_key.
enum {
    CNC_KEY_NONE = 0,      // timeout: nothing pressed
    CNC_KEY_CHAR = 1,      // value = Unicode code point (control characters included)
    CNC_KEY_SPECIAL = 2,   // value = one of CNC_SK_*
    CNC_KEY_FUNCTION = 3,  // value = F-key number (1...63)
    CNC_KEY_RESIZE = 4
};
enum {
    CNC_SK_UP = 1, CNC_SK_DOWN, CNC_SK_LEFT, CNC_SK_RIGHT, CNC_SK_PGUP, CNC_SK_PGDN,
    CNC_SK_HOME, CNC_SK_END, CNC_SK_ENTER, CNC_SK_BTAB, CNC_SK_BACKSPACE, CNC_SK_DELETE,
    CNC_SK_INSERT, CNC_SK_UNKNOWN
};

/// Sends fd 2 to `path` (e.g. /dev/null) while curses owns the screen; returns the saved fd or -1.
int cnc_redirect_stderr(const char *path);
/// Puts stderr back (idempotent).
void cnc_restore_stderr(void);
/// setlocale(LC_ALL, ""), initscr, cbreak, noecho, keypad, ESC delay, key timeout, colours when wanted,
/// and handlers (atexit, SIGINT, SIGTERM, SIGHUP, crash signals) that restore the terminal.
/// Returns 1 when colours are in use.
int cnc_begin(int escdelay_ms, int timeout_ms, int want_color);
/// endwin (idempotent) and stderr restored.
void cnc_end(void);
/// Blocks up to the timeout given to cnc_begin for one key.
int cnc_read_key(uint32_t *value);
/// Changes how long cnc_read_key blocks (0 = not at all, used to drain pending input).
void cnc_set_timeout(int ms);
/// One cell: up to 4 code points (base + combining marks), style bits, colour pair.
int cnc_put_cell(int y, int x, const uint32_t *scalars, int count, int style, short pair);
/// Defines colour pair `pair` (fg/bg -1 = terminal default).
int cnc_init_pair(short pair, short fg, short bg);
int cnc_color_pairs(void);
int cnc_refresh(void);
int cnc_clear(void);
/// Writes raw bytes to the terminal (OSC 52 clipboard), bypassing curses.
int cnc_write_raw(const char *bytes, int len);
#endif
