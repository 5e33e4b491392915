import Foundation

/// The one email a customer gets when the TradingView username they gave does not exist, rendered from
/// the configured template (every value HTML-escaped by `MailTemplate`). With `settings.fixLinks` (set
/// when `server.public_base_url` is) it carries the customer's signed fix link; without, it is unchanged.
public enum InvalidUsernameMail {
    public static func message(for item: ReviewItem, settings: SyncSettings) -> MailMessage {
        var values = [
            "name": item.email.split(separator: "@").first.map(String.init) ?? "",
            "username": item.typedName.isEmpty ? "(none given)" : item.typedName,
            "product": settings.productTitles[item.productId] ?? "product \(item.productId)",
            "transaction_id": item.transactionId,
            "support_email": settings.supportAddress.isEmpty ? settings.vendorName : settings.supportAddress,
        ]
        var template = settings.mailTemplate
        if let link = settings.fixLinks?.link(for: item) {
            values["fix_link"] = link
            template = template == .invalidUsername ? .invalidUsernameWithLink : template.withFixLinkParagraph()
        }
        return MailMessage(to: item.email, subject: settings.mailSubject, html: template.render(values))
    }
}
