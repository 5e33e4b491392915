import AccessCore
import Foundation

/// What a text prompt's answer is for.
public enum PromptPurpose: Sendable, Equatable {
    case validate
    case grantName(script: String)
    case typedTerm(TermTarget)
    case reviewFix(script: String, id: String)
    case reviewDismiss(script: String, id: String)
}

/// Who a chosen term applies to.
public enum TermTarget: Sendable, Equatable {
    case grant(script: String, user: String)
    case extend(script: String, users: [String])
}

public struct Prompt: Sendable, Equatable {
    public var title: String
    public var label: String
    public var field: TextField
    public var purpose: PromptPurpose
    /// The write this prompt sent and waits for: the dialog stays up, so a failure keeps what was typed.
    public var pending: Effect?
    /// Why the last try failed, shown inside the dialog.
    public var error: String?

    public init(title: String, label: String, field: TextField, purpose: PromptPurpose) {
        self.title = title; self.label = label; self.field = field; self.purpose = purpose
    }
}

public struct TermPicker: Sendable, Equatable {
    public static let presets: [AccessTerm] = [.days(7), .months(1), .months(3), .months(6), .years(1), .lifetime]
    public var title: String
    public var target: TermTarget
    /// Index into presets; `presets.count` is "type a term".
    public var selected = 1
}

/// A yes/no question whose focus starts on Cancel, so a stray Enter never does harm.
public struct Confirm: Sendable, Equatable {
    public var title: String
    public var lines: [String]
    public var confirmLabel: String
    public var effect: Effect
    public var focusOnConfirm = false
    public var scroll = 0
}

/// Bulk confirmation: the person types the number of affected rows.
public struct TypedConfirm: Sendable, Equatable {
    public var title: String
    public var lines: [String]
    public var expected: String
    public var field = TextField()
    public var effect: Effect
}

/// Two masked fields; the cookies leave the state as soon as they are submitted.
public struct CookieForm: Sendable, Equatable {
    public var sessionid = TextField(masked: true)
    public var sessionidSign = TextField(masked: true)
    /// 0 = sessionid, 1 = sessionid_sign.
    public var focus = 0
    /// Waiting for TradingView's verdict; the form stays up so a rejection keeps what was pasted.
    public var pending = false
    public var error: String?
}

public enum FilterTarget: Sendable, Equatable { case users, log }

/// At most one modal is up; it takes every key until closed.
public enum Modal: Sendable, Equatable {
    case help(scroll: Int)
    case filter(FilterTarget)
    case command(TextField)
    case prompt(Prompt)
    case termPicker(TermPicker)
    case confirm(Confirm)
    case typedConfirm(TypedConfirm)
    case cookies(CookieForm)
    case logDetail(AccessEvent)
}
