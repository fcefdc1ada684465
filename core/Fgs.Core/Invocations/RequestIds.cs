using System.Security.Cryptography;

namespace Fgs.Core.Invocations;

/// <summary>
/// Random (version 4) UUIDs for request ids, from a per-thread block of bytes filled by the
/// operating system's cryptographic generator 256 ids at a time. <see cref="Guid.NewGuid"/> asks
/// the kernel for 16 bytes on every call, a system call per invocation on the warm path.
/// </summary>
public static class RequestIds
{
    private const int IdsPerFill = 256;

    [ThreadStatic]
    private static byte[]? t_block;

    [ThreadStatic]
    private static int t_next;

    /// <summary>A new random UUID (RFC 9562 version 4, variant 10).</summary>
    public static Guid NewGuid()
    {
        var block = t_block ??= new byte[IdsPerFill * 16];
        var next = t_next;
        if (next == 0)
        {
            RandomNumberGenerator.Fill(block);
        }
        t_next = next + 1 == IdsPerFill ? 0 : next + 1;
        Span<byte> bytes = stackalloc byte[16];
        block.AsSpan(next * 16, 16).CopyTo(bytes);
        // Big-endian field order, as the UUID is written out: version in byte 6, variant in byte 8.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
