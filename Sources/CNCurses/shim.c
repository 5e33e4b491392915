#include "CNCurses.h"
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <fcntl.h>

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

static volatile sig_atomic_t cnc_active = 0;
static int cnc_saved_stderr = -1;

int cnc_redirect_stderr(const char *path) {
    if (cnc_saved_stderr >= 0) return cnc_saved_stderr;
    int target = open(path, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (target < 0) return -1;
    cnc_saved_stderr = dup(2);
    dup2(target, 2);
    close(target);
    return cnc_saved_stderr;
}

void cnc_restore_stderr(void) {
    if (cnc_saved_stderr < 0) return;
    dup2(cnc_saved_stderr, 2);
    close(cnc_saved_stderr);
    cnc_saved_stderr = -1;
}

void cnc_end(void) {
    if (cnc_active) {
        cnc_active = 0;
        endwin();
    }
    cnc_restore_stderr();
}

static void cnc_on_exit(void) { cnc_end(); }

// Restores the terminal, then lets the signal do what it would have done (exit, core dump).
static void cnc_on_signal(int sig) {
    cnc_end();
    signal(sig, SIG_DFL);
    raise(sig);
}

int cnc_begin(int escdelay_ms, int timeout_ms, int want_color) {
    setlocale(LC_ALL, "");
    set_escdelay(escdelay_ms);
    if (initscr() == NULL) return -1;
    cnc_active = 1;
    atexit(cnc_on_exit);
    int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE };
    for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++) signal(sigs[i], cnc_on_signal);
    cbreak();
    noecho();
    nonl();
    keypad(stdscr, TRUE);
    timeout(timeout_ms);
    curs_set(0);
    int color = 0;
    if (want_color && has_colors()) {
        start_color();
        use_default_colors();
        color = 1;
    }
    return color;
}

int cnc_read_key(uint32_t *value) {
    wint_t ch = 0;
    int r = get_wch(&ch);
    if (r == ERR) return CNC_KEY_NONE;
    if (r == KEY_CODE_YES) {
        if (ch == KEY_RESIZE) return CNC_KEY_RESIZE;
        if (ch >= KEY_F0 && ch <= KEY_F(63)) { *value = (uint32_t)(ch - KEY_F0); return CNC_KEY_FUNCTION; }
        switch (ch) {
        case KEY_UP: *value = CNC_SK_UP; break;
        case KEY_DOWN: *value = CNC_SK_DOWN; break;
        case KEY_LEFT: *value = CNC_SK_LEFT; break;
        case KEY_RIGHT: *value = CNC_SK_RIGHT; break;
        case KEY_PPAGE: *value = CNC_SK_PGUP; break;
        case KEY_NPAGE: *value = CNC_SK_PGDN; break;
        case KEY_HOME: *value = CNC_SK_HOME; break;
        case KEY_END: *value = CNC_SK_END; break;
        case KEY_ENTER: *value = CNC_SK_ENTER; break;
        case KEY_BTAB: *value = CNC_SK_BTAB; break;
        case KEY_BACKSPACE: *value = CNC_SK_BACKSPACE; break;
        case KEY_DC: *value = CNC_SK_DELETE; break;
        case KEY_IC: *value = CNC_SK_INSERT; break;
        default: *value = CNC_SK_UNKNOWN; break;
        }
        return CNC_KEY_SPECIAL;
    }
    *value = (uint32_t)ch;
    return CNC_KEY_CHAR;
}

int cnc_put_cell(int y, int x, const uint32_t *scalars, int count, int style, short pair) {
    wchar_t w[CCHARW_MAX + 1];
    int n = count < CCHARW_MAX ? count : CCHARW_MAX;
    for (int i = 0; i < n; i++) w[i] = (wchar_t)scalars[i];
    w[n] = 0;
    attr_t attrs = A_NORMAL;
    if (style & CNC_BOLD) attrs |= A_BOLD;
    if (style & CNC_REVERSE) attrs |= A_REVERSE;
    if (style & CNC_UNDERLINE) attrs |= A_UNDERLINE;
    if (style & CNC_DIM) attrs |= A_DIM;
    cchar_t cc;
    if (setcchar(&cc, w, attrs, pair, NULL) == ERR) return ERR;
    return mvadd_wch(y, x, &cc);
}

int cnc_init_pair(short pair, short fg, short bg) { return init_pair(pair, fg, bg); }
int cnc_color_pairs(void) { return COLOR_PAIRS; }
int cnc_refresh(void) { return refresh(); }
int cnc_clear(void) { return clear(); }

int cnc_write_raw(const char *bytes, int len) {
    int done = 0;
    while (done < len) {
        ssize_t n = write(STDOUT_FILENO, bytes + done, (size_t)(len - done));
        if (n <= 0) return -1;
        done += (int)n;
    }
    return done;
}
void cnc_set_timeout(int ms) { timeout(ms); }
