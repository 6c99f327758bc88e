/// A failure of the test machinery itself (a program that did not start or failed, a port that
/// could not be bound), as opposed to a failed expectation.
public struct TestFailure: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
