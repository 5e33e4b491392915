import AccessCore
import Foundation

/// The user detail: who, what they hold now, their fix link and open queue items, then every line
/// of their story (writes with who made them, purchases, mails), oldest first.
enum UserDetailView {
    static func lines(_ s: ConsoleState, _ d: UserDetail, width: Int) -> [(String, Style)] {
        var out: [(String, Style)] = []
        let script = ConsoleReducer.scriptName(s, d.script)
        out.append(("\(d.username)" + (d.email.isEmpty ? "" : " <\(d.email)>") + " on \(script)", .bold))
        var holds = "Holds now: " + ExpiryPreview.label(d.holds)
        if case .until(let e) = d.holds { holds += " (\(Formats.daysLeft(e, now: s.now)) days left)" }
        if d.story?.lines.last?.action == "revoke" { holds += " · revoked" }
        out.append((holds + " · as master data last wrote it to TradingView", .plain))
        guard d.loaded else {
            out.append(("reading the history…", .dim))
            return out
        }
        if let error = d.error { out.append(("✗ history could not be read: " + error, Style(fg: .red, bold: true))); return out }
        guard let story = d.story else {
            out.append(("No history: master data, the queues and the log know nothing more of \(d.username).", .dim))
            return out
        }
        for (i, line) in story.expiriesText.enumerated() where story.entitled != nil || !line.hasPrefix("purchases entitle") {
            let flag = story.expiriesDiffer && i == story.expiriesText.count - 1
            out.append((line, flag ? Style(fg: .red, bold: true) : .plain))
        }
        if story.entitled == nil { out.append(("purchases entitle: reading MemberPress…", .dim)) }
        out.append(("Fix link: " + story.fixLink, .plain))
        for r in story.openReview {
            let mailed = r.emailSentAt.map { "mailed \(Formats.duration(s.now.timeIntervalSince($0))) ago" } ?? "not mailed"
            out.append(("Review open: \(r.reason.rawValue) \"\(r.typedName)\" purchase \(r.transactionId), \(mailed)", Style(fg: .magenta)))
        }
        for r in story.openRetry {
            out.append(("Retry open: \(r.operation.rawValue) attempt \(r.attempts), next \(Formats.dateTime(r.nextAttemptAt)): \(r.lastError)",
                        Style(fg: .yellow)))
        }
        out.append(("", .plain))
        out.append((row("When", "What", "By", "Result", "Expiry", "Purchase / detail"), .bold))
        if story.lines.isEmpty { out.append(("(no entries)", .dim)) }
        for l in story.lines {
            let tail = l.kind == .write || l.kind == .fixLink ? (l.transactionId ?? "") : [l.transactionId, l.detail].compactMap { $0 }.joined(separator: " ")
            let style: Style = l.result == "ok" ? .plain : Style(fg: l.result == "dry-run" ? .yellow : .red)
            out.append((row(String(Formats.dateTime(l.at).prefix(16)), l.action, l.actor.isEmpty ? "-" : l.actor, l.result, l.expiry ?? "-", tail), style))
        }
        return out
    }

    static func row(_ when: String, _ what: String, _ by: String, _ result: String, _ expiry: String, _ tail: String) -> String {
        Text.fit(when, width: 16) + " " + Text.fit(what, width: 16) + " " + Text.fit(by, width: 16) + " "
            + Text.fit(result, width: 7) + " " + Text.fit(expiry, width: 10) + " " + tail
    }

    static func draw(_ screen: inout Screen, _ s: ConsoleState, _ d: UserDetail) {
        let width = min(screen.size.width - 2, 120), height = screen.size.height - 2
        let inner = Dialog.frame(&screen, title: "User \(d.username) · j/k scroll · Esc closes", width: width, height: height)
        let all = lines(s, d, width: inner.width - 2)
        let rect = Rect(x: inner.x + 1, y: inner.y, width: inner.width - 2, height: inner.height)
        let start = min(max(0, d.scroll), max(0, all.count - rect.height))
        for (i, (text, style)) in all.dropFirst(start).prefix(rect.height).enumerated() {
            screen.put(text, x: rect.x, y: rect.y + i, width: rect.width, style: style)
        }
    }
}
