import Foundation

/// A batch input file (CSV sheet or JSON dump) that cannot be used, with the place that is wrong:
/// one line, `FILE: row R, column C: what`. Nothing is written when one is thrown.
public struct InputFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    /// 1-based; for a CSV the record number (the header is row 1), for JSON the line.
    public var row: Int?
    /// 1-based field number (CSV) or character on the line (JSON).
    public var column: Int?
    public var message: String

    public init(file: String, row: Int? = nil, column: Int? = nil, _ message: String) {
        self.file = file; self.row = row; self.column = column; self.message = message
    }

    public var description: String {
        var place = file
        if let row { place += ": row \(row)" }
        if let column { place += ", column \(column)" }
        // File text quoted in the message must not move a terminal's cursor or break the line.
        let line = "\(place): \(message)".unicodeScalars.map { CharacterSet.controlCharacters.contains($0) ? "?" : Character($0) }
        return String(line)
    }
}
