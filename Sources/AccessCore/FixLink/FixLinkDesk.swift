import Foundation

/// The customer's side of a fix link, for the daemon's `/fix/{token}` pages: checks the token, finds the
/// purchase's open invalid-username review items, and resolves them with the name the customer gives
/// through the console's own action (`AccessActions.resolveReview`), recorded as `ActorName.customerViaLink`.
public final class FixLinkDesk: Sendable {
    let actions: AccessActions
    let keys: FixLinkKeyFile
    let used: UsedFixLinks
    let scripts: @Sendable () throws -> [ScriptAccess]
    let titles: @Sendable (String) -> String?
    let clock: @Sendable () -> Date
    /// Performs the resolve: the daemon hands it to its `RunCoordinator` (it waits behind a run going);
    /// alone, the actions perform it at once.
    let runner: CommandRunner
    private let keyTrouble = FixLinkKeyTrouble()
    private let oneAtATime = OneSubmitPerPurchase()
    private let recent = RecentFixes()
    /// Where a customer whose link does not work can write (`email.from`'s address); may be empty.
    public let supportContact: String

    public init(actions: AccessActions, keys: FixLinkKeyFile, used: UsedFixLinks,
                scripts: @escaping @Sendable () throws -> [ScriptAccess], titles: @escaping @Sendable (String) -> String?,
                clock: @escaping @Sendable () -> Date, runner: CommandRunner? = nil, supportContact: String) {
        self.actions = actions.acting(as: ActorName.customerViaLink)
        self.keys = keys; self.used = used; self.scripts = scripts; self.titles = titles; self.clock = clock
        self.runner = runner ?? { command, actions in await actions.perform(command) }
        self.supportContact = supportContact
    }

    /// The link's token, checked: signature, expiry, used. Refusals of real links are logged with the reason
    /// only; made-up ones (`invalid`) are not, the caller counts them: anyone can send those. A used link
    /// `posted` again right after its fix (a double-click's twin, a reload resending the form) passes, so
    /// `submit` shows the same "done" page instead of "already used".
    public func check(_ text: String, posted: Bool = false) -> FixLinkCheck {
        let signer: FixLinkSigner
        do { signer = try keys.signer() } catch {
            // Our trouble, not the link's: the customer sees "try again", the admin an error saying what to do.
            keyTrouble.report(error, path: keys.path, events: actions.events, now: clock())
            return .unavailable
        }
        switch signer.verify(text, now: clock()) {
        case .failure(.invalid): return .refused(.invalid)
        case .failure(let why): return refuse(why, transaction: nil)
        case .success(let token):
            if used.contains(token) && !(posted && recent.page(token.nonce) != nil) {
                return refuse(.used, transaction: token.transactionId)
            }
            return .valid(token)
        }
    }

    /// The first visit: the form, or why not.
    public func open(_ token: FixLinkToken) -> FixPage {
        guard let items = openItems(token) else { return .unavailable }
        guard let first = items.first else { return settled(token) }
        return .form(FixForm(product: product(first.item), purchaseName: first.item.typedName, name: first.item.typedName, problem: nil))
    }

    /// A name sent from the form: re-shown with the reason when it is not a TradingView name, else every
    /// open review item of the purchase resolved under TradingView's spelling. One at a time per purchase:
    /// a second POST waits for the first, then finds the link used and shows the first's page.
    public func submit(_ token: FixLinkToken, typed: String) async -> FixPage {
        await oneAtATime.run(token.transactionId) { await submitAlone(token, typed: typed) }
    }

    private func submitAlone(_ token: FixLinkToken, typed: String) async -> FixPage {
        if let page = alreadyDone(token, typed: typed) { return page }
        guard let items = openItems(token) else { return .unavailable }
        guard let first = items.first else { return settled(token) }
        func again(_ problem: String) -> FixPage {
            actions.events.emit(.info, .fixLinkNameRejected, "fix link for purchase \(token.transactionId): \(problem)",
                                fields: ["transaction": token.transactionId])
            return .form(FixForm(product: product(first.item), purchaseName: first.item.typedName, name: typed, problem: problem))
        }
        guard let normalized = Username.normalize(typed) else {
            return again(typed.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
                         ? "Please enter your TradingView username."
                         : "That is not a TradingView username: they have only letters, digits, _ . and -.")
        }
        // The name first, without any lock: a wrong name is answered at once, even while a run goes.
        var name: String
        do { name = try await actions.canonicalName(normalized, in: nil) } catch ActionError.invalidUsername {
            return again("TradingView has no user named \u{201C}\(normalized)\u{201D}. Check the spelling on your profile page.")
        } catch {
            actions.events.emit(.warning, .fixLinkFailed, "fix link for purchase \(token.transactionId): the name could not be checked: \(error)",
                                fields: ["transaction": token.transactionId])
            return .unavailable
        }
        var grants: [FixGrant] = []
        var dryRun = false
        for entry in items {
            let outcome = await runner(.resolveReview(script: entry.script, id: entry.item.id, newName: name), actions)
            dryRun = outcome.dryRun
            guard outcome.status.isSuccess, let report = outcome.reports.first else {
                if case .invalidUsername? = outcome.error {
                    return again("TradingView has no user named \u{201C}\(normalized)\u{201D}. Check the spelling on your profile page.")
                }
                // Logged by the action itself (review-resolve.failed). Before saying "try again", look at what
                // is left: another process may have finished the purchase meanwhile. Items already resolved
                // stay resolved and the link keeps working for the rest.
                return afterFailure(token, grants: grants, name: name, dryRun: dryRun)
            }
            name = report.username
            grants.append(FixGrant(script: titles(entry.script) ?? entry.script, expiry: report.expiry, lifetime: report.lifetime))
        }
        return finished(token, FixDone(username: name, grants: grants, dryRun: dryRun))
    }

    /// The page for a link that already did its work: the same "done" page when this process showed it
    /// lately for the same name (a double-click's twin, a reload), else "already used"; nil when the link is
    /// not used. Another name sent on a used link must not read "access granted": nothing was done for it.
    private func alreadyDone(_ token: FixLinkToken, typed: String? = nil) -> FixPage? {
        if let done = recent.page(token.nonce) {
            let sameName = typed.map { Username.normalize($0)?.lowercased() == done.username.lowercased() } ?? true
            return sameName ? .done(done) : .refused(.used)
        }
        return used.contains(token) ? .refused(.used) : nil
    }

    /// A resolve failed part-way: "try again" only when something is still open for this purchase.
    private func afterFailure(_ token: FixLinkToken, grants: [FixGrant], name: String, dryRun: Bool) -> FixPage {
        if let page = alreadyDone(token) { return page }
        guard let left = openItems(token), left.isEmpty else { return .unavailable }
        return grants.isEmpty ? settled(token) : finished(token, FixDone(username: name, grants: grants, dryRun: dryRun))
    }

    /// Records the link used (not in a dry run: nothing was changed) and remembers its page, first: a
    /// `check` that sees the link used then always finds the page too.
    private func finished(_ token: FixLinkToken, _ done: FixDone) -> FixPage {
        if !done.dryRun {
            recent.remember(token.nonce, done)
            do { try used.record(token, at: clock()) } catch {
                actions.events.emit(.error, .fixLinkFailed, "fix link for purchase \(token.transactionId) could not be marked used: \(error)")
            }
        }
        return .done(done)
    }

    /// The purchase's open invalid-username items, by script; nil when master data cannot be read.
    private func openItems(_ token: FixLinkToken) -> [(script: String, item: ReviewItem)]? {
        guard let all = try? scripts() else { return nil }
        return all.flatMap { state in
            state.reviewQueue.values.filter { $0.transactionId == token.transactionId && $0.reason == .invalidUsername }
                .map { (state.scriptId, $0) }
        }.sorted { ($0.script, $0.item.id) < ($1.script, $1.item.id) }
    }

    private func settled(_ token: FixLinkToken) -> FixPage {
        _ = refuse(.settled, transaction: token.transactionId)
        return .refused(.settled)
    }

    private func refuse(_ why: FixLinkRefusal, transaction: String?) -> FixLinkCheck {
        actions.events.emit(.info, .fixLinkRefused, "fix link refused: \(why.rawValue)",
                            fields: ["reason": why.rawValue].merging(transaction.map { ["transaction": $0] } ?? [:]) { a, _ in a })
        return .refused(why)
    }

    private func product(_ item: ReviewItem) -> String {
        actions.settings.products[item.productId]?.title ?? "product \(item.productId)"
    }
}
