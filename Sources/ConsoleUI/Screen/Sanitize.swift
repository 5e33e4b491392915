import AccessCore

/// The console draws outside text through the same sanitizer as the headless commands (AccessCore's
/// `SafeText`); this name stays for the Screen and the keymap.
public typealias Sanitize = SafeText
