import Crypto
import Foundation
import Testing
@testable import AccessCore

@Suite struct CookieVaultTests {
    let cookies = SessionCookies(sessionid: "s3cr3t-session-value-123", sessionidSign: "v2:sign-secret-456",
                                 savedAt: Date(timeIntervalSince1970: 1_735_689_600))
    static func key() -> String { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0).base64EncodedString() } }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! NSNumber).intValue
    }

    @Test func roundTripWithAGeneratedKeyFile() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let vault = CookieVault(directory: dir.url, environment: [:])
        #expect(try vault.load() == nil)
        #expect(!FileManager.default.fileExists(atPath: vault.keyPath))  // loading never creates a key
        try vault.save(cookies)
        #expect(try mode(vault.keyPath) == 0o600)
        #expect(try mode(vault.cookiesPath) == 0o600)
        #expect(try CookieVault(directory: dir.url, environment: [:]).load() == cookies)
        try vault.clear()
        #expect(try vault.load() == nil)
    }

    @Test func roundTripWithTheEnvironmentKey() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let env = ["ACCESS_CONSOLE_KEY": Self.key()]
        try CookieVault(directory: dir.url, environment: env).save(cookies)
        #expect(!FileManager.default.fileExists(atPath: dir.path("vault.key")))
        #expect(try CookieVault(directory: dir.url, environment: env).load() == cookies)
    }

    @Test func wrongKeyIsAClearErrorWithoutSecrets() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let right = Self.key(), wrong = Self.key()
        try CookieVault(directory: dir.url, environment: ["ACCESS_CONSOLE_KEY": right]).save(cookies)
        let vault = CookieVault(directory: dir.url, environment: ["ACCESS_CONSOLE_KEY": wrong])
        do {
            _ = try vault.load()
            Issue.record("loaded with the wrong key")
        } catch let error as VaultError {
            #expect(error == .wrongKey(file: vault.cookiesPath, keyFile: vault.keyPath))
            let text = "\(error)"
            #expect(text == "cannot decrypt \(vault.cookiesPath): the key does not match (ACCESS_CONSOLE_KEY or \(vault.keyPath)) or the file was changed; set the cookies again")
            for secret in [right, wrong, cookies.sessionid, cookies.sessionidSign] { #expect(!text.contains(secret)) }
        }
        #expect(vault.currentCookies() == nil)
    }

    @Test func badEnvironmentKeyLengthIsRefused() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let short = Data(repeating: 7, count: 16).base64EncodedString()
        #expect(throws: VaultError.badEnvironmentKey("decodes to 16 bytes, expected 32")) {
            try CookieVault(directory: dir.url, environment: ["ACCESS_CONSOLE_KEY": short]).save(cookies)
        }
        #expect(throws: VaultError.badEnvironmentKey("not valid base64")) {
            try CookieVault(directory: dir.url, environment: ["ACCESS_CONSOLE_KEY": "%%%"]).save(cookies)
        }
    }

    @Test func keyFileReadableByOthersIsRefused() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let vault = CookieVault(directory: dir.url, environment: [:])
        try vault.save(cookies)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: vault.keyPath)
        #expect(throws: VaultError.keyFileTooOpen(path: vault.keyPath, mode: 0o644)) { _ = try vault.load() }
        #expect(throws: VaultError.keyFileTooOpen(path: vault.keyPath, mode: 0o644)) { try vault.save(cookies) }
        #expect("\(VaultError.keyFileTooOpen(path: vault.keyPath, mode: 0o644))".contains("chmod 600"))
    }

    @Test func encryptedFileHoldsNoSecretInTheClear() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let vault = CookieVault(directory: dir.url, environment: [:])
        try vault.save(cookies)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: vault.cookiesPath))
        for secret in [cookies.sessionid, cookies.sessionidSign, "sessionid"] {
            #expect(bytes.range(of: Data(secret.utf8)) == nil)
        }
        #expect(!"\(cookies)".contains(cookies.sessionid))
    }

    @Test func damagedFileIsReportedAsSuch() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let vault = CookieVault(directory: dir.url, environment: [:])
        try vault.save(cookies)
        try Data("ACV1xx".utf8).write(to: URL(fileURLWithPath: vault.cookiesPath))
        #expect(throws: VaultError.corrupt(path: vault.cookiesPath)) { _ = try vault.load() }
    }

    @Test func providerSeesCookiesSetByAnotherWriter() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let env = ["ACCESS_CONSOLE_KEY": Self.key()]
        let provider = CookieVault(directory: dir.url, environment: env)
        #expect(provider.currentCookies() == nil)
        try CookieVault(directory: dir.url, environment: env).save(cookies)
        #expect(provider.currentCookies() == cookies)
        let fresh = SessionCookies(sessionid: "another-session", sessionidSign: "another-sign", savedAt: Date(timeIntervalSince1970: 1_735_700_000))
        try CookieVault(directory: dir.url, environment: env).save(fresh)
        #expect(provider.currentCookies() == fresh)
        try CookieVault(directory: dir.url, environment: env).clear()
        #expect(provider.currentCookies() == nil)
    }
}
