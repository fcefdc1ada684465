namespace Fgs.Core.Reserved;

/// <summary>
/// The fixed count plus the scheduled policies of one target: what FunctionGraph's "scheduled"
/// reserved instances ask for at a given instant. Immutable and pure (no clock).
/// </summary>
/// <remarks>
/// <para><b>Semantics.</b> A rule is <i>in force</i> at <c>now</c> when its window contains it:
/// <c>start_time ≤ now &lt; expired_time</c> (start inclusive, expiry exclusive; a missing bound is
/// open). Each firing of a rule's cron expression inside its window sets the count to the rule's
/// <c>count</c>, and that count holds until the next firing of any rule in force, or until the
/// rule's window ends. So at <c>now</c>:</para>
/// <list type="number">
/// <item>for every rule in force, take its latest firing at or before <c>now</c> and not before its
/// <c>start_time</c> (a rule that has not fired yet in its window counts for nothing);</item>
/// <item>the rule with the latest such firing wins (on a tie, the larger count); the desired count
/// is its <c>count</c>, raised to the fixed count if lower;</item>
/// <item>when no rule in force has fired, the fixed count applies. In particular, outside every
/// window the fixed count applies, and entering a window changes nothing until the rule fires.</item>
/// </list>
/// <para>A firing exactly at <c>start_time</c> counts; at <c>expired_time</c> the rule is already
/// out of force. <c>@every</c> rules count from their <c>start_time</c>.</para>
/// </remarks>
public sealed class ScheduledPolicy
{
    /// <summary>Creates the policy.</summary>
    /// <param name="fixedCount">The fixed count (the request's <c>count</c>), the floor.</param>
    /// <param name="rules">The scheduled rules (none: always the fixed count).</param>
    public ScheduledPolicy(int fixedCount, IEnumerable<ScheduledRule>? rules = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(fixedCount);
        FixedCount = fixedCount;
        Rules = rules is null ? [] : [.. rules];
    }

    /// <summary>The fixed count: the result outside every window, and the least result inside one.</summary>
    public int FixedCount { get; }

    /// <summary>The rules.</summary>
    public IReadOnlyList<ScheduledRule> Rules { get; }

    /// <summary>The desired reserved count at <paramref name="now"/> (see the remarks).</summary>
    /// <param name="now">The instant.</param>
    public int DesiredCount(DateTimeOffset now) =>
        Winner(now) is { } winner ? Math.Max(FixedCount, winner.Rule.Count) : FixedCount;

    /// <summary>The rule whose firing sets the count at <paramref name="now"/>, or null when the
    /// fixed count applies.</summary>
    /// <param name="now">The instant.</param>
    public ScheduledRule? ActiveRule(DateTimeOffset now) => Winner(now)?.Rule;

    /// <summary>
    /// The next instant strictly after <paramref name="now"/> at which <see cref="DesiredCount"/>
    /// may change: the earliest of every rule's next firing inside its window and the expiry of
    /// the rule now in effect. Null when nothing will change (within five years). The count may
    /// turn out the same there (a rule firing again with the count already in effect); a scheduler
    /// then simply asks again.
    /// </summary>
    /// <param name="now">The instant.</param>
    public DateTimeOffset? NextChange(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var rule in Rules)
        {
            if (rule.NextFiring(now) is { } firing && (next is null || firing < next))
            {
                next = firing;
            }
        }
        if (Winner(now) is { Rule.Expires: { } expires } && expires > now && (next is null || expires < next))
        {
            next = expires;
        }
        return next;
    }

    private (ScheduledRule Rule, DateTimeOffset Firing)? Winner(DateTimeOffset now)
    {
        (ScheduledRule Rule, DateTimeOffset Firing)? best = null;
        foreach (var rule in Rules)
        {
            if (rule.LastFiring(now) is not { } firing)
            {
                continue;
            }
            if (best is not { } b || firing > b.Firing || (firing == b.Firing && rule.Count > b.Rule.Count))
            {
                best = (rule, firing);
            }
        }
        return best;
    }
}
