import AssayCore
import Testing

@testable import AssayConnectors

/// Where Engine API answers hold secrets (``DockerRedaction``'s table), one test per place.
@Suite("Docker redaction")
struct DockerRedactionTests {
    static let inspect: JSONValue = [
        "Path": "/bin/sh", "Args": ["-c", "redis-cli -a Arg-Pass-4Kz9 ping"],
        "Config": [
            "Env": ["DB_PW=Env-Pass-4Kz9", "JWT_SIGNING=Jwt-Sign-4Kz9", "REPO=https://Bare-Token-4Kz9@github.com/a/b.git",
                    "GH=ghp_Shape0Token1aB2cD3eF4gH5iJ6kL7mN8oP9", "PATH=/usr/bin", "PWD=/srv"],
            "Labels": ["com.example.db-password": "Label-Pass-4Kz9", "traefik.http.middlewares.a.basicauth.users": "admin:Basic-4Kz9",
                       "backup.target": "s3://AKID:Label-Url-4Kz9@bucket/x", "com.docker.compose.project": "shop"],
            "OnBuild": ["RUN curl -H 'Authorization: Bearer OnBuild-Token-4Kz9' http://x"],
        ],
        "HostConfig": ["LogConfig": ["Type": "splunk", "Config": ["splunk-token": "Log-Token-4Kz9",
                                                                   "splunk-url": "https://splunk.example:8088",
                                                                   "syslog-address": "tcp://u:Log-Url-4Kz9@logs:514"]]],
        "NetworkSettings": ["Networks": ["none": ["DriverOpts": ["password": "Driver-Opt-4Kz9"]]]],
    ]

    static let secrets = [
        "Arg-Pass-4Kz9", "Env-Pass-4Kz9", "Jwt-Sign-4Kz9", "Bare-Token-4Kz9", "ghp_Shape0Token1aB2cD3eF4gH5iJ6kL7mN8oP9",
        "Label-Pass-4Kz9", "Basic-4Kz9", "Label-Url-4Kz9", "OnBuild-Token-4Kz9", "Log-Token-4Kz9", "Log-Url-4Kz9", "Driver-Opt-4Kz9",
    ]

    @Test func noSecretOfAContainerReachesACheck() {
        let out = DockerRedaction.redact(Self.inspect, for: .container("x"))
        let text = JSONWriter().string(out)
        for (index, secret) in Self.secrets.enumerated() {
            #expect(!text.contains(secret), "secret #\(index)")
        }
        // Harmless values stay as they were.
        #expect(out["Config"]?["Labels"]?["com.docker.compose.project"] == "shop")
        #expect(out["Config"]?["Env"]?.arrayValue?.contains("PATH=/usr/bin") == true)
        #expect(out["Config"]?["Env"]?.arrayValue?.contains("PWD=/srv") == true)
        #expect(out["HostConfig"]?["LogConfig"]?["Config"]?["splunk-url"] == "https://splunk.example:8088")
        #expect(out["HostConfig"]?["LogConfig"]?["Config"]?["splunk-token"] == "<redacted>")
        #expect(out["HostConfig"]?["LogConfig"]?["Config"]?["syslog-address"] == "tcp://u:REDACTED@logs:514")
        #expect(out["Config"]?["Labels"]?["backup.target"] == "s3://AKID:REDACTED@bucket/x")
        #expect(out["Config"]?["SecretEnv"]?["DB_PW"]?["redacted"] == .bool(true))
        #expect(out["Config"]?["Env"]?.arrayValue?.contains("REPO=https://REDACTED@github.com/a/b.git") == true)
    }

    @Test func labelsAndOptionsOfListingsNetworksAndVolumes() {
        let listing: JSONValue = [["Names": ["/a"], "Labels": ["api_key": "List-Key-4Kz9"], "Command": "app --token List-Tok-4Kz9"]]
        let volumes: JSONValue = ["Volumes": [["Name": "v", "Options": ["o": "addr=nas,username=u,password=Vol-Pass-4Kz9"],
                                                "Labels": ["owner": "ops"]]]]
        let networks: JSONValue = [["Name": "n", "Options": ["com.example.secret": "Net-Secret-4Kz9"], "Labels": [:]]]
        let text = [
            JSONWriter().string(DockerRedaction.redact(listing, for: .containers)),
            JSONWriter().string(DockerRedaction.redact(volumes, for: .volumes)),
            JSONWriter().string(DockerRedaction.redact(networks, for: .networks)),
        ].joined()
        for secret in ["List-Key-4Kz9", "List-Tok-4Kz9", "Vol-Pass-4Kz9", "Net-Secret-4Kz9"] {
            #expect(!text.contains(secret), "\(secret)")
        }
        #expect(text.contains("\"owner\":\"ops\""))
    }
}
