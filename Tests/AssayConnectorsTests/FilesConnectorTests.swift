import AssayCore
import Foundation
import Testing

@testable import AssayConnectors

@Suite struct FilesConnectorTests {
    /// A small tree: recognised files at several depths, skipped folders, a malformed file, a
    /// key file, and symlinks that lead out of the root.
    func makeTree() throws -> String {
        let root = try FilesFixture.temporaryFolder()
        let files: [String: String] = [
            "docker-compose.yml": "services:\n  cache:\n    image: redis:${REDIS_TAG:-7}\n    ports: [\"6379:6379\"]\n",
            ".env": "REDIS_TAG=7.2\nREDIS_PASSWORD=Tree-Env-Secret-303\n",
            "pgbouncer/pgbouncer.ini": "[pgbouncer]\nauth_type = md5\n",
            "pgbouncer/userlist.txt": "\"app\" \"Tree-Userlist-Secret-202\"\n",
            "secrets/server.key": "not really a key\n",
            "a/b/c/redis.conf": "maxmemory 1gb\n",
            "a/b/c/d/redis.conf": "maxmemory 2gb\n",
            "broken/redis-broken.conf": "port 6379\nrequirepass \"Tree-Broken-Secret-101\n",
            "node_modules/pkg/.env": "X=1\n",
            ".git/redis.conf": "port 1\n",
            ".build-linux/compose.yml": "services: {}\n",
            "notes.txt": "not a config\n",
        ]
        for (path, text) in files { try FilesFixture.write(text, to: root + "/" + path) }
        chmod(root + "/pgbouncer/userlist.txt", 0o644)
        chmod(root + "/secrets/server.key", 0o600)
        symlink("/etc", root + "/outside")
        symlink("/etc/hostname", root + "/escape.env")
        return root
    }

    func call(_ connector: FilesConnector, _ operation: String, _ arguments: [JSONValue] = []) throws -> JSONValue {
        try connector.call(operation, arguments, deadline: .after(.seconds(5)))
    }

    @Test func listsRecognisedFilesSortedAndSkipsTheRest() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let connector = FilesConnector(root: root)
        #expect(connector.address.hasPrefix("file:///"))
        #expect(connector.kind == .files)
        let listed = try call(connector, "list")
        #expect(
            listed == [
                ["path": ".env", "kind": "dotenv"], ["path": "a/b/c/redis.conf", "kind": "redis"],
                ["path": "broken/redis-broken.conf", "kind": "redis"],
                ["path": "docker-compose.yml", "kind": "compose"],
                ["path": "escape.env", "kind": "dotenv"], ["path": "pgbouncer/pgbouncer.ini", "kind": "pgbouncer"],
                ["path": "pgbouncer/userlist.txt", "kind": "userlist"],
            ])
    }

    @Test func configsGiveDataOrAnErrorWithItsLine() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let connector = FilesConnector(root: root)
        let redis = try #require(try call(connector, "configs", ["redis"]).arrayValue)
        #expect(redis.count == 2)
        #expect(redis[0].at("path") == "a/b/c/redis.conf")
        #expect(redis[0].at("data", "bytes", "maxmemory") == .int(1 << 30))
        #expect(redis[0].at("meta", "type") == "file")
        #expect(redis[1].at("path") == "broken/redis-broken.conf")
        #expect(redis[1].at("data") == nil)
        #expect(redis[1].at("error", "line") == 2)
        #expect(redis[1].at("error", "message") == "unbalanced quotes in configuration line")

        let compose = try #require(try call(connector, "configs", ["compose"]).arrayValue)
        #expect(compose.count == 1)
        #expect(compose[0].at("data", "services", "cache", "image") == "redis:7.2")
        #expect(compose[0].at("data", "interpolation", "dotenv") == ".env")
        #expect(compose[0].at("data", "services", "cache", "ports", 0, "all_interfaces") == true)

        let dotenv = try #require(try call(connector, "configs", ["dotenv"]).arrayValue)
        #expect(dotenv[0].at("data", "variables", "REDIS_PASSWORD", "redacted") == true)
        #expect(dotenv[1].at("path") == "escape.env")
        #expect(dotenv[1].at("error", "message") == "symlink leads outside the audited folder")
        #expect(dotenv[1].at("meta", "type") == "symlink")

        #expect(try call(connector, "configs", ["hba"]) == [])
        let everything = try ConfigKind.allCases.map { try call(connector, "configs", [.string($0.rawValue)]) }
        let text = JSONWriter().string(.array(everything))
        let secrets = ["Tree-Env-Secret-303", "Tree-Userlist-Secret-202", "Tree-Broken-Secret-101"]
        let leaked = secrets.indices.filter { text.contains(secrets[$0]) }
        #expect(leaked == [])
    }

    @Test func fileMetadataTellsModeAndOwner() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let connector = FilesConnector(root: root)
        let userlist = try call(connector, "file", ["pgbouncer/userlist.txt"])
        #expect(userlist.at("exists") == true)
        #expect(userlist.at("type") == "file")
        #expect(userlist.at("mode") == 0o644)
        #expect(userlist.at("mode_octal") == "0644")
        #expect(userlist.at("size") == 33)
        #expect(userlist.at("uid") == .int(Int64(getuid())))
        #expect(userlist.at("owner") == .string(FileMetadata.userName(getuid()) ?? ""))
        let key = try call(connector, "file", ["secrets/server.key"])
        #expect(key.at("mode") == 0o600)
        #expect(key.at("mode_octal") == "0600")
        #expect(try call(connector, "file", ["secrets"]).at("type") == "directory")
        #expect(try call(connector, "file", ["outside"]).at("type") == "symlink")
        #expect(try call(connector, "file", ["nope.txt"]) == ["path": "nope.txt", "exists": false])
        // The metadata of a document is the same table.
        let documents = try call(connector, "configs", ["userlist"])
        #expect(documents.at(0, "meta", "mode_octal") == "0644")
    }

    @Test func refusesPathsOutsideTheRootAndUnknownRequests() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let connector = FilesConnector(root: root)
        for path in ["../etc/passwd", "/etc/passwd", "a/../../x", "outside/hostname", ""] {
            #expect(throws: ConnectorError(.refused, "files: '\(path)' is not a path inside the audited folder")) {
                try call(connector, "file", [.string(path)])
            }
        }
        #expect(throws: ConnectorError.self) { try call(connector, "configs", ["mysql"]) }
        #expect(throws: ConnectorError.self) { try call(connector, "configs", []) }
        #expect(throws: ConnectorError.self) { try call(connector, "write", ["x"]) }
        do {
            _ = try connector.call("configs", ["mysql"], deadline: .after(.seconds(5)))
        } catch {
            #expect(error.kind == .refused)
            #expect(error.message.contains("pgbouncer, userlist, redis, postgresql, hba, dotenv, compose"))
        }
        do {
            _ = try connector.call("list", [], deadline: Deadline(nanoseconds: 0))
            Issue.record("a passed deadline must stop the call")
        } catch {
            #expect(error.kind == .timeout)
        }
    }

    @Test func parsesEachFileOncePerConnector() throws {
        let root = try makeTree()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let connector = FilesConnector(root: root)
        let first = try call(connector, "configs", ["pgbouncer"])
        try FilesFixture.write("[pgbouncer]\nauth_type = trust\n", to: root + "/pgbouncer/pgbouncer.ini")
        #expect(try call(connector, "configs", ["pgbouncer"]) == first)
        #expect(first.at(0, "data", "pgbouncer", "auth_type") == "md5")
        // A new connector takes a new snapshot.
        let fresh = try call(FilesConnector(root: root), "configs", ["pgbouncer"])
        #expect(fresh.at(0, "data", "pgbouncer", "auth_type") == "trust")
    }

    @Test func unreadableInputsBecomeErrorEntries() throws {
        let root = try FilesFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FilesFixture.write(String(repeating: "A=1\n", count: 1_200_000), to: root + "/big.env")
        try FilesFixture.write("services:\n  a:\n    image: x:${TAG}\n", to: root + "/app/compose.yml")
        try FilesFixture.write("TAG=\"1.0\nAPI_TOKEN=Broken-Env-Secret-7\n", to: root + "/app/.env")
        let connector = FilesConnector(root: root)
        let dotenv = try call(connector, "configs", ["dotenv"])
        #expect(dotenv.at(0, "path") == "app/.env")
        #expect(dotenv.at(0, "error", "line") == 1)
        #expect(dotenv.at(1, "path") == "big.env")
        #expect(dotenv.at(1, "error") == ["line": 0, "message": "larger than 4 MiB: not parsed"])
        #expect(dotenv.at(1, "meta", "size") == 4_800_000)
        let compose = try call(connector, "configs", ["compose"])
        #expect(compose.at(0, "error", "line") == 0)
        #expect(
            compose.at(0, "error", "message")
                == "cannot interpolate: app/.env:1: unterminated double-quoted value for TAG")
    }

    @Test func recognisesFileNames() {
        let cases: [(String, ConfigKind?)] = [
            ("pgbouncer.ini", .pgbouncer), ("main.pgbouncer.ini", .pgbouncer), ("userlist.txt", .userlist),
            ("redis.conf", .redis), ("redis-6380.conf", .redis), ("cache.redis.conf", .redis),
            ("postgresql.conf", .postgresql), ("postgresql.auto.conf", .postgresql), ("pg_hba.conf", .hba),
            (".env", .dotenv), (".env.production", .dotenv), ("app.env", .dotenv), ("docker-compose.yml", .compose),
            ("docker-compose.prod.yaml", .compose), ("compose.yaml", .compose), ("compose.override.yml", .compose),
            ("config.yml", nil), ("pg_ident.conf", nil), ("redis.conf.bak", nil), ("env", nil),
        ]
        for (name, kind) in cases { #expect(ConfigKind.recognise(fileName: name) == kind, "\(name)") }
    }

    @Test func composeAndDotenvShareOneReadingOfTheEnvFile() throws {
        let root = try FilesFixture.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try FilesFixture.write("services:\n  cache:\n    image: redis:${TAG}\n", to: root + "/compose.yml")
        try FilesFixture.write("TAG=7.0\n", to: root + "/.env")
        let connector = FilesConnector(root: root)
        let dotenv = try call(connector, "configs", ["dotenv"])
        #expect(dotenv.at(0, "data", "variables", "TAG") == "7.0")
        // Changed after the first reading: the compose file still sees the snapshot.
        try FilesFixture.write("TAG=8.0\n", to: root + "/.env")
        let compose = try call(connector, "configs", ["compose"])
        #expect(compose.at(0, "data", "services", "cache", "image") == "redis:7.0")
    }
}
