import AssayTestSupport
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Plants a ``LeakCase`` on the real stack, runs `assay run` over it as a user would, and hands back
/// every byte the run produced: stdout, stderr, and each file under the output folder (transcript
/// and certification included).
enum LeakHarness {
    /// What a run left behind, by where: `stdout`, `stderr`, or a path under the output folder.
    struct Outputs {
        var status: Int32
        var texts: [(place: String, text: String)]

        /// Places where `needle` occurs.
        func places(holding needle: String) -> [String] {
            texts.filter { $0.text.contains(needle) }.map(\.place)
        }
    }

    // MARK: - The leaky checks

    /// Checks that put everything their target answers into messages, evidence and `--verbose` log
    /// lines: the hardest test of the scrubbing behind the connectors.
    static let leakyChecks: [String: String] = [
        "files.lua": check("LEAK-FILES", "files", """
            local all = {}
            for _, kind in ipairs({ "dotenv", "compose", "pgbouncer", "userlist", "redis", "postgresql", "hba" }) do
              all[kind] = ctx.target:configs(kind)
            end
            all.list = ctx.target:list()
            report(all)
            ctx:fail { resource = "input", message = "input api_token is " .. tostring(ctx:input("api_token", "none")) }
            """),
        "postgres.lua": check("LEAK-POSTGRES", "postgres", """
            report {
              version = try(function() return ctx.target:version() end),
              settings = try(function() return ctx.target:settings() end),
              activity = try(function() return ctx.target:query("SELECT usename, datname, application_name, state, query FROM pg_stat_activity ORDER BY pid") end),
              me = try(function() return ctx.target:query("SELECT current_user AS login, current_database() AS db") end),
              roles = try(function() return ctx.target:query("SELECT rolname FROM pg_roles ORDER BY rolname") end),
            }
            """),
        "pgbouncer.lua": check("LEAK-PGBOUNCER", "pgbouncer", """
            report {
              config = try(function() return ctx.target:config() end),
              databases = try(function() return ctx.target:databases() end),
              users = try(function() return ctx.target:show("USERS") end),
              clients = try(function() return ctx.target:clients() end),
              version = try(function() return ctx.target:version() end),
            }
            """),
        "redis.lua": check("LEAK-REDIS", "redis", """
            report {
              config = try(function() return ctx.target:config_get("*") end),
              raw_config = try(function() return ctx.target:command("CONFIG", "GET", "*") end),
              info = try(function() return ctx.target:info() end),
              acl = try(function() return ctx.target:acl_list() end),
              raw_acl = try(function() return ctx.target:command("ACL", "LIST") end),
              clients = try(function() return ctx.target:client_list() end),
              slowlog = try(function() return ctx.target:slowlog(128) end),
            }
            """),
        "docker.lua": check("LEAK-DOCKER", "docker", """
            local containers = try(function() return ctx.target:containers() end)
            local inspected = {}
            for _, c in ipairs(type(containers) == "table" and containers or {}) do
              local name = (c.Names or {})[1] or ""
              if name:find("leak-", 1, true) then
                inspected[name] = try(function() return ctx.target:container(c.Id) end)
              end
            end
            report { containers = containers, inspected = inspected,
                     info = try(function() return ctx.target:engine_info() end),
                     volumes = try(function() return ctx.target:get("/volumes") end) }
            """),
    ]

    /// A check whose body can call `report(table)` (message, evidence, log line) and `try(f)`.
    private static func check(_ id: String, _ kind: String, _ body: String) -> String {
        checkSource(id: id, needs: kind, severity: "info", category: "leak", inputs: id == "LEAK-FILES" ? #"api_token = "none""# : nil, """
            local function dump(v, depth)
              depth = depth or 0
              if type(v) ~= "table" then return tostring(v) end
              if depth > 14 then return "..." end
              local keys = {}
              for k in pairs(v) do keys[#keys + 1] = k end
              table.sort(keys, function(a, b) return tostring(a) < tostring(b) end)
              local parts = {}
              for _, k in ipairs(keys) do parts[#parts + 1] = tostring(k) .. ": " .. dump(v[k], depth + 1) end
              return "{" .. table.concat(parts, "; ") .. "}"
            end
            local function try(f)
              local ok, value, message = pcall(f)
              if not ok then return "raised: " .. tostring(value) end
              if value == nil then return "nil: " .. tostring(message) end
              return value
            end
            local function report(t)
              local text = dump(t)
              print(text)
              ctx:fail { resource = "everything", message = text, evidence = t }
            end
            \(body)
            """)
    }

    // MARK: - Shared state

    nonisolated(unsafe) private static var sharedFolder: String?  // set once, before any reader

    /// The `assay` under test: the one built beside the tests, or `ASSAY_LEAK_EXECUTABLE` (to
    /// measure another build, e.g. the code before a change, with the same cases).
    static let executable = ProcessInfo.processInfo.environment["ASSAY_LEAK_EXECUTABLE"] ?? CLI.executable

    /// The signing key and the folder of leaky checks, made once per test process and removed
    /// when it exits.
    static let shared: (key: String, checks: String) = {
        let folder = (try? TemporaryFolder(prefix: "assay-leak-shared", leakyChecks))!
        sharedFolder = folder.path
        atexit { if let path = LeakHarness.sharedFolder { try? FileManager.default.removeItem(atPath: path) } }
        let keys = folder.file("keys")
        let made = try? Program.run(executable, ["keygen", "--out", keys])
        precondition(made?.status == 0, "assay keygen failed: \(made?.stderr ?? "?")")
        return (keys + "/private.pem", folder.path)
    }()

    // MARK: - Running a case

    /// Plants the case, runs it, cleans up; the secret and witnesses as expanded, and the outputs.
    static func run(_ leak: LeakCase) throws -> (secret: String, witnesses: [String], outputs: Outputs) {
        let stack = try LiveStack.current()
        let work = try TemporaryFolder(prefix: "assay-leak-\(leak.id)")
        defer { work.remove() }
        var values = ["{DIR}": work.path, "{NAME}": "leak-\(leak.id)", "{ROLE}": "leak_" + leak.id.replacingOccurrences(of: "-", with: "_")]
        let postgres = try StackPostgres(stack)
        values["{PG}"] = "127.0.0.1:\(postgres.port)"
        values["{PGHOST}"] = "127.0.0.1"
        values["{PGPORT}"] = String(postgres.port)
        values["{PGB}"] = "127.0.0.1:" + (try stack.value("ASSAY_STACK_PGBOUNCER_PORT"))
        let secret = try expand(leak.secret, values, stack: stack)
        values["{S}"] = secret
        values["{S%}"] = percentEncoded(secret)

        var cleanups: [() -> Void] = []
        defer { cleanups.reversed().forEach { $0() } }
        if let config = leak.redis {
            let server = try RedisTestServer(
                try config.map { try expand($0, values, stack: stack) },
                password: try leak.redisPassword.map { try expand($0, values, stack: stack) })
            cleanups.append { server.stop() }
            values["{REDIS}"] = "127.0.0.1:\(server.port)"
        }
        for (path, contents) in leak.files {
            try work.write(try expand(path, values, stack: stack), try expand(contents, values, stack: stack))
        }
        if leak.postgresRole {
            let role = values["{ROLE}"]!
            try postgres.admin("DROP ROLE IF EXISTS \(role)")
            try postgres.admin("CREATE ROLE \(role) LOGIN PASSWORD '\(secret.replacingOccurrences(of: "'", with: "''"))' IN ROLE pg_monitor")
            cleanups.append { _ = try? postgres.admin("DROP ROLE IF EXISTS \(role)") }
        }
        if let sql = leak.idleSessionSQL {
            let session = try postgres.idleSession(after: try expand(sql, values, stack: stack))
            cleanups.append { session.end() }
        }
        if let options = leak.container {
            let engine = try StackDocker(stack)
            let name = values["{NAME}"]!
            try engine.create(
                name, try options.map { try expand($0, values, stack: stack) },
                command: try leak.containerCommand.map { try expand($0, values, stack: stack) })
            cleanups.append { engine.remove(name) }
        }

        let out = work.file("out")
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in leak.environment { environment[name] = try expand(value, values, stack: stack) }
        let arguments = ["run"] + (try leak.arguments.map { try expand($0, values, stack: stack) }) + [
            "--checks", shared.checks, "--out", out, "--record", out + "/t.jsonl", "--verbose", "--sign", shared.key,
        ]
        let result = try Program.run(executable, arguments, environment: environment, directory: work.path)
        var texts: [(String, String)] = [("stdout", result.stdout), ("stderr", result.stderr)]
        if let enumerator = FileManager.default.enumerator(atPath: out) {
            while let name = enumerator.nextObject() as? String {
                var isDirectory: ObjCBool = false
                let path = out + "/" + name
                if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                    texts.append((name, String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)))
                }
            }
        }
        let witnesses = try leak.witnesses.map { try expand($0, values, stack: stack) }
        return (secret, witnesses, Outputs(status: result.status, texts: texts))
    }

    // MARK: - Forms of a secret, computed independently of Assay's own

    /// The secret and what it looks like percent-encoded, in base64 (at each of the three byte
    /// alignments it can have inside a longer encoded text) and JSON-escaped.
    static func forms(of secret: String) -> [String] {
        var forms = [secret]
        func add(_ form: String?) {
            if let form, form.count >= 6, !forms.contains(form) { forms.append(form) }
        }
        add(percentEncoded(secret))
        add(lowercaseEscapes(percentEncoded(secret)))
        add(secret.addingPercentEncoding(withAllowedCharacters: .urlPasswordAllowed))
        let bytes = Array(secret.utf8)
        for offset in 0..<3 {
            let encoded = Data([UInt8](repeating: 0, count: offset) + bytes + [0, 0, 0]).base64EncodedString()
            let characters = Array(encoded)
            let first = (8 * offset + 5) / 6, last = (8 * (offset + bytes.count)) / 6
            if last > first {
                let piece = String(characters[first..<last])
                add(piece)
                add(piece.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_"))
            }
        }
        if let json = try? JSONEncoder().encode([secret]), let text = String(data: json, encoding: .utf8) {
            add(String(text.dropFirst(2).dropLast(2)))  // ["…"] → …
        }
        return forms
    }

    /// `%2f` for `%2F`: the hex digits of each escape in lower case.
    static func lowercaseEscapes(_ text: String) -> String {
        var out = ""
        var hexLeft = 0
        for character in text {
            out += hexLeft > 0 ? character.lowercased() : String(character)
            hexLeft = character == "%" ? 2 : max(0, hexLeft - 1)
        }
        return out
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    // MARK: - Templates

    private static func expand(_ template: String, _ values: [String: String], stack: LiveStack) throws -> String {
        var text = template
        while let open = text.range(of: "{STACK:"), let close = text[open.upperBound...].firstIndex(of: "}") {
            let key = String(text[open.upperBound..<close])
            text.replaceSubrange(open.lowerBound...close, with: try stack.value(key))
        }
        for (key, value) in values.sorted(by: { $0.key.count > $1.key.count }) {
            text = text.replacingOccurrences(of: key, with: value)
        }
        return text
    }
}

// MARK: - The stack's servers, from outside

/// The stack's PostgreSQL as its superuser sees it (never given to Assay): psql with the password in
/// the environment, never on the command line.
struct StackPostgres {
    let port: Int
    private let user: String
    private let password: String

    init(_ stack: LiveStack) throws {
        guard let url = URLComponents(string: try stack.postgresAdminURL), let port = url.port else {
            throw TestFailure("the stack's admin URL does not parse")
        }
        self.port = port
        self.user = url.user ?? "postgres"
        self.password = url.password ?? ""
    }

    private var environment: [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["PGPASSWORD"] = password
        return environment
    }

    private var arguments: [String] { ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", String(port), "-U", user, "-d", "app"] }

    @discardableResult
    func admin(_ sql: String) throws -> String {
        try Program.output("/usr/bin/psql", arguments + ["-At", "-c", sql], environment: environment)
    }

    /// A session that ran `sql` and then stays open, idle, until `end()`.
    func idleSession(after sql: String) throws -> IdleSession {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = arguments
        process.environment = environment
        let input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        try input.fileHandleForWriting.write(contentsOf: Data((sql + "\n").utf8))
        let session = IdleSession(process: process, input: input)
        let started = Date()
        let probe = sql.prefix(20).replacingOccurrences(of: "'", with: "''")
        while Date().timeIntervalSince(started) < 20 {
            let seen = try admin("SELECT count(*) FROM pg_stat_activity WHERE state = 'idle' AND query LIKE '\(probe)%'")
            if seen != "0" { return session }
            usleep(50_000)
        }
        session.end()
        throw TestFailure("the idle session never showed its statement in pg_stat_activity")
    }

    final class IdleSession: @unchecked Sendable {
        let process: Process
        let input: Pipe

        init(process: Process, input: Pipe) {
            self.process = process
            self.input = input
        }

        func end() {
            try? input.fileHandleForWriting.close()
            process.waitUntilExit()
        }
    }
}

/// The stack's Docker engine, through the docker CLI.
struct StackDocker {
    let socket: String
    let image: String

    init(_ stack: LiveStack) throws {
        socket = try stack.dockerURL
        image = try stack.dockerImage
    }

    /// Creates (never starts) a container on no network, replacing a leftover of the same name.
    func create(_ name: String, _ options: [String], command: [String]) throws {
        remove(name)
        try docker(["create", "--name", name, "--network", "none"] + options + [image] + command)
    }

    func remove(_ name: String) { _ = try? docker(["rm", "-f", name]) }

    @discardableResult
    func docker(_ args: [String]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["DOCKER_CONFIG"] = FileManager.default.temporaryDirectory.appendingPathComponent("assay-leak-docker-cli").path
        let result = try Program.run("/usr/bin/docker", ["-H", socket] + args, environment: environment)
        guard result.status == 0 else { throw TestFailure("docker \(args.first ?? ""): \(result.stderr)") }
        return result.text
    }
}
