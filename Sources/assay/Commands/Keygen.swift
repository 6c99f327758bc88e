import ArgumentParser
import AssayKit

/// `assay keygen --out DIR`.
struct Keygen: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Create an Ed25519 signing key: private.pem (0600), public.pem and keyid. Never overwrites.")

    @Option(help: ArgumentHelp("The folder to write the key pair into.", valueName: "dir"))
    var out: String

    func run() throws {
        let key = SigningKey.generate()
        do {
            try KeyFiles.writeKeyPair(key, to: out)
        } catch {
            throw ConfigurationError("\(error)")
        }
        Terminal.out("key id \(key.publicKey.keyID)")
        Terminal.out("wrote \(out)/\(KeyFiles.privateKeyName) (keep it secret), \(out)/\(KeyFiles.publicKeyName), \(out)/\(KeyFiles.keyIDName)")
    }
}
