import Testing

@testable import AssayCertify

@Suite("Encodings")
struct EncodingTests {
    @Test("Base64 matches RFC 4648 vectors and rejects non-canonical text")
    func base64() {
        let vectors = [
            "": "", "f": "Zg==", "fo": "Zm8=", "foo": "Zm9v", "foob": "Zm9vYg==", "fooba": "Zm9vYmE=",
            "foobar": "Zm9vYmFy",
        ]
        for (plain, encoded) in vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
        }
        let all = (0..<256).map(UInt8.init)
        for n in 0..<40 { #expect(Base64.decode(Base64.encode(all[0..<n])) == Array(all[0..<n])) }
        #expect(Base64.decode(Base64.encode(all)) == all)
        for bad in ["Zh==", "Zm9=", "Zg=", "Zg", "Z===", "=Zg=", "Zm 9v", "Zm9v\n", "Zm-v", "Zm_v", "Zg==Zg=="] {
            #expect(Base64.decode(bad) == nil, "\(bad)")
        }
    }

    @Test("PAE is DSSE v1's pre-authentication encoding")
    func pae() {
        let pae = DSSEEnvelope.pae(payloadType: "http://example.com/HelloWorld", payload: Array("hello world".utf8))
        #expect(String(decoding: pae, as: UTF8.self) == "DSSEv1 29 http://example.com/HelloWorld 11 hello world")
        let unicode = DSSEEnvelope.pae(payloadType: "t", payload: Array("é".utf8))
        #expect(String(decoding: unicode, as: UTF8.self) == "DSSEv1 1 t 2 é")
    }

    @Test("RFC 3339 parsing and formatting")
    func rfc3339() {
        #expect(RFC3339.unixSeconds("1970-01-01T00:00:00Z") == 0)
        #expect(RFC3339.unixSeconds("2025-06-01T12:00:00Z") == 1_748_779_200)
        #expect(RFC3339.unixSeconds("2025-06-01T14:00:00+02:00") == 1_748_779_200)
        #expect(RFC3339.unixSeconds("2025-06-01t12:00:00.999z") == 1_748_779_200)
        #expect(RFC3339.unixSeconds("2024-02-29T23:59:59-00:30") == 1_709_252_999)  // 2024-03-01T00:29:59Z
        #expect(RFC3339.string(unixSeconds: 1_748_779_200) == "2025-06-01T12:00:00Z")
        #expect(RFC3339.string(unixSeconds: 0) == "1970-01-01T00:00:00Z")
        for bad in [
            "2025-06-01", "2025-06-01T12:00:00", "2025-13-01T00:00:00Z", "2025-02-30T00:00:00Z",
            "2025-06-01T24:00:00Z", "2025-06-01T12:00:00Z ", "2025-06-01 12:00:00Z", "2025-06-01T12:00:00.Z",
        ] {
            #expect(RFC3339.unixSeconds(bad) == nil, "\(bad)")
        }
        for t: Int64 in [0, 86_399, 951_782_400, 1_748_779_200, 4_102_444_799] {
            #expect(RFC3339.unixSeconds(RFC3339.string(unixSeconds: t)) == t)
        }
    }
}
