import AssayCore
import AssayKit
import AssayTestSupport
import Foundation
import Testing

/// The built-in Docker checks (`checks/docker`) against the stack's engine, each with a container
/// that fails it and one that passes.
///
/// The stack's containers give most cases: assay-web (healthy, user 1000, memory and PIDs limits,
/// read-only, no-new-privileges), assay-unhealthy, assay-privileged and assay-docker-sock (created
/// only). Other states come from containers the test creates (`t-rdchecks-…`, `--network none`,
/// most never started) and removes. Tests run in parallel on one engine, so each looks only at the
/// containers it names.
@Suite("Docker checks") struct DockerChecksTests {
    // MARK: - Isolation

    @Test func privileged() throws {
        let findings = try Engine.audit("DOCKER-PRIVILEGED")
        #expect(findings.graded(["assay-privileged", "assay-web"]) == [
            "DOCKER-PRIVILEGED fail critical container/assay-privileged",
            "DOCKER-PRIVILEGED pass critical container/assay-web",
        ])
    }

    @Test func dockerSocket() throws {
        let findings = try Engine.audit("DOCKER-SOCKET-MOUNT")
        #expect(findings.graded(["assay-docker-sock", "assay-web"]) == [
            "DOCKER-SOCKET-MOUNT fail critical container/assay-docker-sock",
            "DOCKER-SOCKET-MOUNT pass critical container/assay-web",
        ])
        #expect(findings.on("assay-docker-sock")?.message.contains(":/var/run/docker.sock") == true)
    }

    @Test func sensitiveMounts() throws {
        let engine = try Engine()
        let names = ["t-rdchecks-etc-rw", "t-rdchecks-etc-ro"]
        defer { engine.remove(names) }
        try engine.create(names[0], ["-v", "/etc:/host/etc"])
        try engine.create(names[1], ["-v", "/etc:/host/etc:ro"])
        let findings = try Engine.audit("DOCKER-SENSITIVE-MOUNTS")
        #expect(findings.graded(names + ["assay-web"]) == [
            "DOCKER-SENSITIVE-MOUNTS fail high container/t-rdchecks-etc-rw",
            "DOCKER-SENSITIVE-MOUNTS pass high container/assay-web",
            "DOCKER-SENSITIVE-MOUNTS pass high container/t-rdchecks-etc-ro",
        ])
        #expect(findings.on("t-rdchecks-etc-rw")?.message == "mounts host system directories read-write: /etc:/host/etc")
    }

    @Test func hostNamespaces() throws {
        let engine = try Engine()
        let name = "t-rdchecks-hostns"
        defer { engine.remove([name]) }
        try engine.create(name, ["--network", "host", "--pid", "host", "--ipc", "host", "--uts", "host"])
        let findings = try Engine.audit("DOCKER-HOST-NAMESPACES")
        #expect(findings.graded([name, "assay-web"]) == [
            "DOCKER-HOST-NAMESPACES fail high container/t-rdchecks-hostns",
            "DOCKER-HOST-NAMESPACES pass high container/assay-web",
        ])
        #expect(findings.on(name)?.message
            == "shares the host's network (CIS 5.10), pid (CIS 5.16), ipc (CIS 5.17), uts (CIS 5.21) namespaces")
    }

    @Test func capabilities() throws {
        let engine = try Engine()
        let names = ["t-rdchecks-cap-sysadmin", "t-rdchecks-cap-all", "t-rdchecks-cap-chown"]
        defer { engine.remove(names) }
        try engine.create(names[0], ["--cap-add", "SYS_ADMIN", "--cap-add", "NET_ADMIN"])
        try engine.create(names[1], ["--cap-add", "ALL"])
        try engine.create(names[2], ["--cap-add", "CHOWN"])  // in the default set already
        let findings = try Engine.audit("DOCKER-CAP-ADD")
        #expect(findings.graded(names) == [
            "DOCKER-CAP-ADD fail high container/t-rdchecks-cap-all",
            "DOCKER-CAP-ADD fail medium container/t-rdchecks-cap-sysadmin",
            "DOCKER-CAP-ADD pass medium container/t-rdchecks-cap-chown",
        ])
        #expect(findings.on(names[0])?.message == "adds capabilities beyond Docker's defaults: NET_ADMIN, SYS_ADMIN")
    }

    @Test func seccomp() throws {
        let engine = try Engine()
        let name = "t-rdchecks-seccomp"
        defer { engine.remove([name]) }
        try engine.create(name, ["--security-opt", "seccomp=unconfined"])
        let findings = try Engine.audit("DOCKER-SECCOMP-UNCONFINED")
        #expect(findings.graded([name, "assay-web"]) == [
            "DOCKER-SECCOMP-UNCONFINED fail high container/t-rdchecks-seccomp",
            "DOCKER-SECCOMP-UNCONFINED pass high container/assay-web",
        ])
    }

    @Test func noNewPrivileges() throws {
        let findings = try Engine.audit("DOCKER-NO-NEW-PRIVILEGES")
        #expect(findings.graded(["assay-unhealthy", "assay-web"]) == [
            "DOCKER-NO-NEW-PRIVILEGES fail low container/assay-unhealthy",
            "DOCKER-NO-NEW-PRIVILEGES pass low container/assay-web",
        ])
    }

    @Test func readOnlyRootfs() throws {
        let findings = try Engine.audit("DOCKER-READONLY-ROOTFS")
        #expect(findings.graded(["assay-unhealthy", "assay-web"]) == [
            "DOCKER-READONLY-ROOTFS fail low container/assay-unhealthy",
            "DOCKER-READONLY-ROOTFS pass low container/assay-web",
        ])
    }

    @Test func runAsRoot() throws {
        let engine = try Engine()
        let name = "t-rdchecks-user-root"
        defer { engine.remove([name]) }
        try engine.create(name, ["--user", "0:0"])
        let findings = try Engine.audit("DOCKER-RUN-AS-ROOT")
        #expect(findings.graded(["assay-unhealthy", "assay-web", name]) == [
            "DOCKER-RUN-AS-ROOT fail medium container/assay-unhealthy",
            "DOCKER-RUN-AS-ROOT fail medium container/t-rdchecks-user-root",
            "DOCKER-RUN-AS-ROOT pass medium container/assay-web",
        ])
        #expect(findings.on("assay-unhealthy")?.message == "runs as root (user unset)")
    }

    // MARK: - Resources

    @Test func memoryLimit() throws {
        let findings = try Engine.audit("DOCKER-MEMORY-LIMIT")
        #expect(findings.graded(["assay-unhealthy", "assay-web"]) == [
            "DOCKER-MEMORY-LIMIT fail medium container/assay-unhealthy",
            "DOCKER-MEMORY-LIMIT pass medium container/assay-web",
        ])
        #expect(findings.on("assay-web")?.message == "memory limit 64 MiB")
    }

    @Test func cpuLimit() throws {
        let engine = try Engine()
        let name = "t-rdchecks-cpus"
        defer { engine.remove([name]) }
        try engine.create(name, ["--cpus", "0.5"])
        let findings = try Engine.audit("DOCKER-CPU-LIMIT")
        #expect(findings.graded(["assay-web", name]) == [
            "DOCKER-CPU-LIMIT fail low container/assay-web",
            "DOCKER-CPU-LIMIT pass low container/t-rdchecks-cpus",
        ])
        #expect(findings.on(name)?.message == "limited to 0.5 CPUs")
    }

    @Test func pidsLimit() throws {
        let findings = try Engine.audit("DOCKER-PIDS-LIMIT")
        #expect(findings.graded(["assay-unhealthy", "assay-web"]) == [
            "DOCKER-PIDS-LIMIT fail low container/assay-unhealthy",
            "DOCKER-PIDS-LIMIT pass low container/assay-web",
        ])
    }

    @Test func oomKilled() throws {
        let engine = try Engine()
        let name = "t-rdchecks-oom"
        defer { engine.remove([name]) }
        // A shell that doubles a string until its 8 MiB run out.
        try engine.create(
            name, ["--memory", "8m", "--memory-swap", "8m"], command: ["sh", "-c", "a=xxxxxxxx; while true; do a=$a$a; done"])
        try engine.docker(["start", name])
        // The shell sometimes dies of a failed allocation before the kernel's OOM killer acts: start
        // it again until the engine records an OOM kill.
        var lastState = ""
        do {
            try engine.waitUntil("\(name) OOM-killed") {
                lastState = try engine.inspect(name, "{{.State.Status}} oom={{.State.OOMKilled}} exit={{.State.ExitCode}}")
                if lastState.hasPrefix("exited oom=false") { try engine.docker(["start", name]) }
                return lastState.contains("oom=true")
            }
        } catch {
            throw TestFailure("\(error) (last state: \(lastState))")
        }
        let findings = try Engine.audit("DOCKER-OOM-KILLED")
        #expect(findings.graded([name, "assay-web"]) == [
            "DOCKER-OOM-KILLED fail high container/t-rdchecks-oom",
            "DOCKER-OOM-KILLED pass high container/assay-web",
        ])
        #expect(findings.on(name)?.message == "OOM-killed (exit code 137, memory limit 8 MiB)")
    }

    // MARK: - Network

    @Test func publishedPorts() throws {
        let engine = try Engine()
        let names = ["t-rdchecks-port-redis", "t-rdchecks-port-web", "t-rdchecks-port-local"]
        defer { engine.remove(names) }
        try engine.create(names[0], ["-p", "6379:6379"])
        try engine.create(names[1], ["-p", "8080:80"])
        try engine.create(names[2], ["-p", "127.0.0.1:6379:6379"])
        let findings = try Engine.audit("DOCKER-PORTS-ALL-INTERFACES")
        #expect(findings.graded(names + ["assay-web"]) == [
            "DOCKER-PORTS-ALL-INTERFACES fail high container/t-rdchecks-port-redis",
            "DOCKER-PORTS-ALL-INTERFACES fail medium container/t-rdchecks-port-web",
            "DOCKER-PORTS-ALL-INTERFACES pass medium container/assay-web",
            "DOCKER-PORTS-ALL-INTERFACES pass medium container/t-rdchecks-port-local",
        ])
        #expect(findings.on(names[0])?.message == "publishes on all host interfaces: 0.0.0.0:6379->6379/tcp (a database or cache port)")
        // The input names the ports that make a binding high: here the web port, and not Redis's.
        let web = try Engine.audit("DOCKER-PORTS-ALL-INTERFACES", inputs: ["sensitive_ports": .array([.int(80)])])
        #expect(web.graded(Array(names.prefix(2))) == [
            "DOCKER-PORTS-ALL-INTERFACES fail high container/t-rdchecks-port-web",
            "DOCKER-PORTS-ALL-INTERFACES fail medium container/t-rdchecks-port-redis",
        ])
    }

    // MARK: - Resilience, health, images

    @Test func restartPolicy() throws {
        let engine = try Engine()
        let names = ["t-rdchecks-crashloop", "t-rdchecks-always"]
        defer { engine.remove(names) }
        try engine.create(names[0], ["--restart", "always"], command: ["/bin/false"])
        try engine.docker(["start", names[0]])
        try engine.create(names[1], ["--restart", "always"])
        try engine.waitUntil("\(names[0]) restarting") { (Int(try engine.inspect(names[0], "{{.RestartCount}}")) ?? 0) >= 3 }
        let findings = try Engine.audit("DOCKER-RESTART-POLICY")
        #expect(findings.graded(names + ["assay-web"]) == [
            "DOCKER-RESTART-POLICY fail high container/t-rdchecks-crashloop",
            "DOCKER-RESTART-POLICY fail low container/t-rdchecks-always",
            "DOCKER-RESTART-POLICY pass low container/assay-web",
        ])
        #expect(findings.on(names[1])?.message == "restart policy always: a crash loop restarts forever")
    }

    @Test func health() throws {
        let findings = try Engine.audit("DOCKER-HEALTH")
        #expect(findings.graded(["assay-unhealthy", "assay-privileged", "assay-web"]) == [
            "DOCKER-HEALTH fail high container/assay-unhealthy",
            "DOCKER-HEALTH fail low container/assay-privileged",
            "DOCKER-HEALTH pass low container/assay-web",
        ])
        #expect(findings.on("assay-web")?.message == "healthcheck configured, status healthy")
    }

    @Test func imageTag() throws {
        let engine = try Engine()
        let names = ["t-rdchecks-by-id", "t-rdchecks-untagged"]
        let alias = "t-rdchecks/busybox"
        defer {
            engine.remove(names)
            _ = try? engine.docker(["image", "rm", "\(alias):latest"])  // the tag only: assay/busybox:1 keeps the image
        }
        let id = try engine.docker(["image", "inspect", "-f", "{{.Id}}", engine.image])
        try engine.docker(["tag", engine.image, "\(alias):latest"])
        try engine.create(names[0], [], image: id)
        try engine.create(names[1], [], image: alias)
        let findings = try Engine.audit("DOCKER-IMAGE-TAG")
        #expect(findings.graded(names + ["assay-web"]) == [
            "DOCKER-IMAGE-TAG fail low container/t-rdchecks-by-id",
            "DOCKER-IMAGE-TAG fail low container/t-rdchecks-untagged",
            "DOCKER-IMAGE-TAG pass low container/assay-web",
        ])
        #expect(findings.on(names[1])?.message == "image t-rdchecks/busybox: no tag, so :latest")
    }

    /// Every container is a resource of every check, created and stopped ones included.
    @Test func everyContainerIsAResource() throws {
        let ids = ["DOCKER-PRIVILEGED", "DOCKER-HEALTH", "DOCKER-IMAGE-TAG"]
        let findings = try CheckHarness.run(ids, targets: [CheckHarness.stackTarget(.docker)])
        for id in ids {
            let resources = Set(findings.filter { $0.checkID == id }.map(\.resource))
            #expect(resources.isSuperset(of: Engine.stackContainers.map { "container/\($0)" }), "\(id): \(resources.sorted())")
        }
        #expect(!findings.contains { $0.status == .error })
    }
}

// MARK: - Helpers

extension Array where Element == Finding {
    /// `CHECK status severity resource` lines of the findings on these containers, sorted.
    fileprivate func graded(_ containers: [String]) -> [String] {
        let resources = Set(containers.map { "container/\($0)" })
        return filter { resources.contains($0.resource) }
            .map { "\($0.checkID) \($0.status.rawValue) \($0.severity.rawValue) \($0.resource)" }.sorted()
    }

    /// The finding on one container.
    fileprivate func on(_ container: String) -> Finding? { first { $0.resource == "container/\(container)" } }
}

/// The stack's Docker engine, driven with the docker CLI for set-up.
private struct Engine {
    static let stackContainers = ["assay-docker-sock", "assay-privileged", "assay-unhealthy", "assay-web"]

    let socket: String
    let image: String

    init() throws {
        let stack = try LiveStack.current()
        socket = try stack.dockerURL
        image = try stack.dockerImage
    }

    /// Runs one built-in check against the stack's engine.
    static func audit(_ id: String, inputs: [String: JSONValue] = [:]) throws -> [Finding] {
        try CheckHarness.run([id], targets: [CheckHarness.stackTarget(.docker)], inputs: inputs)
    }

    /// Creates (never starts) a container on no network, replacing a leftover of the same name.
    func create(_ name: String, _ options: [String], image: String? = nil, command: [String] = []) throws {
        _ = try? docker(["rm", "-f", name])
        let network = options.contains("--network") ? [] : ["--network", "none"]
        try docker(["create", "--name", name] + network + options + [image ?? self.image] + command)
    }

    func remove(_ names: [String]) {
        _ = try? docker(["rm", "-f"] + names)
    }

    func inspect(_ name: String, _ format: String) throws -> String {
        try docker(["inspect", "-f", format, name])
    }

    /// Polls `condition` until it holds (15 s at most).
    func waitUntil(_ what: String, _ condition: () throws -> Bool) throws {
        let started = Date()
        while Date().timeIntervalSince(started) < 60 {  // generous: the engine is slow when the machine is loaded
            if try condition() { return }
            usleep(100_000)
        }
        throw TestFailure("timed out waiting for \(what)")
    }

    /// Runs the docker CLI against the stack's engine; its output without the trailing newline.
    @discardableResult
    func docker(_ args: [String]) throws -> String {
        var environment = ProcessInfo.processInfo.environment
        environment["DOCKER_CONFIG"] = FileManager.default.temporaryDirectory.appendingPathComponent("assay-rdchecks-docker-cli").path
        let result = try Program.run("/usr/bin/docker", ["-H", socket] + args, environment: environment)
        guard result.status == 0 else { throw TestFailure("docker \(args.joined(separator: " ")): \(result.stderr)") }
        return result.text
    }
}
