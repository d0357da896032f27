import Directory
import Foundation
import Keys
import Registration
import Testing

/// What `POST /register` says about bodies that are not what they claim to be: the RFC 7591 error, with
/// the reason and the place.
@Suite struct RequestDecodingTests {
    func jwt(payload: String) -> Data {
        Data((Base64URL.encode(Data(#"{"alg":"ES256"}"#.utf8)) + "." + Base64URL.encode(Data(payload.utf8)) + ".AAAA").utf8)
    }

    func description(of attempt: () throws -> RegistrationRequest) -> String? {
        do {
            _ = try attempt()
            return nil
        } catch let error as OAuthError {
            return "\(error.code): \(error.description)"
        } catch {
            return "\(error)"
        }
    }

    @Test func aClaimGivenTwiceIsNamed() {
        let signed = description { try RegistrationRequest.decode(jwt(payload: #"{"iss":"a","iss":"b"}"#), mediaType: "application/jwt") }
        #expect(
            signed?.hasPrefix("invalid_client_metadata") == true && signed?.contains(#""iss" appears twice"#) == true, "\(signed ?? "")")
        let json = description {
            try RegistrationRequest.decode(Data(#"{"redirect_uris":[],"redirect_uris":["x"]}"#.utf8), mediaType: "application/json")
        }
        #expect(json?.contains(#""redirect_uris" appears twice"#) == true, "\(json ?? "")")
    }

    @Test func whatIsWrongIsSaid() {
        #expect(
            description { try RegistrationRequest.decode(Data("a.b".utf8), mediaType: "application/jwt") }?.contains("compact signed JWT")
                == true)
        #expect(
            description { try RegistrationRequest.decode(jwt(payload: "[1]"), mediaType: "application/jwt") }?.contains("not a JSON object")
                == true)
        #expect(
            description { try RegistrationRequest.decode(jwt(payload: #"{"exp":"soon"}"#), mediaType: "application/jwt") }?.contains(
                "wrong types") == true)
        #expect(
            description { try RegistrationRequest.decode(Data("{".utf8), mediaType: "application/json") }?.contains("are not JSON") == true)
    }
}
