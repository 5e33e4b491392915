import Foundation

/// Settles writes that were journaled but never closed (the process died mid-write) by asking
/// TradingView what it holds: applied writes are recorded, the rest dropped so their work is planned again.
/// This is what makes a kill -9 at any point safe: nothing is extended twice.
public enum IntentSettlement {
    public enum Decision: Sendable, Hashable {
        /// The write landed; master data takes this state.
        case applied(AccessState)
        case notApplied
    }

    /// `remote` is TradingView's list keyed by `Username.key`.
    public static func decide(_ intent: WriteIntent, remote: [String: RemoteAccess]) -> Decision {
        let found = remote[Username.key(intent.username)]
        switch intent.operation {
        case .revoke:
            return found == nil ? .applied(.none) : .notApplied
        case .grant, .extend:
            guard let found else { return .notApplied }
            if AccessState.sameExpiry(found.expiry, intent.targetExpiry) {
                return .applied(intent.targetExpiry.map { .until($0) } ?? .lifetime)
            }
            // A first grant to someone we did not know: TradingView having them is the grant having landed.
            if intent.operation == .grant && !intent.wasKnown {
                return .applied(found.expiry.map { .until($0) } ?? .lifetime)
            }
            return .notApplied
        }
    }

    /// The changes that settle one intent, given the decision.
    static func changes(for intent: WriteIntent, decision: Decision, state: ScriptAccess, remoteName: String?,
                        actor: String, now: Date) -> [AccessChange] {
        guard case .applied(let after) = decision else { return [.closeIntent(id: intent.id)] }
        let cmd = WriteCommand(
            scriptId: state.scriptId, operation: intent.operation, username: remoteName ?? intent.username,
            before: intent.wasKnown ? (intent.previousExpiry.map { .until($0) } ?? .lifetime) : .none,
            after: after,
            covers: intent.transactionId.map { [SyncWork(workId: $0, transactionId: nil, scriptId: state.scriptId,
                                                          typedName: intent.username, email: nil, wpUsername: nil,
                                                          productId: nil, term: nil, stacking: false,
                                                          createdAt: intent.createdAt)] } ?? [],
            email: nil, wpUsername: nil, actor: actor, action: "settle-\(intent.operation.rawValue)")
        return [.closeIntent(id: intent.id)] + RemoteWriter.resultChanges(cmd, state: state, result: "ok", now: now)
    }
}
