import Foundation

/// An HTML mail template with `{{name}}` placeholders (spaces inside the braces allowed). Every value is
/// HTML-escaped; a placeholder with no value renders empty rather than leaking template syntax.
public struct MailTemplate: Sendable, Hashable {
    public let source: String

    public init(source: String) { self.source = source }

    /// The file at `email.template`, or the built-in invalid-username mail when unset.
    public static func load(path: String?) throws -> MailTemplate {
        guard let path, !path.isEmpty else { return .invalidUsername }
        do {
            return MailTemplate(source: try String(contentsOfFile: path, encoding: .utf8))
        } catch {
            throw MailError.notConfigured("email.template \(path) cannot be read: \(error.localizedDescription)")
        }
    }

    public func render(_ values: [String: String]) -> String {
        var output = ""
        var rest = source[...]
        while let open = rest.range(of: "{{") {
            output += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                rest = rest[open.lowerBound...]
                break
            }
            let name = rest[open.upperBound..<close.lowerBound].trimmingCharacters(in: .whitespaces)
            output += Self.escape(values[name] ?? "")
            rest = rest[close.upperBound...]
        }
        return output + rest
    }

    public static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// Placeholders: `name`, `username`, `product`, `transaction_id`, `support_email`.
    public static let invalidUsername = MailTemplate(source: """
    <!DOCTYPE html>
    <html><body style="font-family: sans-serif; line-height: 1.5">
    <p>Hello {{name}},</p>
    <p>Thank you for your purchase of <strong>{{product}}</strong> (order {{transaction_id}}).</p>
    <p>We could not find a TradingView account named <strong>{{username}}</strong>, so we cannot give you
    access to the scripts yet. Please reply to this mail with your exact TradingView username, as shown on
    your profile page (tradingview.com/u/YOUR_NAME/).</p>
    <p>Questions? Write to {{support_email}}.</p>
    </body></html>
    """)

    public static let defaultInvalidUsernameSubject = "Action needed: your TradingView username was not found"
}

extension MailTemplate {
    /// The built-in mail when a fix link can be offered (`server.public_base_url` set); placeholders as
    /// `invalidUsername` plus `fix_link`.
    public static let invalidUsernameWithLink = MailTemplate(source: """
    <!DOCTYPE html>
    <html><body style="font-family: sans-serif; line-height: 1.5">
    <p>Hello {{name}},</p>
    <p>Thank you for your purchase of <strong>{{product}}</strong> (order {{transaction_id}}).</p>
    <p>We could not find a TradingView account named <strong>{{username}}</strong>, so we cannot give you
    access to the scripts yet. You can correct it yourself here, and access follows at once:</p>
    <p><a href="{{fix_link}}">{{fix_link}}</a></p>
    <p>Your username is shown on your TradingView profile page (tradingview.com/u/YOUR_NAME/). The link
    works once and expires after a while; you can also reply to this mail with your exact username.</p>
    <p>Questions? Write to {{support_email}}.</p>
    </body></html>
    """)

    /// A custom template that has no `{{fix_link}}` gets the link as a last paragraph, so setting
    /// `public_base_url` is enough for every template to carry it.
    func withFixLinkParagraph() -> MailTemplate {
        if source.contains("fix_link") { return self }
        let paragraph = "<p>Correct your TradingView username here: <a href=\"{{fix_link}}\">{{fix_link}}</a></p>\n"
        if let end = source.range(of: "</body>", options: [.caseInsensitive, .backwards]) {
            return MailTemplate(source: source.replacingCharacters(in: end.lowerBound..<end.lowerBound, with: paragraph))
        }
        return MailTemplate(source: source + "\n" + paragraph)
    }
}
