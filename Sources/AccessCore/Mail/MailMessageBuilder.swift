import Foundation

/// Builds the RFC 5322 text of one HTML mail. Pure apart from the date and id passed in.
public enum MailMessageBuilder {
    /// A plain `local@domain` address, nothing that could break out of a header or an SMTP command.
    public static func checkAddress(_ address: String, field: String) throws -> String {
        if HeaderSafety.hasLineBreak(address) { throw MailError.unsafeHeader(field: field) }
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        let parts = trimmed.split(separator: "@", omittingEmptySubsequences: false)
        let forbidden = CharacterSet(charactersIn: "<>()[]\\,;:\" \t").union(.controlCharacters)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              trimmed.unicodeScalars.allSatisfy({ !forbidden.contains($0) }) else {
            throw MailError.invalidAddress(field: field, value: trimmed)
        }
        return trimmed
    }

    /// A sender as config.json writes it: a bare address, or `Display Name <address>` (the name may be quoted).
    public static func checkSender(_ sender: String, field: String) throws -> (name: String?, address: String) {
        if HeaderSafety.hasLineBreak(sender) { throw MailError.unsafeHeader(field: field) }
        let trimmed = sender.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") else { return (nil, try checkAddress(trimmed, field: field)) }
        let address = try checkAddress(String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)]), field: field)
        var name = trimmed[..<open].trimmingCharacters(in: .whitespaces)
        if name.count >= 2, name.hasPrefix("\""), name.hasSuffix("\"") { name = String(name.dropFirst().dropLast()) }
        guard !name.contains("\""), !name.contains("\\") else { throw MailError.invalidAddress(field: field, value: trimmed) }
        return (name.isEmpty ? nil : name, address)
    }

    public static func build(from sender: String, message: MailMessage, date: Date, messageId: String) throws -> String {
        let (name, from) = try checkSender(sender, field: "from")
        let to = try checkAddress(message.to, field: "to")
        if HeaderSafety.hasLineBreak(message.subject) { throw MailError.unsafeHeader(field: "subject") }
        let domain = from.split(separator: "@").last.map(String.init) ?? "localhost"
        let body = Data(message.html.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        let headers = [
            "Date: \(rfc5322Date(date))",
            "From: \(name.map { encodeHeader($0) == $0 ? "\"\($0)\" " : "\(encodeHeader($0)) " } ?? "")<\(from)>",
            "To: <\(to)>",
            "Subject: \(encodeHeader(message.subject))",
            "Message-ID: <\(messageId)@\(domain)>",
            "MIME-Version: 1.0",
            "Content-Type: text/html; charset=utf-8",
            // Base64 keeps lines short and no line starts with a dot, whatever the HTML holds.
            "Content-Transfer-Encoding: base64",
        ]
        return headers.joined(separator: "\r\n") + "\r\n\r\n" + body + "\r\n"
    }

    /// ASCII text as is; anything else as an RFC 2047 encoded word.
    static func encodeHeader(_ text: String) -> String {
        if text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 0x20 }) { return text }
        return "=?UTF-8?B?\(Data(text.utf8).base64EncodedString())?="
    }

    static func rfc5322Date(_ date: Date) -> String { TimeText.rfc5322(date) }
}
