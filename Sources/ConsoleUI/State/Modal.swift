import AccessCore
import Foundation

/// What a text prompt's answer is for.
public enum PromptPurpose: Sendable, Equatable {
    case validate
    case grantName(script: String)
    case reviewFix(script: String, id: String)
    case reviewDismiss(script: String, id: String)
    case search
}

/// Who a chosen term applies to.
public enum TermTarget: Sendable, Equatable {
    case grant(script: String, user: String)
    case extend(script: String, users: [String])

    public var script: String {
        switch self {
        case .grant(let s, _), .extend(let s, _): return s
        }
    }
    public var users: [String] {
        switch self {
        case .grant(_, let u): return [u]
        case .extend(_, let u): return u
        }
    }
    public var extending: Bool { if case .extend = self { return true } else { return false } }
}

public struct Prompt: Sendable, Equatable {
    public var title: String
    public var label: String
    public var field: TextField
    public var purpose: PromptPurpose
    /// What the answer will do, above the field (a fix names the script and the term it grants).
    public var lines: [String] = []
    /// The write this prompt sent and waits for: the dialog stays up, so a failure keeps what was typed.
    public var pending: Effect?
    /// Why the last try failed, shown inside the dialog.
    public var error: String?

    public init(title: String, label: String, field: TextField, purpose: PromptPurpose, lines: [String] = []) {
        self.title = title; self.label = label; self.field = field; self.purpose = purpose; self.lines = lines
    }
}

/// Chooses a term: a preset with j/k (no wrap-around, Home/End for the ends) or one typed (`45D`,
/// `2W`, `1Y`). It opens on nothing, so a stray Enter writes nothing, and shows `current -> new` for
/// each user before Enter.
public struct TermPicker: Sendable, Equatable {
    public static let presets: [AccessTerm] = [.days(7), .months(1), .months(3), .months(6), .years(1), .lifetime]
    public var title: String
    public var target: TermTarget
    /// Index into presets; nil until one is chosen (or while a term is typed).
    public var selected: Int?
    public var typed = TextField()
    /// Each target user's access when the picker opened.
    public var current: [String: AccessState]
    public var error: String?

    public init(title: String, target: TermTarget, current: [String: AccessState], selected: Int? = nil) {
        self.title = title; self.target = target; self.current = current; self.selected = selected
    }

    /// The term Enter would apply: the typed one when something is typed, else the chosen preset.
    public var term: AccessTerm? {
        if !typed.trimmed.isEmpty { return AccessTerm(typed.trimmed) }
        return selected.map { Self.presets[$0] }
    }

    public func previews(now: Date) -> [ExpiryPreview] {
        guard let term else { return [] }
        return target.users.map { ExpiryPreview(username: $0, current: current[$0] ?? .none, term: term, extending: target.extending, now: now) }
    }
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
    public var scroll = 0
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

/// The `?` overlay: typing narrows it to the lines that contain the text (keys, help, `:` names).
public struct HelpView: Sendable, Equatable {
    public var scroll = 0
    public var query = TextField()
    public init(scroll: Int = 0) { self.scroll = scroll }
}

/// The `:` line: Up/Down walk the earlier commands, Tab completes the word being typed.
public struct CommandLine: Sendable, Equatable {
    public var field = TextField()
    /// Index into the console's command history while walking it (nil: editing a new line).
    public var historyIndex: Int?
    /// What was typed before walking the history, given back past the newest entry.
    public var draft = ""
    /// Candidates of the last Tab, shown under the line.
    public var candidates: [String] = []
    public init() {}
}

/// At most one modal is up; it takes every key until closed.
public enum Modal: Sendable, Equatable {
    case help(HelpView)
    case filter(FilterTarget)
    case command(CommandLine)
    case prompt(Prompt)
    case termPicker(TermPicker)
    case confirm(Confirm)
    case typedConfirm(TypedConfirm)
    case cookies(CookieForm)
    case logDetail(AccessEvent)
    case userDetail(UserDetail)
}

/// The user detail (Enter on a user, `:user NAME`): what the Users index knows shows at once; the
/// story (every write, purchase, mail, fix link) fills in when the services have read it.
public struct UserDetail: Sendable, Equatable {
    public var script: String
    public var username: String
    public var email: String
    /// What master data holds now (from the index: no read needed).
    public var holds: AccessState
    /// nil while loading.
    public var story: UserStory?
    public var loaded = false
    public var error: String?
    public var scroll = 0
}
