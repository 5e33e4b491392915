import Foundation

/// The one email a customer gets when the TradingView username they gave does not exist, rendered from
/// the configured template (every value HTML-escaped by `MailTemplate`).
public enum InvalidUsernameMail {
    public static func message(for item: ReviewItem, settings: SyncSettings) -> MailMessage {
        let html = settings.mailTemplate.render([
            "name": item.email.split(separator: "@").first.map(String.init) ?? "",
            "username": item.typedName.isEmpty ? "(none given)" : item.typedName,
            "product": settings.productTitles[item.productId] ?? "product \(item.productId)",
            "transaction_id": item.transactionId,
            "support_email": settings.supportAddress.isEmpty ? settings.vendorName : settings.supportAddress,
        ])
        return MailMessage(to: item.email, subject: settings.mailSubject, html: html)
    }
}
