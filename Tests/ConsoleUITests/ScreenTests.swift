import Testing
@testable import ConsoleUI

@Suite struct ScreenTests {
    @Test func wideCharactersTakeTwoCells() {
        var s = Screen(size: Size(width: 10, height: 1))
        let end = s.put("日本x", x: 0, y: 0)
        #expect(end == 5)
        #expect(s[0, 0].char == "日" && s[1, 0].isContinuation)
        #expect(s[4, 0].char == "x")
        #expect(s.text(row: 0) == "日本x     ")
        #expect(CharWidth.of("😀") == 2)
        #expect(CharWidth.of("e\u{301}") == 1)   // e + combining acute
        #expect(CharWidth.of("\u{200B}") == 0)
    }

    @Test func wideCharacterAtTheEdgeBecomesASpace() {
        var s = Screen(size: Size(width: 3, height: 1))
        s.put("ab日", x: 0, y: 0)
        #expect(s.text(row: 0) == "ab ")
        #expect(!s[2, 0].isContinuation)
    }

    @Test func controlCharactersAndEscapesAreShownNotSent() {
        var s = Screen(size: Size(width: 40, height: 1))
        s.put("evil\u{1b}]0;pwned\u{07}\u{9b}2J", x: 0, y: 0)
        let row = s.text(row: 0)
        #expect(row.hasPrefix("evil^[]0;pwned^G\\u{9b}2J"))
        #expect(!s.cells.contains { $0.char.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) } })
        #expect(Sanitize.text("a\u{202E}b") == "a\\u{202e}b")
        #expect(Sanitize.text("plain ascii") == "plain ascii")
    }

    @Test func fitCutsByColumnsWithEllipsis() {
        #expect(Text.fit("abcdef", width: 4) == "abc…")
        #expect(Text.fit("ab", width: 4) == "ab  ")
        #expect(Text.fit("ab", width: 4, alignRight: true) == "  ab")
        #expect(CharWidth.of(Text.fit("日本語テキスト", width: 7)) == 7)
    }

    @Test func clippedDrawingStaysInsideItsRect() {
        var s = Screen(size: Size(width: 10, height: 2))
        s.put("0123456789", x: 2, y: 1, style: .plain, clip: Rect(x: 2, y: 1, width: 3, height: 1))
        #expect(s.lines == ["", "  012"])
        s.put("off screen", x: -5, y: 7)
        s.put("xyz", x: 8, y: 0)
        #expect(s.lines[0] == "        xy")
    }

    @Test func sanitizedUsernameInTableNeverReachesTheScreenRaw() {
        var st = Fixture.state()
        let snap = Fixture.snapshot { $0[0].apply(.upsertUser(Fixture.user("x\u{1b}[31mred", days: 10))) }
        _ = ConsoleReducer.reduce(&st, .result(.loadOverview, .overview(snap)))
        let screen = st.screen
        #expect(screen.contains("x^[[31mred"))
        #expect(!screen.text.contains("\u{1b}"))
    }
}
