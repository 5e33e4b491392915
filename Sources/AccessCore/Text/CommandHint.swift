/// A command a message tells a person to run, ready to paste into a shell: every value in single quotes.
/// Script ids hold a `;` (`PUB;abc`), which a shell takes as the end of the command: unquoted, the hint
/// `store repair --script PUB;abc` runs `store repair --script PUB` and then a command named `abc`.
public enum CommandHint {
    /// `word` as one POSIX shell word: in single quotes, a quote inside written `'\''`.
    public static func quote(_ word: String) -> String {
        "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }

    /// `` `access-console store repair --script 'PUB;abc'` ``: a store command for one script, in backticks.
    public static func store(_ action: String, script: String) -> String {
        "`access-console store \(action) --script \(quote(script))`"
    }
}
