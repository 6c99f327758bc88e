@testable import AssayConnectors
import AssayCore
import Testing

/// libpq text values to JSON, column names, addresses and message scrubbing (no server).
@Suite struct PostgresValueMappingTests {
    @Test func typesByOID() {
        let keep: (String) -> String = { $0 }
        #expect(LibPQValue.convert("42", oid: 20, scrub: keep) == .int(42))
        #expect(LibPQValue.convert("-7", oid: 21, scrub: keep) == .int(-7))
        #expect(LibPQValue.convert("4294967295", oid: 26, scrub: keep) == .int(4_294_967_295))
        #expect(LibPQValue.convert("t", oid: 16, scrub: keep) == .bool(true))
        #expect(LibPQValue.convert("f", oid: 16, scrub: keep) == .bool(false))
        #expect(LibPQValue.convert("1.5", oid: 701, scrub: keep) == .double(1.5))
        #expect(LibPQValue.convert("NaN", oid: 701, scrub: keep) == .string("NaN"))
        #expect(LibPQValue.convert("-Infinity", oid: 700, scrub: keep) == .string("-Infinity"))
        #expect(LibPQValue.convert("2024-01-02", oid: 1082, scrub: keep) == .string("2024-01-02"))
    }

    @Test func numericIsADoubleOnlyWhenExact() {
        #expect(LibPQValue.exactDouble(numeric: "12.50") == 12.5)
        #expect(LibPQValue.exactDouble(numeric: "-0.000001") == -0.000001)
        #expect(LibPQValue.exactDouble(numeric: "123456789012345") == 123_456_789_012_345)
        #expect(LibPQValue.exactDouble(numeric: "1000000000000000000000") == 1e21)
        #expect(LibPQValue.exactDouble(numeric: "1234567890123456") == nil)
        #expect(LibPQValue.exactDouble(numeric: "0.1234567890123456") == nil)
        #expect(LibPQValue.exactDouble(numeric: "NaN") == nil)
        #expect(LibPQValue.exactDouble(numeric: "Infinity") == nil)
        #expect(LibPQValue.exactDouble(numeric: "1" + String(repeating: "0", count: 400)) == nil)
    }

    @Test func repeatedColumnNamesGetSuffixes() {
        #expect(LibPQValue.uniqueNames(["a", "b", "a", "a"]) == ["a", "b", "a_2", "a_3"])
        #expect(LibPQValue.uniqueNames(["a_2", "a", "a"]) == ["a_2", "a", "a_3"])
    }

    @Test func addressesCarryNoPassword() {
        let url = LibPQTarget(conninfo: "postgres://assay:s3cr%40t@db:5432/app?sslmode=require&password=other",
                              password: nil)
        #expect(url.address == "postgres://assay@db:5432/app?sslmode=require")
        let pairs = LibPQTarget(conninfo: "host=db password='s3 cret' dbname=app", password: "explicit")
        #expect(!pairs.address.contains("s3"))
        #expect(pairs.address.contains("host=db"))
        #expect(pairs.address.contains("dbname=app"))
        // Passwords that the generic URL reading cannot see, but libpq reads.
        for (conninfo, secret) in [("postgres://u:p#w@db/app", "p#w"), ("postgres://u:p?w@db/app", "p?w")] {
            let odd = LibPQTarget(conninfo: conninfo, password: nil).address
            #expect(!odd.contains(secret), "\(conninfo)")
            #expect(odd == "postgres://u@db/app")
        }
    }

    @Test func urlPasswordsAreReadInOnePlace() {
        let text = "from postgres://a:pw1@h1/x to redis://:pw2@h2:6379 via http://h3/p?u=a:b@c"
        #expect(SecretRedaction.urlPasswords(in: text) == ["pw1", "pw2"])
        #expect(
            SecretRedaction.redactURL(text)
                == "from postgres://a:REDACTED@h1/x to redis://:REDACTED@h2:6379 via http://h3/p?u=a:b@c")
        #expect(SecretRedaction.redactURL("postgres://app:s3cret@db:5432/app") == "postgres://app:REDACTED@db:5432/app")
        #expect(SecretRedaction.redactURL("postgres://app@db/app") == "postgres://app@db/app")
        #expect(SecretRedaction.containsURLPassword("x redis://:p@h") && !SecretRedaction.containsURLPassword("a:b@c"))
        #expect(LibPQTarget.urlPasswords("postgres://u:p%40ss@h/db?PassWord=q") == ["p%40ss", "q", "p@ss", "q"])
    }

    @Test func messagesAreScrubbed() {
        let target = LibPQTarget(conninfo: "postgres://assay:s3cr%40t-4Kz9@db/app", password: "explicit-pw")
        let scrub = target.scrubber.scrub
        #expect(!scrub("failed for s3cr@t-4Kz9 and s3cr%40t-4Kz9").contains("s3cr"))
        // A weak password (the user name here) is removed where it stands as one, not wherever its text occurs.
        let weak = LibPQTarget(conninfo: "postgres://postgres:postgres@db/postgres", password: nil)
        #expect(weak.scrubber.scrub("role postgres on postgres://postgres:postgres@db") == "role postgres on postgres://postgres:REDACTED@db")
        #expect(!scrub("explicit-pw was wrong").contains("explicit-pw"))
        #expect(scrub("see postgres://u:hunter22@h/x") == "see postgres://u:REDACTED@h/x")
        #expect(scrub("host=h password=hunter22 user=u") == "host=h password=REDACTED user=u")
        #expect(scrub("{user=a,PASSWORD = 'hun ter',x=1}") == "{user=a,PASSWORD = REDACTED,x=1}")
        #expect(scrub("password authentication failed") == "password authentication failed")
    }
}
