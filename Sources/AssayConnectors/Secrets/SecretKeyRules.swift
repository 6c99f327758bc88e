/// Which keys hold secrets: the rules as data, each with the reason it exists and the keys it is
/// there for.
///
/// A key is read as words: `-`, `.`, `/`, blanks and any other punctuation separate them, and so
/// does a change from lower to upper case (`dbPassword` is `DB PASSWORD`); words are compared
/// upper-case. A key is secret when a rule in ``rules`` matches it and no rule in ``exceptions``
/// does. `SecretKeyRulesTests` proves every rule with its examples.
///
/// ```swift
/// SecretKeyRules.rule(for: "DB_PW")?.reason          // "a password, abbreviated"
/// SecretKeyRules.isSecret("POSTGRES_HOST_AUTH_METHOD")  // false: how, not what
/// ```
public enum SecretKeyRules {
    /// One way a key can be recognised.
    public enum Match: Hashable, Sendable {
        /// Some word contains the text (`PASSWORD` in `PGPASSWORD`).
        case wordContains(String)
        /// Some word is the text or ends with it, but is none of `except` (`PASS` in `REQUIREPASS`, not `BYPASS`).
        case wordEndsWith(String, except: Set<String>)
        /// Some word is exactly the text and the key has other words too (`PW` in `DB_PW`, not `PWD` alone).
        case wordBesideOthers(String)
        /// The last word is the text, after at least one other (`*_KEY`: `STRIPE_KEY`, not `KEY`).
        case lastWord(String)
        /// The first word, then (anywhere later) the second (`ACCESS … KEY` in `AWS_ACCESS_KEY_ID`).
        case wordsInOrder(String, String)
        /// An authentication word (`AUTH`, `…AUTH`, `AUTHORIZATION`) not followed by a word that
        /// makes it a setting about authentication (``authSettingWords``: `AUTH_TYPE`, `auth_user`).
        case authentication
        /// The whole key, exactly (`REQUIREPASS`).
        case exactly(String)
        /// The last word is one of these (`…_FILE`, `…_PATH`).
        case lastWordIn(Set<String>)
    }

    /// A rule: how it matches, why, and keys it must match (the test of the rule).
    public struct Rule: Hashable, Sendable {
        public let match: Match
        public let reason: String
        public let examples: [String]
    }

    // MARK: - The rules

    /// Keys whose values are secrets.
    public static let rules: [Rule] = [
        Rule(match: .wordContains("PASSWORD"), reason: "a password",
             examples: ["password", "PGPASSWORD", "POSTGRES_PASSWORD", "dbPassword", "ldap-password"]),
        Rule(match: .wordContains("PASSWD"), reason: "a password, Unix spelling",
             examples: ["passwd", "ldapbindpasswd", "DB_PASSWD"]),
        Rule(match: .wordContains("PASSPHRASE"), reason: "a passphrase, or a command that may print one",
             examples: ["ssl_passphrase_command", "KEY_PASSPHRASE"]),
        Rule(match: .wordEndsWith("PASS", except: ["BYPASS", "COMPASS", "SURPASS", "OVERPASS", "UNDERPASS", "TRESPASS", "ENCOMPASS"]),
             reason: "a password, abbreviated (`*_PASS`, Redis `requirepass`, `tls-key-file-pass`, `sentinel auth-pass`)",
             examples: ["SMTP_PASS", "requirepass", "tls-key-file-pass", "auth-pass", "sentinel-pass", "DBPASS"]),
        Rule(match: .wordBesideOthers("PW"), reason: "a password, abbreviated",
             examples: ["DB_PW", "admin-pw", "PW_ADMIN"]),
        Rule(match: .wordBesideOthers("PWD"), reason: "a password, abbreviated (`PWD` alone is the working directory)",
             examples: ["DB_PWD", "MAIL_PWD"]),
        Rule(match: .wordEndsWith("PWD", except: ["OLDPWD"]), reason: "a password, abbreviated, in one word",
             examples: ["DBPWD", "ROOTPWD"]),
        Rule(match: .wordContains("SECRET"), reason: "a secret (`*_SECRET*`)",
             examples: ["SECRET_KEY_BASE", "CLIENT_SECRET", "client_secret_v2", "radiussecrets", "NEXTAUTH_SECRET"]),
        Rule(match: .wordContains("TOKEN"), reason: "a token (`*_TOKEN*`)",
             examples: ["GITHUB_TOKEN", "NPM_TOKEN_RW", "splunk-token", "accessToken", "APITOKEN"]),
        Rule(match: .wordContains("CREDENTIAL"), reason: "credentials (`*_CREDENTIAL*`)",
             examples: ["AWS_CREDENTIALS", "credential", "GCP_CREDENTIALS_JSON"]),
        Rule(match: .wordBesideOthers("CREDS"), reason: "credentials, abbreviated", examples: ["DB_CREDS", "creds-json"]),
        Rule(match: .lastWord("KEY"), reason: "a key (`*_KEY`)",
             examples: ["API_KEY", "STRIPE_KEY", "JWT_SIGNING_KEY", "private-key", "apiKey", "--access-key"]),
        Rule(match: .wordsInOrder("API", "KEY"), reason: "an API key, also with a suffix", examples: ["API_KEY_V2", "api-key-live"]),
        Rule(match: .wordsInOrder("ACCESS", "KEY"), reason: "an access key or its id", examples: ["AWS_ACCESS_KEY_ID", "ACCESS_KEY_SECRET"]),
        Rule(match: .wordsInOrder("PRIVATE", "KEY"), reason: "a private key, also with a suffix", examples: ["PRIVATE_KEY_PEM", "private-key-data"]),
        Rule(match: .wordEndsWith("APIKEY", except: []), reason: "an API key in one word", examples: ["APIKEY", "SENDGRID_APIKEY"]),
        Rule(match: .wordEndsWith("PRIVATEKEY", except: []), reason: "a private key in one word", examples: ["privatekey", "SSH_PRIVATEKEY"]),
        Rule(match: .wordEndsWith("ACCESSKEY", except: []), reason: "an access key in one word", examples: ["accesskey", "MINIO_ACCESSKEY"]),
        Rule(match: .wordEndsWith("MASTERKEY", except: []), reason: "a master key in one word", examples: ["MEILI_MASTERKEY", "masterkey"]),
        Rule(match: .authentication,
             reason: "credentials for authentication (`*_AUTH*`: `masterauth`, `BASIC_AUTH`, an `Authorization` header)",
             examples: ["masterauth", "BASIC_AUTH", "PROXY_AUTH", "authorization", "AUTH_HEADER", "REDIS_AUTH",
                        "traefik.http.middlewares.x.basicauth.users"]),
        Rule(match: .wordBesideOthers("SIGNING"), reason: "a signing key or secret (`JWT_SIGNING`)",
             examples: ["JWT_SIGNING", "signing-secret", "COOKIE_SIGNING"]),
        Rule(match: .lastWord("JWT"), reason: "a JSON Web Token", examples: ["SERVICE_JWT", "admin-jwt"]),
        Rule(match: .wordBesideOthers("SALT"), reason: "a hashing salt: with the hashes, it makes them guessable",
             examples: ["PASSWORD_SALT", "HASH_SALT", "salt-value"]),
        Rule(match: .wordBesideOthers("PEPPER"), reason: "a hashing pepper", examples: ["HASH_PEPPER"]),
        Rule(match: .wordBesideOthers("HMAC"), reason: "an HMAC key", examples: ["HMAC_KEY_RAW", "webhook-hmac"]),
        Rule(match: .exactly("HMAC"), reason: "an HMAC key", examples: ["hmac"]),
    ]

    /// Keys that a rule matches but that hold no secret. An exception wins over every rule.
    public static let exceptions: [Rule] = [
        Rule(match: .lastWordIn(metadataWords),
             reason: "about a secret, not the secret: where it is (`*_FILE`, `*_PATH`), how it is made or checked (`password_encryption`, `*_TYPE`)",
             examples: ["PASSWORD_FILE", "password-file", "tls-key-file", "server_tls_key_file", "SECRET_PATH",
                        "password_encryption", "TOKEN_TTL", "auth_type", "API_KEY_NAME", "PASSWORD_MIN_LENGTH"]),
        Rule(match: .exactly("SSL_PASSPHRASE_COMMAND_SUPPORTS_RELOAD"), reason: "a boolean about the passphrase command",
             examples: ["ssl_passphrase_command_supports_reload"]),
        Rule(match: .exactly("PWD"), reason: "the working directory, in every shell's environment", examples: ["PWD"]),
    ]

    /// Last words that make a key describe a secret without holding it.
    public static let metadataWords: Set<String> = [
        "FILE", "FILES", "PATH", "DIR", "DIRECTORY", "ENCRYPTION", "ALGORITHM", "ALGO", "LENGTH", "TTL", "TIMEOUT",
        "LIFETIME", "EXPIRY", "EXPIRES", "EXPIRATION", "ENABLED", "DISABLED", "REQUIRED", "MODE", "TYPE", "METHOD",
        "POLICY", "NAME", "ENCODING", "FORMAT", "RELOAD",
    ]

    /// Words after an authentication word that make the key a setting about authentication
    /// (PgBouncer's `auth_type`, `auth_user`, `auth_query`; `POSTGRES_HOST_AUTH_METHOD`; Redis
    /// `tls-auth-clients`), not a credential.
    public static let authSettingWords: Set<String> = [
        "TYPE", "TYPES", "FILE", "QUERY", "USER", "USERNAME", "DBNAME", "METHOD", "METHODS", "HBA", "IDENT", "TIMEOUT",
        "MODE", "ENABLED", "DISABLED", "PLUGIN", "SOURCE", "MECHANISM", "PROVIDER", "URL", "URI", "HOST", "PORT",
        "ENDPOINT", "SERVER", "REALM", "DB", "DATABASE", "REQUIRED", "CLIENT", "CLIENTS", "ID", "NAME", "ISSUER",
        "AUDIENCE", "SCOPE", "SCOPES", "DOMAIN", "PATH", "DIR", "LEVEL", "FAILURES", "ATTEMPTS", "DELAY",
    ]

    // MARK: - Matching

    /// Whether the value under this key is a secret.
    public static func isSecret(_ key: String) -> Bool { rule(for: key) != nil }

    /// Texts one of which every rule needs in its key (compared lower-case, ASCII): a key holding
    /// none of them is not secret, and is answered without reading it as words.
    static let ruleStems: [[UInt8]] = ["pass", "pw", "secret", "token", "cred", "key", "auth", "sign", "salt", "pepper", "hmac", "jwt"]
        .map { Array($0.utf8) }

    /// Whether a rule could match: one pass over the bytes, no allocation.
    static func mayBeSecret(_ key: String) -> Bool {
        var key = key
        return key.withUTF8 { bytes in
            guard bytes.count >= 2 else { return false }
            for start in 0..<(bytes.count - 1) {
                for stem in ruleStems where start + stem.count <= bytes.count && bytes[start] | 0x20 == stem[0] {
                    var k = 1
                    while k < stem.count, bytes[start + k] | 0x20 == stem[k] { k += 1 }
                    if k == stem.count { return true }
                }
            }
            return false
        }
    }

    /// The rule that makes the key secret, or nil when none does or an exception applies.
    public static func rule(for key: String) -> Rule? {
        guard mayBeSecret(key) else { return nil }
        let words = words(of: key)
        guard !words.isEmpty else { return nil }
        let joined = words.joined(separator: "_")
        if exceptions.contains(where: { matches($0.match, words, joined) }) { return nil }
        return rules.first { matches($0.match, words, joined) }
    }

    /// The exception that keeps a key from being secret, if one does.
    public static func exception(for key: String) -> Rule? {
        let words = words(of: key)
        let joined = words.joined(separator: "_")
        return exceptions.first { matches($0.match, words, joined) }
    }

    /// Whether this rule alone (whatever the others and the exceptions say) matches the key.
    static func matches(_ rule: Rule, _ key: String) -> Bool {
        let words = words(of: key)
        return !words.isEmpty && matches(rule.match, words, words.joined(separator: "_"))
    }

    /// The key's words, upper-case: `dbPassword` → `DB`, `PASSWORD`; `tls-key-file` → `TLS`, `KEY`, `FILE`.
    public static func words(of key: String) -> [String] {
        var words: [String] = []
        var current = ""
        var previousWasLower = false
        for scalar in key.unicodeScalars {
            let isLetterOrDigit = scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)
            if !isLetterOrDigit {
                if !current.isEmpty { words.append(current) }
                current = ""
                previousWasLower = false
                continue
            }
            let isUpper = scalar.properties.isUppercase
            if isUpper, previousWasLower, !current.isEmpty {
                words.append(current)
                current = ""
            }
            current.unicodeScalars.append(scalar)
            previousWasLower = scalar.properties.isLowercase || ("0"..."9").contains(scalar)
        }
        if !current.isEmpty { words.append(current) }
        return words.map { $0.uppercased() }
    }

    private static func matches(_ match: Match, _ words: [String], _ joined: String) -> Bool {
        switch match {
        case .wordContains(let text):
            return words.contains { $0.contains(text) }
        case .wordEndsWith(let text, let except):
            return words.contains { $0.hasSuffix(text) && !except.contains($0) }
        case .wordBesideOthers(let text):
            return words.count > 1 && words.contains(text)
        case .lastWord(let text):
            return words.count > 1 && words.last == text
        case .wordsInOrder(let first, let second):
            guard let index = words.firstIndex(of: first) else { return false }
            return words[(index + 1)...].contains(second)
        case .authentication:
            for (index, word) in words.enumerated() where isAuthenticationWord(word) {
                let next = index + 1 < words.count ? words[index + 1] : nil
                if let next, authSettingWords.contains(next) { continue }
                return true
            }
            return false
        case .exactly(let text):
            return joined == text
        case .lastWordIn(let set):
            return words.count > 1 && set.contains(words[words.count - 1])
        }
    }

    private static func isAuthenticationWord(_ word: String) -> Bool {
        word.hasSuffix("AUTH") || word == "AUTHORIZATION" || word == "AUTHTOKEN" || word == "AUTHKEY"
    }
}
