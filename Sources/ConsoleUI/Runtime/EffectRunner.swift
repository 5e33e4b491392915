import AccessCore
import Foundation

/// Runs one effect through ConsoleServices and turns the answer (or the error) into an outcome.
struct EffectRunner: Sendable {
    let services: any ConsoleServices

    func run(_ effect: Effect) async -> EffectOutcome {
        do {
            switch effect {
            case .loadOverview: return .overview(try await services.loadOverview())
            case .validate(let name): return .validated(input: name, canonical: try await services.validate(name))
            case .command(let command): return .message(try await services.perform(command))
            case .resyncPreview(let s): return .resyncDiff(try await services.resyncPreview(script: s))
            case .syncNow(let d): return .message(try await services.syncNow(dryRun: d))
            case .setDryRun(let on): return .modes(try await services.setDryRun(on))
            case .pollLock: return .others(await services.otherProcesses())
            case .testSession: return .session(try await services.testSession())
            case .setCookies(let id, let sign): return .session(try await services.setCookies(sessionid: id, sessionidSign: sign))
            case .userStory(let s, let u): return .story(try await services.userStory(script: s, username: u))
            case .userEntitlement(let story): return .entitlement(await services.entitlement(of: story))
            case .firstRunPreview: return .firstRunPlan(try await services.previewFirstRun())
            case .copyToClipboard, .quit: return .message("")
            }
        } catch {
            return .failed(Self.describe(error))
        }
    }

    /// One line a person can act on.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        return text.split(whereSeparator: \.isNewline).first.map(String.init) ?? "unknown error"
    }
}
