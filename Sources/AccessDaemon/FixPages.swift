import AccessCore
import Foundation

/// The customer's fix-link pages: small, no JavaScript, readable on a phone, every value through
/// `HTMLText.escape`. One function per page; `layout` is the shared frame.
enum FixPages {
    static func render(_ page: FixPage, token: String, support: String) -> String {
        switch page {
        case .form(let form): return self.form(form, token: token)
        case .done(let done): return self.done(done)
        case .refused(let why): return refused(why, support: support)
        case .unavailable: return unavailable(support: support)
        }
    }

    /// The form posts to `./TOKEN`, relative to the page, so a `public_base_url` with a path (a proxy serving
    /// the daemon under `/access/`) keeps working.
    static func form(_ form: FixForm, token: String) -> String {
        let e = HTMLText.escape
        let given = form.purchaseName.trimmingCharacters(in: .whitespaces).isEmpty
            ? "<p>No TradingView username was given with it.</p>"
            : "<p>The username given with it, <strong class=\"typed\">\(e(String(form.purchaseName.prefix(200))))</strong>, is not a TradingView account.</p>"
        let problem = form.problem.map { #"<p class="problem" role="alert">\#(e($0))</p>"# } ?? ""
        return layout(title: "Correct your TradingView username", body: """
        <h1>Correct your TradingView username</h1>
        <p>Your purchase: <strong>\(e(form.product))</strong></p>
        \(given)
        \(problem)
        <p class="hint">Your username is on your TradingView profile: open tradingview.com, click your picture, and
        it is the name after <code>tradingview.com/u/</code>. You may paste the profile link or type <code>@name</code>.</p>
        <form method="post" action="./\(e(token))">
        <input type="hidden" name="token" value="\(e(token))">
        <label for="username">TradingView username</label>
        <input id="username" name="username" type="text" value="\(e(String(form.name.prefix(200))))" maxlength="200"
         autocomplete="username" autocapitalize="none" spellcheck="false" required>
        <button type="submit">Save and get access</button>
        </form>
        """)
    }

    /// In a dry run nothing was granted or recorded: the link is not used up, so the page does not say so.
    static func done(_ done: FixDone) -> String {
        let e = HTMLText.escape
        let rows = done.grants.map { g in
            let until = g.lifetime ? "lifetime access" : g.expiry.map { "until " + day($0) } ?? "no access"
            return "<li><strong>\(e(g.script))</strong>: \(e(until))</li>"
        }.joined(separator: "\n")
        return layout(title: "Access granted", body: """
        <h1>\(done.dryRun ? "Checked (test mode: nothing was sent)" : "Thank you: access granted")</h1>
        <p>Your TradingView username is <strong class="canonical">\(e(done.username))</strong>.</p>
        <ul>
        \(rows)
        </ul>
        <p>The scripts appear under Invite-only scripts in TradingView's Indicators menu.\(done.dryRun ? "" : " This link is now used up.")</p>
        """)
    }

    static func refused(_ why: FixLinkRefusal, support: String) -> String {
        let (title, text): (String, String) = switch why {
        case .invalid: ("This link is not valid", "The link may be cut off or changed. Open it straight from the mail, or ask us for help.")
        case .expired: ("This link has expired", "For your safety the link works for a limited time. Reply to the mail with your TradingView username and we will fix it.")
        case .used: ("This link was already used", "Your username was corrected with this link. If access is still missing, contact us.")
        case .settled: ("Nothing left to correct", "This purchase needs no correction any more. If access is still missing, contact us.")
        }
        return layout(title: title, body: "<h1>\(HTMLText.escape(title))</h1>\n<p>\(HTMLText.escape(text))</p>\n" + contact(support))
    }

    static func unavailable(support: String) -> String {
        layout(title: "Please try again shortly", body: """
        <h1>Please try again in a few minutes</h1>
        <p>We could not finish this just now. Nothing was lost and your link still works.</p>
        \(contact(support))
        """)
    }

    static func tooMany() -> String {
        layout(title: "Too many attempts", body: """
        <h1>Too many attempts</h1>
        <p>Please wait a few minutes and try again.</p>
        """)
    }

    static func notAllowed(support: String) -> String {
        layout(title: "Request refused", body: """
        <h1>Request refused</h1>
        <p>This form can only be sent from its own page. Open the link from the mail again.</p>
        \(contact(support))
        """)
    }

    static func tooLarge() -> String {
        layout(title: "Too long", body: "<h1>That was too long</h1>\n<p>A TradingView username is short. Please go back and try again.</p>")
    }

    private static func contact(_ support: String) -> String {
        support.isEmpty ? "<p>Reply to the mail you received and we will help.</p>"
            : "<p>Help: reply to the mail or write to <a href=\"mailto:\(HTMLText.escape(support))\">\(HTMLText.escape(support))</a>.</p>"
    }

    private static func day(_ date: Date) -> String { TimeText.longDay(date) }

    static func layout(title: String, body: String) -> String {
        """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta name="robots" content="noindex">
        <title>\(HTMLText.escape(title))</title>
        <style>
        body { font-family: system-ui, sans-serif; line-height: 1.5; margin: 0 auto; max-width: 34rem; padding: 1rem; color: #1a1a1a; background: #fff; }
        h1 { font-size: 1.4rem; }
        label { display: block; font-weight: bold; margin-top: 1rem; }
        input[type=text] { box-sizing: border-box; width: 100%; font-size: 1.1rem; padding: .6rem; border: 2px solid #555; border-radius: 4px; }
        input[type=text]:focus { outline: 3px solid #1b5fc1; }
        button { margin-top: 1rem; font-size: 1.1rem; padding: .7rem 1.2rem; border: 0; border-radius: 4px; background: #1b5fc1; color: #fff; }
        .problem { border-left: 4px solid #b00020; padding: .4rem .8rem; background: #fdecee; color: #7a0016; }
        .hint { color: #444; }
        code, .typed { overflow-wrap: anywhere; }
        </style>
        </head>
        <body>
        <main>
        \(body)
        </main>
        </body>
        </html>

        """
    }
}
