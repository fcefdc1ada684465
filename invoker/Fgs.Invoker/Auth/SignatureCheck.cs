namespace Fgs.Invoker.Auth;

/// <summary>The outcome of <see cref="SignatureVerifier.Verify"/>: valid, or a failure reason with a message.</summary>
public readonly struct SignatureCheck
{
    private SignatureCheck(SignatureFailure failure, string message, string? accessKey, string? canonicalRequest)
    {
        Failure = failure;
        Message = message;
        AccessKey = accessKey;
        CanonicalRequest = canonicalRequest;
    }

    /// <summary>Why the request was rejected; <see cref="SignatureFailure.None"/> when it was accepted.</summary>
    public SignatureFailure Failure { get; }

    /// <summary>Whether the signature was accepted.</summary>
    public bool IsValid => Failure == SignatureFailure.None;

    /// <summary>A human-readable description of the outcome, safe to return to the caller (it contains no secret).</summary>
    public string Message { get; }

    /// <summary>The access key the request claimed, once the <c>Authorization</c> header could be parsed; otherwise <see langword="null"/>.</summary>
    public string? AccessKey { get; }

    /// <summary>
    /// On <see cref="SignatureFailure.SignatureMismatch"/>, the canonical request the server signed (SDK form),
    /// to help a client find what it canonicalised differently; otherwise <see langword="null"/>.
    /// </summary>
    public string? CanonicalRequest { get; }

    /// <summary>An accepted signature for <paramref name="accessKey"/>.</summary>
    /// <param name="accessKey">The authenticated access key.</param>
    /// <returns>The valid result.</returns>
    public static SignatureCheck Valid(string accessKey) => new(SignatureFailure.None, "Signature is valid.", accessKey, null);

    /// <summary>A rejected signature.</summary>
    /// <param name="failure">The reason; must not be <see cref="SignatureFailure.None"/>.</param>
    /// <param name="message">What was wrong.</param>
    /// <param name="accessKey">The claimed access key, when known.</param>
    /// <param name="canonicalRequest">The server-side canonical request, for signature mismatches.</param>
    /// <returns>The failed result.</returns>
    public static SignatureCheck Fail(SignatureFailure failure, string message, string? accessKey = null, string? canonicalRequest = null)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(failure, SignatureFailure.None);
        return new(failure, message, accessKey, canonicalRequest);
    }

    /// <inheritdoc />
    public override string ToString() => IsValid ? Message : $"{Failure}: {Message}";
}
