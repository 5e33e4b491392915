#ifndef CNCURSES_H
#define CNCURSES_H
#ifndef _XOPEN_SOURCE_EXTENDED
#define _XOPEN_SOURCE_EXTENDED 1
#endif
#ifndef NCURSES_WIDECHAR
#define NCURSES_WIDECHAR 1
#endif
#include <locale.h>
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
#endif
