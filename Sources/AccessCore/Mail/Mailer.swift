import Foundation

public struct MailMessage: Sendable, Hashable {
    public var to: String
    public var subject: String
    public var html: String
    public init(to: String, subject: String, html: String) { self.to = to; self.subject = subject; self.html = html }
}

public protocol Mailer: Sendable {
    func send(_ message: MailMessage) async throws
}
