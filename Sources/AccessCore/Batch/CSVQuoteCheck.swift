/// Checks the quoting of RFC 4180 text and says where it breaks. The CSV library reads the fields but
/// silently tolerates stray quotes (it even drops the character after one), so every file is checked
/// here first: a quote inside an unquoted field, text after a closing quote, a quote never closed.
enum CSVQuoteCheck {
    struct Problem: Equatable {
        var row: Int, column: Int, message: String
    }

    static func check(_ text: String) -> Problem? {
        enum State { case fieldStart, unquoted, quoted, afterQuote }
        let scalars = Array(text.unicodeScalars)
        var state = State.fieldStart
        var row = 1, column = 1, openedRow = 1, openedColumn = 1
        var i = 0
        func newline(_ c: Unicode.Scalar) -> Bool {
            guard c == "\r" || c == "\n" else { return false }
            if c == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
            row += 1; column = 1; state = .fieldStart
            return true
        }
        while i < scalars.count {
            let c = scalars[i]
            switch state {
            case .fieldStart, .unquoted:
                if c == "\"" {
                    guard state == .fieldStart else { return Problem(row: row, column: column, message: "quote inside an unquoted field") }
                    state = .quoted; openedRow = row; openedColumn = column
                } else if c == "," {
                    column += 1; state = .fieldStart
                } else if !newline(c) {
                    state = .unquoted
                }
            case .quoted:
                if c == "\"" { state = .afterQuote }
            case .afterQuote:
                if c == "\"" {
                    state = .quoted
                } else if c == "," {
                    column += 1; state = .fieldStart
                } else if !newline(c) {
                    return Problem(row: row, column: column, message: "text after the closing quote of a quoted field")
                }
            }
            i += 1
        }
        if state == .quoted { return Problem(row: openedRow, column: openedColumn, message: "quoted field never closed") }
        return nil
    }
}
