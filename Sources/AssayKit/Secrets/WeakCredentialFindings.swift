import AssayConnectors
import AssayCore

/// The finding that a credential given to Assay is weak: made by the host, not by a check.
///
/// A weak password (``SecretStrength``: short, common, the same as the user name) cannot be
/// scrubbed by value without corrupting evidence — `postgres` would vanish from every answer — so
/// Assay redacts it only where it stands as a password, and says so. The finding names the target
/// and where the credential came from, never its value.
enum WeakCredentialFindings {
    static let checkID = "ASSAY-WEAK-CREDENTIAL"
    static let title = "Credentials given to Assay are strong"

    static func findings(_ registry: SecretRegistry) -> [Finding] {
        registry.weakCredentials.map { weak in
            Finding(
                checkID: checkID, title: title, severity: .high, category: "security", status: .fail, target: weak.target,
                resource: "credential/\(weak.source)",
                message: "the password given in \(weak.source) is weak (\(weak.reason)): anyone can guess it, and Assay "
                    + "can redact it only where it stands as a password, not wherever its text occurs",
                evidence: ["source": .string(weak.source), "weakness": .string(weak.reason), "length": .int(Int64(weak.length))],
                remediation: "Give this login a long random password (`openssl rand -base64 24`), set it on the server, "
                    + "and hand it to Assay through `password_env` or `password_file`.")
        }
    }
}
