import Foundation

/// What `--script` names: a configured script's pine id, or its title when exactly one script has it
/// (any case). Titles are what a person remembers; ids are what the files and TradingView use.
public enum ScriptChoice {
    /// The pine id `given` names among `scripts` (id and title, in config order), or a one-line error that
    /// lists the candidates with their ids quoted (ready to paste).
    public static func resolve(_ given: String, among scripts: [(id: String, title: String?)]) -> Result<String, ScriptChoiceError> {
        if scripts.contains(where: { $0.id == given }) { return .success(given) }
        let wanted = given.trimmingCharacters(in: .whitespaces).lowercased()
        let titled = scripts.filter { $0.title.map { $0.trimmingCharacters(in: .whitespaces).lowercased() == wanted } ?? false }
        if titled.count == 1 { return .success(titled[0].id) }
        func list(_ s: [(id: String, title: String?)]) -> String {
            s.map { CommandHint.quote($0.id) + ($0.title.map { " (\($0))" } ?? "") }.joined(separator: ", ")
        }
        if titled.count > 1 {
            return .failure(ScriptChoiceError(message: "--script: the title \"\(given)\" names \(titled.count) scripts: \(list(titled)); give the id"))
        }
        return .failure(ScriptChoiceError(message: "--script: no configured script has the id or title \"\(given)\"; configured: \(list(scripts))"))
    }

    /// The configured scripts of `config` as `resolve` takes them.
    public static func scripts(of config: AppConfig) -> [(id: String, title: String?)] {
        config.scriptIds.map { ($0, config.title(ofScript: $0)) }
    }
}

public struct ScriptChoiceError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
