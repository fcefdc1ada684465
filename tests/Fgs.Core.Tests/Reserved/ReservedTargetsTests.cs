using Fgs.Core.Reserved;

namespace Fgs.Core.Tests.Reserved;

/// <summary>Reserved instances per version or per alias, never both for the same version.</summary>
public sealed class ReservedTargetsTests
{
    private readonly Dictionary<string, string> _aliases = new() { ["prod"] = "v1", ["beta"] = "v2", ["prod-eu"] = "v1" };

    private ReservedTargets Targets() => new(alias => _aliases.GetValueOrDefault(alias));

    private static ReservedInstanceSettings Fixed(int count) => new() { Count = count };

    [Fact]
    public void A_version_with_a_configuration_refuses_one_for_an_alias_pointing_at_it()
    {
        var targets = Targets();
        Assert.True(targets.TrySet(ReservedQualifier.Version("v1"), Fixed(2), out _));

        Assert.False(targets.TrySet(ReservedQualifier.Alias("prod"), Fixed(3), out var error));

        Assert.Equal(409, error.HttpStatus);
        Assert.Equal("FSS.0409", error.ErrorCode);
        Assert.Contains("version 'v1'", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("alias 'prod'", error.ErrorMessage, StringComparison.Ordinal);
        Assert.Null(targets.Get(ReservedQualifier.Alias("prod")));
        Assert.True(targets.TrySet(ReservedQualifier.Alias("beta"), Fixed(3), out _));
    }

    [Fact]
    public void An_alias_with_a_configuration_refuses_one_for_its_version()
    {
        var targets = Targets();
        Assert.True(targets.TrySet(ReservedQualifier.Alias("beta"), Fixed(2), out _));

        Assert.False(targets.TrySet(ReservedQualifier.Version("v2"), Fixed(1), out var error));

        Assert.Equal(409, error.HttpStatus);
        Assert.Contains("alias 'beta'", error.ErrorMessage, StringComparison.Ordinal);
        Assert.True(targets.TrySet(ReservedQualifier.Version("v1"), Fixed(1), out _));
        Assert.True(targets.TrySet(ReservedQualifier.Latest, Fixed(1), out _));
    }

    [Fact]
    public void Two_aliases_of_one_version_may_both_have_a_configuration_and_a_target_may_be_updated()
    {
        var targets = Targets();

        Assert.True(targets.TrySet(ReservedQualifier.Alias("prod"), Fixed(2), out _));
        Assert.True(targets.TrySet(ReservedQualifier.Alias("prod-eu"), Fixed(3), out _));
        Assert.True(targets.TrySet(ReservedQualifier.Alias("prod"), Fixed(5), out _));

        Assert.Equal(5, targets.Get(ReservedQualifier.Alias("prod"))!.Count);
        Assert.Equal(2, targets.Count);
    }

    [Fact]
    public void An_unknown_alias_is_not_found()
    {
        Assert.False(Targets().TrySet(ReservedQualifier.Alias("nope"), Fixed(1), out var error));

        Assert.Equal(404, error.HttpStatus);
        Assert.Equal("FSS.1053", error.ErrorCode);
    }

    [Fact]
    public void Setting_a_configuration_that_reserves_nothing_removes_it_and_frees_the_other_target()
    {
        var targets = Targets();
        Assert.True(targets.TrySet(ReservedQualifier.Version("v1"), Fixed(2), out _));

        Assert.True(targets.TrySet(ReservedQualifier.Version("v1"), Fixed(0), out _));

        Assert.Null(targets.Get(ReservedQualifier.Version("v1")));
        Assert.True(targets.TrySet(ReservedQualifier.Alias("prod"), Fixed(1), out _));
        Assert.True(targets.TrySet(ReservedQualifier.Alias("prod"), Fixed(0), out _));
        Assert.Equal(0, targets.Count);
    }

    [Fact]
    public void A_count_of_zero_with_policies_is_a_configuration()
    {
        var targets = Targets();
        var metricOnly = new ReservedInstanceSettings { Count = 0, MetricRules = [new MetricRule { Name = "m", Threshold = 50 }] };

        Assert.False(metricOnly.ReservesNothing);
        Assert.True(targets.TrySet(ReservedQualifier.Version("v2"), metricOnly, out _));
        Assert.False(targets.TrySet(ReservedQualifier.Alias("beta"), Fixed(1), out _));
    }

    [Fact]
    public void Remove_frees_the_target()
    {
        var targets = Targets();
        Assert.True(targets.TrySet(ReservedQualifier.Alias("beta"), Fixed(2), out _));

        Assert.True(targets.Remove(ReservedQualifier.Alias("beta")));
        Assert.False(targets.Remove(ReservedQualifier.Alias("beta")));
        Assert.True(targets.TrySet(ReservedQualifier.Version("v2"), Fixed(1), out _));
    }

    [Fact]
    public void The_alias_mapping_is_read_at_each_check()
    {
        var targets = Targets();
        Assert.True(targets.TrySet(ReservedQualifier.Alias("beta"), Fixed(2), out _));
        _aliases["beta"] = "v3";

        Assert.True(targets.TrySet(ReservedQualifier.Version("v2"), Fixed(1), out _));
        Assert.False(targets.TrySet(ReservedQualifier.Version("v3"), Fixed(1), out _));
    }

    [Fact]
    public void Repointing_a_configured_alias_at_a_configured_version_is_refused()
    {
        var targets = Targets();
        Assert.True(targets.TrySet(ReservedQualifier.Alias("beta"), Fixed(2), out _));
        Assert.True(targets.TrySet(ReservedQualifier.Version("v1"), Fixed(1), out _));

        var error = targets.CheckAliasRepoint("beta", "v1");

        Assert.NotNull(error);
        Assert.Equal(409, error.Value.HttpStatus);
        Assert.Null(targets.CheckAliasRepoint("beta", "v3"));
        Assert.Null(targets.CheckAliasRepoint("prod", "v1")); // prod has no configuration
    }

    [Fact]
    public void All_lists_versions_then_aliases_by_name()
    {
        var targets = Targets();
        Assert.True(targets.TrySet(ReservedQualifier.Alias("prod"), Fixed(1), out _));
        Assert.True(targets.TrySet(ReservedQualifier.Version("v2"), Fixed(2), out _));
        Assert.True(targets.TrySet(ReservedQualifier.Latest, Fixed(3), out _));
        Assert.True(targets.TrySet(ReservedQualifier.Alias("prod-eu"), Fixed(4), out _));

        Assert.Equal(
            [ReservedQualifier.Version("latest"), ReservedQualifier.Version("v2"), ReservedQualifier.Alias("prod"), ReservedQualifier.Alias("prod-eu")],
            targets.All().Select(p => p.Key));
    }
}
