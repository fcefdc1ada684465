namespace Fgs.Invoker.Auth;

/// <summary>Why an <c>SDK-HMAC-SHA256</c> signed request was rejected (<see cref="None"/> when it was accepted).</summary>
public enum SignatureFailure
{
    /// <summary>The signature is valid.</summary>
    None = 0,

    /// <summary>The request has no <c>Authorization</c> header.</summary>
    MissingAuthorization,

    /// <summary>The <c>Authorization</c> header uses a scheme other than <c>SDK-HMAC-SHA256</c>.</summary>
    UnsupportedScheme,

    /// <summary>The <c>Authorization</c> header is not <c>SDK-HMAC-SHA256 Access=…, SignedHeaders=…, Signature=…</c> (or appears twice).</summary>
    MalformedAuthorization,

    /// <summary>The access key in the <c>Authorization</c> header is not known.</summary>
    UnknownAccessKey,

    /// <summary>The request has no <c>X-Sdk-Date</c> header.</summary>
    MissingDate,

    /// <summary>The <c>X-Sdk-Date</c> header is not in the <c>yyyyMMdd'T'HHmmss'Z'</c> format (or appears twice).</summary>
    MalformedDate,

    /// <summary>The <c>X-Sdk-Date</c> header is further from the server clock than the allowed skew.</summary>
    DateOutOfRange,

    /// <summary><c>SignedHeaders</c> does not include <c>host</c> and <c>x-sdk-date</c>, which the SDKs always sign.</summary>
    RequiredHeaderNotSigned,

    /// <summary>A header named in <c>SignedHeaders</c> is not present in the request.</summary>
    SignedHeaderMissing,

    /// <summary>The request target is neither origin-form (<c>/path?query</c>) nor absolute-form.</summary>
    MalformedRequestTarget,

    /// <summary><c>X-Sdk-Content-Sha256</c> is neither <c>UNSIGNED-PAYLOAD</c> nor the SHA-256 of the body.</summary>
    ContentHashMismatch,

    /// <summary>The signature does not match the one computed from the request and the secret key.</summary>
    SignatureMismatch,
}
