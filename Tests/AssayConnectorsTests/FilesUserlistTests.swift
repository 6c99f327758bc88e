import AssayCore
import Testing

@testable import AssayConnectors

@Suite struct FilesUserlistTests {
    @Test func describesEachPasswordForm() throws {
        let data = try UserlistParser.parse(try FilesFixture.text("userlist/good.txt"), path: "userlist.txt")
        let users = try #require(data.at("users")?.arrayValue)
        #expect(users.count == 4)
        #expect(users[0].at("user") == "app")
        #expect(users[0].at("password", "form") == "md5")
        #expect(users[0].at("line") == 2)
        #expect(users[1].at("password", "form") == "plain")
        #expect(users[1].at("password", "weak") == false)
        #expect(users[2].at("password", "form") == "scram-sha-256")
        #expect(users[2].at("line") == 5)
        #expect(users[3].at("user") == "odd\"name")
        #expect(users[3].at("password", "set") == false)
    }

    @Test func unquotedPasswordIsAnError() throws {
        let error = try FilesFixture.failure("userlist/malformed.txt", UserlistParser.parse)
        #expect(error?.line == 2)
        #expect(error?.message.contains("broken") == true)
    }
}
