namespace Fgs.Core.Reserved;

/// <summary>
/// A validated scheduled policy (from a <see cref="CronConfig"/>): each firing of
/// <see cref="Schedule"/> inside the window [<see cref="Start"/>, <see cref="Expires"/>) sets the
/// count to <see cref="Count"/>. See <see cref="ScheduledPolicy"/> for how rules combine.
/// </summary>
public sealed record ScheduledRule
{
    /// <summary>The policy name.</summary>
    public required string Name { get; init; }

    /// <summary>When the rule fires.</summary>
    public required CronSchedule Schedule { get; init; }

    /// <summary>The count a firing sets.</summary>
    public required int Count { get; init; }

    /// <summary>Start of the window (inclusive), or null for no start.</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>End of the window (exclusive), or null for never.</summary>
    public DateTimeOffset? Expires { get; init; }

    /// <summary>True when <paramref name="now"/> is inside the window: at or after
    /// <see cref="Start"/> and strictly before <see cref="Expires"/>.</summary>
    /// <param name="now">The instant.</param>
    public bool IsInForce(DateTimeOffset now) => (Start is not { } s || now >= s) && (Expires is not { } e || now < e);

    /// <summary>The rule's latest firing at or before <paramref name="now"/> and not before
    /// <see cref="Start"/>, or null when the window does not contain <paramref name="now"/> or the
    /// rule has not fired in it yet. An <c>@every</c> rule counts from <see cref="Start"/> (from
    /// the Unix epoch without one): its first firing is one interval after it.</summary>
    /// <param name="now">The instant.</param>
    public DateTimeOffset? LastFiring(DateTimeOffset now)
    {
        if (!IsInForce(now))
        {
            return null;
        }
        var firing = Schedule.PreviousOccurrence(now, Anchor);
        return firing is { } f && (Start is not { } s || f >= s) ? f : null;
    }

    /// <summary>The rule's first firing strictly after <paramref name="now"/> inside the window,
    /// or null when there is none (within five years).</summary>
    /// <param name="now">The instant.</param>
    public DateTimeOffset? NextFiring(DateTimeOffset now)
    {
        var from = now;
        if (Start is { } s && s > now)
        {
            from = s.AddTicks(-1);
        }
        var firing = Schedule.NextOccurrence(from, Anchor);
        return firing is { } f && (Expires is not { } e || f < e) ? f : null;
    }

    private DateTimeOffset Anchor => Start ?? DateTimeOffset.UnixEpoch;
}
