#include "CNCurses.h"

WINDOW *cnc_stdscr(void) { return stdscr; }
int cnc_lines(void) { return LINES; }
int cnc_cols(void) { return COLS; }
int cnc_colors(void) { return COLORS; }
int cnc_color_pair(int n) { return COLOR_PAIR(n); }
int cnc_keypad(int on) { return keypad(stdscr, on ? TRUE : FALSE); }
int cnc_set_escdelay(int ms) { return set_escdelay(ms); }
int cnc_get_wch(wint_t *ch) { return get_wch(ch); }
int cnc_mvadd_wchars(int y, int x, const wchar_t *text, int len, attr_t attrs, short pair) {
    if (move(y, x) == ERR) return ERR;
    for (int i = 0; i < len; i++) {
        cchar_t cc;
        wchar_t w[2] = { text[i], 0 };
        setcchar(&cc, w, attrs, pair, NULL);
        add_wch(&cc);
    }
    return OK;
}
