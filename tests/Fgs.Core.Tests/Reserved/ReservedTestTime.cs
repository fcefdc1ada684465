using System.Globalization;

namespace Fgs.Core.Tests.Reserved;

/// <summary>Instants for the reserved-instance tests.</summary>
internal static class ReservedTestTime
{
    /// <summary>An ISO-8601 instant, e.g. <c>2024-05-06T09:00:00Z</c>.</summary>
    public static DateTimeOffset T(string iso) => DateTimeOffset.Parse(iso, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>Unix epoch seconds of an ISO-8601 instant.</summary>
    public static long Epoch(string iso) => T(iso).ToUnixTimeSeconds();
}
