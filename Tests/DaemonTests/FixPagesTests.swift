@testable import AccessCore
@testable import AccessDaemon
import Foundation
import Testing

/// The fix-link pages as functions, without a daemon.
@Suite struct FixPagesTests {
    let grants = [FixGrant(script: "Alpha", expiry: Date(timeIntervalSince1970: 1_800_000_000), lifetime: false)]

    @Test func theDonePageSaysTheLinkIsUsedUpOnlyWhenItWas() {
        let real = FixPages.done(FixDone(username: "Trader", grants: grants, dryRun: false))
        #expect(real.contains("Thank you: access granted") && real.contains("This link is now used up."))
        // A dry run records nothing: the link still works, so the page must not say otherwise.
        let dry = FixPages.done(FixDone(username: "Trader", grants: grants, dryRun: true))
        #expect(dry.contains("test mode: nothing was sent") && dry.contains("Alpha"))
        #expect(!dry.contains("used up"))
    }
}
