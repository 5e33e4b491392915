import Foundation
import Testing
@testable import AccessCore

/// Issue 11.11 / 11.9: master data is created 0600 in 0700 folders; a damaged vault says what is wrong
/// with it instead of "no session cookies set".
@Suite struct FilePermissionTests {
    func mode(_ path: String) throws -> Int { try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as! Int }

    @Test func masterDataFilesAre0600InA0700Folder() throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let folder = dir.url.appendingPathComponent("masterData")
        let store = try ScriptStore.open(directory: folder, scriptId: "PUB;perm")
        try store.commit([.setTitle("t")])
        try store.compact()
        store.close()
        #expect(try mode(folder.path) == 0o700)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(files.count == 4, "\(files)")
        for name in files { #expect(try mode(folder.appendingPathComponent(name).path) == 0o600, "\(name)") }
    }

    func vaultWithCookies(_ dir: TempDir) throws -> CookieVault {
        let vault = CookieVault(directory: dir.url.appendingPathComponent("vault"), environment: [:])
        try vault.save(SessionCookies(sessionid: "sid-0123456789", sessionidSign: "sign-0123456789"))
        return vault
    }

    func sessionDetail(_ vault: CookieVault) async throws -> String {
        let config = try ConfigLoader.load(path: TestRig.repoConfigPath, environment: [:])
        let client = try TradingViewClientFactory.make(config: config.tradingview, cookies: vault, environment: [:])
        return try await client.checkSession().detail
    }

    @Test func aKeyFileOthersCanReadIsNamed() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let vault = try vaultWithCookies(dir)
        chmod(vault.keyPath, 0o644)
        let detail = try await sessionDetail(vault)
        #expect(detail.contains("chmod 600") && !detail.contains("no session cookies"), "\(detail)")
    }

    @Test func aChangedByteInTheVaultIsNamed() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let vault = try vaultWithCookies(dir)
        var bytes = try Data(contentsOf: URL(fileURLWithPath: vault.cookiesPath))
        bytes[bytes.count - 3] ^= 0x40
        try bytes.write(to: URL(fileURLWithPath: vault.cookiesPath))
        let detail = try await sessionDetail(vault)
        #expect(detail.contains("cannot decrypt") && detail.contains(vault.cookiesPath), "\(detail)")
        #expect(!detail.contains("sid-0123456789"))
    }

    @Test func noCookiesAtAllStillSaysSo() async throws {
        let dir = try TempDir(); defer { dir.cleanup() }
        let vault = CookieVault(directory: dir.url.appendingPathComponent("vault"), environment: [:])
        #expect(try await sessionDetail(vault).contains("no session cookies set"))
    }
}
