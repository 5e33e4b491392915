import Foundation

/// Appends JSON tokens to a byte buffer. The snapshot writer uses it instead of JSONEncoder, which is
/// far too slow for 100k users on Linux (seconds rather than a fraction of one).
struct JSONWriter {
    var bytes: [UInt8] = []

    init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    mutating func raw(_ data: Data) { bytes.append(contentsOf: data) }

    mutating func key(_ name: StaticString) {
        bytes.append(0x22); raw(name); bytes.append(0x22); bytes.append(0x3A)
    }

    mutating func string(_ text: String) {
        var text = text
        text.withUTF8 { escape($0) }
    }

    mutating func string(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    mutating func date(_ date: Date?) {
        guard let date else { raw("null"); return }
        bytes.append(0x22); SnapshotDate.write(date, into: &bytes); bytes.append(0x22)
    }

    mutating func bool(_ value: Bool) { value ? raw("true") : raw("false") }

    mutating func int(_ value: Int) { bytes.append(contentsOf: String(value).utf8) }

    private mutating func escape(_ utf8: UnsafeBufferPointer<UInt8>) {
        bytes.append(0x22)
        for c in utf8 {
            switch c {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)
            case 0x09: bytes.append(0x5C); bytes.append(0x74)
            case 0..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(c >> 4)], hex[Int(c & 15)]])
            default: bytes.append(c)
            }
        }
        bytes.append(0x22)
    }
}
