import Foundation
import NIOCore

/// Who the SMTP sink lets in and whom it takes mail for. The sandbox's: anyone, anything. A test of
/// the mailer's failures gives a password (any other fails AUTH) and addresses to refuse at RCPT.
struct SMTPPolicy: Sendable {
    var password: String?
    var refuses: @Sendable (String) -> Bool
    init(password: String? = nil, refuses: @escaping @Sendable (String) -> Bool = { _ in false }) {
        self.password = password; self.refuses = refuses
    }
}

/// One SMTP conversation: a line-based state machine that accepts what `policy` lets in (by default
/// any AUTH succeeds) and hands each finished message to `deliver`. Credentials are checked and
/// dropped, never stored.
final class SMTPSession: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Mode { case command, data, authPlain, authLoginUser, authLoginPassword }

    static let maxLineBytes = 1 << 20
    private let deliver: @Sendable (MailMessage) -> Void
    private let policy: SMTPPolicy
    private var pending: [UInt8] = []
    private var mode = Mode.command
    private var sender: String?
    private var recipients: [String] = []
    private var dataLines: [String] = []

    init(policy: SMTPPolicy = SMTPPolicy(), deliver: @escaping @Sendable (MailMessage) -> Void) {
        self.policy = policy; self.deliver = deliver
    }

    func channelActive(context: ChannelHandlerContext) {
        reply(context, "220 sandbox.local ESMTP AccessSandbox")
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        pending.append(contentsOf: buffer.readableBytesView)
        while let newline = pending.firstIndex(of: 0x0A) {
            var line = pending[pending.startIndex..<newline]
            if line.last == 0x0D { line = line.dropLast() }
            let text = String(decoding: line, as: UTF8.self)
            pending.removeSubrange(pending.startIndex...newline)
            handle(text, context)
        }
        if pending.count > SMTPSession.maxLineBytes {
            reply(context, "500 5.5.2 Line too long")
            context.close(promise: nil)
        }
    }

    private func handle(_ line: String, _ context: ChannelHandlerContext) {
        switch mode {
        case .data: dataLine(line, context)
        case .authPlain:
            mode = .command
            authenticated(plain: line, context)
        case .authLoginPassword:
            mode = .command
            authenticated(password: SMTPSession.base64(line), context)
        case .authLoginUser:
            mode = .authLoginPassword
            reply(context, "334 UGFzc3dvcmQ6")
        case .command: command(line, context)
        }
    }

    private func command(_ line: String, _ context: ChannelHandlerContext) {
        let parts = line.split(separator: " ", maxSplits: 1)
        let verb = parts.first.map { $0.uppercased() } ?? ""
        let argument = parts.count > 1 ? String(parts[1]) : ""
        switch verb {
        case "EHLO":
            reply(context, "250-sandbox.local greets \(argument)\r\n250-AUTH PLAIN LOGIN\r\n250-8BITMIME\r\n250 SIZE 10485760")
        case "HELO": reply(context, "250 sandbox.local")
        case "AUTH": auth(argument, context)
        case "MAIL":
            sender = SMTPSession.address(in: argument)
            recipients = []
            reply(context, "250 2.1.0 OK")
        case "RCPT":
            guard sender != nil else { return reply(context, "503 5.5.1 MAIL first") }
            let address = SMTPSession.address(in: argument)
            guard !policy.refuses(address) else { return reply(context, "550 5.1.1 No such user here") }
            recipients.append(address)
            reply(context, "250 2.1.5 OK")
        case "DATA":
            guard sender != nil, !recipients.isEmpty else { return reply(context, "503 5.5.1 RCPT first") }
            mode = .data
            dataLines = []
            reply(context, "354 End data with <CR><LF>.<CR><LF>")
        case "RSET":
            resetEnvelope()
            reply(context, "250 2.0.0 OK")
        case "NOOP": reply(context, "250 2.0.0 OK")
        case "VRFY": reply(context, "252 2.0.0 Cannot VRFY user")
        case "QUIT":
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: "221 2.0.0 Bye\r\n"))).whenComplete { _ in
                channel.close(promise: nil)
            }
        default: reply(context, "502 5.5.2 Command not implemented")
        }
    }

    private func auth(_ argument: String, _ context: ChannelHandlerContext) {
        let parts = argument.split(separator: " ")
        switch parts.first?.uppercased() {
        case "PLAIN":
            if parts.count > 1 {
                authenticated(plain: String(parts[1]), context)
            } else {
                mode = .authPlain
                reply(context, "334 ")
            }
        case "LOGIN":
            if parts.count > 1 {
                mode = .authLoginPassword
                reply(context, "334 UGFzc3dvcmQ6")
            } else {
                mode = .authLoginUser
                reply(context, "334 VXNlcm5hbWU6")
            }
        default: reply(context, "504 5.5.4 Unrecognized authentication type")
        }
    }

    /// AUTH PLAIN's base64 of "authzid NUL user NUL password".
    private func authenticated(plain: String, _ context: ChannelHandlerContext) {
        let fields = (SMTPSession.base64(plain) ?? "").split(separator: "\0", omittingEmptySubsequences: false)
        authenticated(password: fields.count == 3 ? String(fields[2]) : nil, context)
    }

    private func authenticated(password: String?, _ context: ChannelHandlerContext) {
        if policy.password == nil || password == policy.password {
            reply(context, "235 2.7.0 Authentication successful")
        } else {
            reply(context, "535 5.7.8 Authentication credentials invalid")
        }
    }

    private static func base64(_ text: String) -> String? {
        Data(base64Encoded: text.trimmingCharacters(in: .whitespaces)).map { String(decoding: $0, as: UTF8.self) }
    }

    private func dataLine(_ line: String, _ context: ChannelHandlerContext) {
        guard line != "." else {
            let message = MailMessage(from: sender ?? "", to: recipients,
                                      data: dataLines.map { $0 + "\r\n" }.joined())
            deliver(message)
            resetEnvelope()
            mode = .command
            return reply(context, "250 2.0.0 OK queued")
        }
        dataLines.append(line.hasPrefix(".") ? String(line.dropFirst()) : line)
    }

    private func resetEnvelope() {
        sender = nil
        recipients = []
        dataLines = []
    }

    private func reply(_ context: ChannelHandlerContext, _ text: String) {
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(string: text + "\r\n")), promise: nil)
    }

    /// `FROM:<a@x> SIZE=10` -> `a@x`
    static func address(in argument: String) -> String {
        if let open = argument.firstIndex(of: "<"), let close = argument[open...].firstIndex(of: ">") {
            return String(argument[argument.index(after: open)..<close])
        }
        let afterColon = argument.split(separator: ":", maxSplits: 1).last ?? ""
        return String(afterColon.split(separator: " ").first ?? "")
    }
}
