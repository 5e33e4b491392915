import Foundation

/// The one email a customer gets when the TradingView username they gave does not exist.
public enum InvalidUsernameMail {
    public static func message(for item: ReviewItem, subject: String, vendor: String) -> MailMessage {
        let name = item.typedName.isEmpty ? "(none)" : item.typedName
        let html = """
        <html><body>
        <p>Hello,</p>
        <p>Thank you for your purchase. We could not grant access on TradingView because the username \
        <b>\(escape(name))</b> does not exist there.</p>
        <p>Please reply with your exact TradingView username (it is shown on your TradingView profile page) \
        and we will grant access right away.</p>
        <p>Transaction: \(escape(item.transactionId))</p>
        <p>Kind regards,<br>\(escape(vendor))</p>
        </body></html>
        """
        return MailMessage(to: item.email, subject: subject, html: html)
    }

    public static func escape(_ s: String) -> String {
        var out = ""
        for ch in s {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(ch)
            }
        }
        return out
    }
}
