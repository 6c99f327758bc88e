import AssayConnectors
import AssayCore
import Foundation
import AssayTestSupport
import Testing

/// Connecting honours the connect timeout and the call deadline exactly, against a port nobody
/// listens on and a listener that accepts and never answers (no live stack needed).
@Suite struct PostgresDeadlineTests {
    @Test func refusedConnectionIsUnreachableAtOnce() throws {
        let port = try freeLoopbackPort()
        let pg = PostgresConnector(url: "postgres://assay@127.0.0.1:\(port)/app",
                                   options: ConnectorOptions(connectTimeout: .seconds(5)))
        let (failure, seconds) = timedCall(pg, "query", ["SELECT 1"], deadline: .after(.seconds(10)))
        #expect(failure?.kind == .unreachable)
        #expect(failure?.message.contains("Connection refused") == true)
        #expect(seconds < 0.5)
    }

    @Test func silentServerTimesOutAtTheCallDeadline() throws {
        let server = try SilentListener.tcp()
        defer { server.stop() }
        let pg = PostgresConnector(url: "postgres://assay@127.0.0.1:\(server.port)/app",
                                   options: ConnectorOptions(connectTimeout: .seconds(30)))
        let (failure, seconds) = timedCall(pg, "query", ["SELECT 1"], deadline: .after(.seconds(1)))
        #expect(failure?.kind == .timeout)
        #expect(seconds >= 0.95 && seconds < 2.0, "took \(seconds) s")
        #expect(server.acceptedCount >= 1)
    }

    @Test func silentServerTimesOutAtTheConnectTimeout() throws {
        let server = try SilentListener.tcp()
        defer { server.stop() }
        let pg = PostgresConnector(url: "postgres://assay@127.0.0.1:\(server.port)/app",
                                   options: ConnectorOptions(connectTimeout: .milliseconds(500)))
        let (failure, seconds) = timedCall(pg, "version", [], deadline: .after(.seconds(10)))
        #expect(failure?.kind == .timeout)
        #expect(failure?.message.contains("connect timeout") == true)
        #expect(seconds >= 0.45 && seconds < 1.5, "took \(seconds) s")
    }

    @Test func callTimeoutCapsADistantDeadline() throws {
        let server = try SilentListener.tcp()
        defer { server.stop() }
        let pg = PostgresConnector(url: "postgres://assay@127.0.0.1:\(server.port)/app",
                                   options: ConnectorOptions(connectTimeout: .seconds(30),
                                                             callTimeout: .milliseconds(600)))
        let (failure, seconds) = timedCall(pg, "query", ["SELECT 1"], deadline: .distantFuture)
        #expect(failure?.kind == .timeout)
        #expect(seconds >= 0.55 && seconds < 1.6, "took \(seconds) s")
        // Closed after the timeout: the next call connects again (and times out again).
        #expect(timedCall(pg, "query", ["SELECT 1"], deadline: .after(.milliseconds(300))).error?.kind == .timeout)
        #expect(server.acceptedCount >= 2)
    }
}

extension PostgresDeadlineTests {
    @Test func passedDeadlineSendsNothing() throws {
        let server = try SilentListener.tcp()
        defer { server.stop() }
        let pg = PostgresConnector(url: "postgres://assay@127.0.0.1:\(server.port)/app")
        let (failure, seconds) = timedCall(pg, "version", [], deadline: Deadline(nanoseconds: 0))
        #expect(failure?.kind == .timeout)
        #expect(seconds < 0.1)
        usleep(50_000)
        #expect(server.acceptedCount == 0)
    }
}
