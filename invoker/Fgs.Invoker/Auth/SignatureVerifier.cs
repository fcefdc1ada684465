using System.Security.Cryptography;

namespace Fgs.Invoker.Auth;

/// <summary>
/// Verifies Huawei Cloud <c>SDK-HMAC-SHA256</c> (AK/SK) signed requests, as sent by the official SDKs to the
/// FunctionGraph API; see <see cref="SdkRequestSigner"/> for the canonical form.
/// </summary>
/// <param name="secretsByAccessKey">The secret key (SK) of each known access key (AK).</param>
/// <param name="time">The server clock.</param>
/// <param name="maxClockSkew">How far <c>X-Sdk-Date</c> may be from the server clock, either way (inclusive);
/// <see cref="DefaultMaxClockSkew"/> (15 minutes, as the API gateway) with the two-argument constructor.</param>
/// <remarks>Thread-safe; keeps no per-request state.</remarks>
public sealed class SignatureVerifier(IReadOnlyDictionary<string, string> secretsByAccessKey, TimeProvider time, TimeSpan maxClockSkew)
{
    /// <summary>The default allowed distance between <c>X-Sdk-Date</c> and the server clock.</summary>
    public static readonly TimeSpan DefaultMaxClockSkew = TimeSpan.FromMinutes(15);

    private const int SignatureBytes = 32;

    private readonly IReadOnlyDictionary<string, string> _secretsByAccessKey =
        secretsByAccessKey ?? throw new ArgumentNullException(nameof(secretsByAccessKey));

    private readonly TimeProvider _time = time ?? throw new ArgumentNullException(nameof(time));

    private readonly TimeSpan _maxClockSkew = maxClockSkew >= TimeSpan.Zero
        ? maxClockSkew
        : throw new ArgumentOutOfRangeException(nameof(maxClockSkew), maxClockSkew, "The clock skew must not be negative.");

    /// <summary>Creates a verifier allowing <see cref="DefaultMaxClockSkew"/>.</summary>
    /// <param name="secretsByAccessKey">The secret key (SK) of each known access key (AK).</param>
    /// <param name="time">The server clock.</param>
    public SignatureVerifier(IReadOnlyDictionary<string, string> secretsByAccessKey, TimeProvider time)
        : this(secretsByAccessKey, time, DefaultMaxClockSkew)
    {
    }

    /// <summary>The allowed distance between <c>X-Sdk-Date</c> and the server clock.</summary>
    public TimeSpan MaxClockSkew => _maxClockSkew;

    /// <summary>Checks the signature of one request.</summary>
    /// <param name="method">The request method as received (e.g. <c>POST</c>).</param>
    /// <param name="rawTarget">The request-target exactly as received, not decoded: <c>/path?query</c>
    /// (absolute-form <c>http://host/path?query</c> is accepted too).</param>
    /// <param name="headers">Every header field as received, in order, one entry per field line (names in any case,
    /// values with surrounding whitespace removed and bytes read as Latin-1); must include <c>Host</c>.</param>
    /// <param name="body">The body as received (after de-chunking).</param>
    /// <returns><see cref="SignatureCheck.Valid"/> or the reason for rejecting the request.</returns>
    public SignatureCheck Verify(
        string method,
        string rawTarget,
        IReadOnlyList<KeyValuePair<string, string>> headers,
        ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(rawTarget);
        ArgumentNullException.ThrowIfNull(headers);

        // 1. Authorization: SDK-HMAC-SHA256 Access=<ak>, SignedHeaders=<a;b>, Signature=<hex>
        var authorizationCount = Count(headers, "Authorization", out var authorization);
        if (authorizationCount == 0)
        {
            return SignatureCheck.Fail(SignatureFailure.MissingAuthorization, "The Authorization header is missing.");
        }

        if (authorizationCount > 1)
        {
            return SignatureCheck.Fail(SignatureFailure.MalformedAuthorization, "The Authorization header appears more than once.");
        }

        var parse = TryParseAuthorization(authorization!, out var accessKey, out var signedHeaders, out var signedNames, out var signature);
        if (parse is not null)
        {
            return parse.Value;
        }

        // 2. X-Sdk-Date, within the allowed skew.
        var dateCount = Count(headers, SdkRequestSigner.DateHeader, out var sdkDate);
        if (dateCount == 0)
        {
            return SignatureCheck.Fail(SignatureFailure.MissingDate, "The X-Sdk-Date header is missing.", accessKey);
        }

        if (dateCount > 1 || !SdkRequestSigner.TryParseDate(sdkDate, out var signedAt))
        {
            return SignatureCheck.Fail(
                SignatureFailure.MalformedDate,
                dateCount > 1
                    ? "The X-Sdk-Date header appears more than once."
                    : $"The X-Sdk-Date header '{sdkDate}' is not in the yyyyMMdd'T'HHmmss'Z' format (UTC).",
                accessKey);
        }

        var now = _time.GetUtcNow();
        if ((now - signedAt).Duration() > _maxClockSkew)
        {
            return SignatureCheck.Fail(
                SignatureFailure.DateOutOfRange,
                $"The X-Sdk-Date {sdkDate} is more than {_maxClockSkew.TotalMinutes:0.##} minutes away from the server time {SdkRequestSigner.FormatDate(now)}.",
                accessKey);
        }

        // 3. The access key.
        if (!_secretsByAccessKey.TryGetValue(accessKey!, out var secretKey))
        {
            return SignatureCheck.Fail(SignatureFailure.UnknownAccessKey, $"The access key '{accessKey}' is not known.", accessKey);
        }

        // 4. What the SDKs always sign.
        if (!signedNames!.Contains("host") || !signedNames.Contains("x-sdk-date"))
        {
            return SignatureCheck.Fail(
                SignatureFailure.RequiredHeaderNotSigned,
                $"SignedHeaders '{signedHeaders}' must include host and x-sdk-date.",
                accessKey);
        }

        var missing = SdkRequestSigner.BuildCanonicalHeaders(signedNames, headers, out var canonicalHeaders);
        if (missing is not null)
        {
            return SignatureCheck.Fail(
                SignatureFailure.SignedHeaderMissing,
                $"The signed header '{missing}' is not present in the request.",
                accessKey);
        }

        // 5. The request target.
        if (!TrySplitTarget(rawTarget, out var path, out var query))
        {
            return SignatureCheck.Fail(
                SignatureFailure.MalformedRequestTarget,
                "The request target must be a path starting with '/' (or an absolute http(s) URI).",
                accessKey);
        }

        // 6. The payload hash: the body's, or X-Sdk-Content-Sha256 (UNSIGNED-PAYLOAD, or the body's hash).
        string payloadHash;
        var contentSha256 = SdkRequestSigner.FindSingle(headers, SdkRequestSigner.ContentSha256Header);
        if (contentSha256 is null)
        {
            payloadHash = SdkRequestSigner.HashPayload(body);
        }
        else if (contentSha256 == SdkRequestSigner.UnsignedPayload)
        {
            payloadHash = contentSha256;
        }
        else if (string.Equals(contentSha256, SdkRequestSigner.HashPayload(body), StringComparison.OrdinalIgnoreCase))
        {
            payloadHash = contentSha256;
        }
        else
        {
            return SignatureCheck.Fail(
                SignatureFailure.ContentHashMismatch,
                "The X-Sdk-Content-Sha256 header is neither UNSIGNED-PAYLOAD nor the hex SHA-256 of the body.",
                accessKey);
        }

        // 7. The signature, over the SDK's canonical URI, then over the generic one when the path is ambiguous.
        var canonicalQuery = SdkRequestSigner.CanonicalQuery(query);
        var canonicalRequest = SdkRequestSigner.BuildCanonicalRequest(
            method, SdkRequestSigner.CanonicalUri(path, decodeFirst: false), canonicalQuery, canonicalHeaders!, signedHeaders!, payloadHash);
        if (Matches(secretKey, sdkDate!, canonicalRequest, signature))
        {
            return SignatureCheck.Valid(accessKey!);
        }

        if (SdkRequestSigner.HasAmbiguousPath(path))
        {
            var generic = SdkRequestSigner.BuildCanonicalRequest(
                method, SdkRequestSigner.CanonicalUri(path, decodeFirst: true), canonicalQuery, canonicalHeaders!, signedHeaders!, payloadHash);
            if (Matches(secretKey, sdkDate!, generic, signature))
            {
                return SignatureCheck.Valid(accessKey!);
            }
        }

        return SignatureCheck.Fail(
            SignatureFailure.SignatureMismatch,
            "The request signature does not match the signature computed with the secret key; check the access key, "
            + "the secret key and how the request was canonicalised.",
            accessKey,
            canonicalRequest);
    }

    private static bool Matches(string secretKey, string sdkDate, string canonicalRequest, ReadOnlySpan<byte> signature) =>
        CryptographicOperations.FixedTimeEquals(SdkRequestSigner.ComputeSignature(secretKey, sdkDate, canonicalRequest), signature);

    private static int Count(IReadOnlyList<KeyValuePair<string, string>> headers, string name, out string? first)
    {
        first = null;
        var count = 0;
        foreach (var header in headers)
        {
            if (string.Equals(header.Key, name, StringComparison.OrdinalIgnoreCase))
            {
                first ??= header.Value;
                count++;
            }
        }

        return count;
    }

    private static SignatureCheck? TryParseAuthorization(
        string authorization,
        out string? accessKey,
        out string? signedHeaders,
        out List<string>? signedNames,
        out byte[] signature)
    {
        accessKey = null;
        signedHeaders = null;
        signedNames = null;
        signature = [];
        var value = authorization.AsSpan().Trim();
        if (value.IsEmpty)
        {
            return SignatureCheck.Fail(SignatureFailure.MissingAuthorization, "The Authorization header is empty.");
        }

        var space = value.IndexOf(' ');
        var scheme = space < 0 ? value : value[..space];
        if (!scheme.SequenceEqual(SdkRequestSigner.Algorithm))
        {
            return SignatureCheck.Fail(
                SignatureFailure.UnsupportedScheme,
                $"The Authorization scheme '{scheme}' is not supported; expected {SdkRequestSigner.Algorithm}.");
        }

        string? signatureHex = null;
        var parameters = space < 0 ? ReadOnlySpan<char>.Empty : value[(space + 1)..];
        foreach (var range in parameters.Split(','))
        {
            var parameter = parameters[range].Trim();
            var equals = parameter.IndexOf('=');
            if (equals <= 0)
            {
                return Malformed($"'{parameter}' is not a name=value pair.");
            }

            var name = parameter[..equals].Trim();
            var text = parameter[(equals + 1)..].Trim().ToString();
            ref var slot = ref signatureHex;
            if (name.Equals("Access", StringComparison.OrdinalIgnoreCase))
            {
                slot = ref accessKey;
            }
            else if (name.Equals("SignedHeaders", StringComparison.OrdinalIgnoreCase))
            {
                slot = ref signedHeaders;
            }
            else if (!name.Equals("Signature", StringComparison.OrdinalIgnoreCase))
            {
                continue; // unknown parameters are ignored
            }

            if (slot is not null)
            {
                return Malformed($"'{name}' appears more than once.");
            }

            slot = text;
        }

        if (string.IsNullOrEmpty(accessKey) || string.IsNullOrEmpty(signedHeaders) || string.IsNullOrEmpty(signatureHex))
        {
            return Malformed("Access, SignedHeaders and Signature are all required.");
        }

        if (signatureHex.Length != SignatureBytes * 2 || !IsHex(signatureHex))
        {
            return Malformed("Signature must be 64 hex characters.");
        }

        signature = Convert.FromHexString(signatureHex);
        signedNames = [];
        foreach (var range in signedHeaders.AsSpan().Split(';'))
        {
            var name = signedHeaders.AsSpan()[range];
            if (name.IsEmpty || name.ContainsAny(" \t,=:"))
            {
                return Malformed($"SignedHeaders '{signedHeaders}' is not a ';'-separated list of header names.");
            }

            var lower = name.ToString().ToLowerInvariant();
            if (signedNames.Contains(lower))
            {
                return Malformed($"SignedHeaders lists '{lower}' more than once.");
            }

            signedNames.Add(lower);
        }

        return null;

        static SignatureCheck Malformed(string detail) => SignatureCheck.Fail(
            SignatureFailure.MalformedAuthorization,
            $"The Authorization header is malformed: {detail} Expected '{SdkRequestSigner.Algorithm} Access=<AK>, SignedHeaders=<a;b>, Signature=<hex>'.");
    }

    private static bool IsHex(string value)
    {
        foreach (var c in value)
        {
            if (!char.IsAsciiHexDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TrySplitTarget(string rawTarget, out string path, out string query)
    {
        var target = rawTarget;
        if (!target.StartsWith('/'))
        {
            var scheme = target.StartsWith("http://", StringComparison.OrdinalIgnoreCase) ? 7
                : target.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ? 8
                : -1;
            if (scheme < 0)
            {
                path = query = string.Empty;
                return false;
            }

            var pathStart = target.AsSpan(scheme).IndexOfAny('/', '?');
            target = pathStart < 0 ? "/" : target[(scheme + pathStart)..];
            if (target.StartsWith('?'))
            {
                target = "/" + target;
            }
        }

        var question = target.IndexOf('?', StringComparison.Ordinal);
        path = question < 0 ? target : target[..question];
        query = question < 0 ? string.Empty : target[(question + 1)..];
        return true;
    }
}
