using Fgs.Core.Functions;
using Fgs.Core.Versions;
using static Fgs.Core.Tests.Versions.VersionTestData;

namespace Fgs.Core.Tests.Versions;

public sealed class VersionValidatorTests
{
    private static FgsErrorAssert Publish(string? name, FunctionVersionSet? set = null, string? digest = null, string? description = null)
    {
        var ok = VersionValidator.TryPublish(new CreateFunctionVersionRequestBody { Version = name, Digest = digest, Description = description },
            Latest(), set ?? FunctionVersionSet.Empty, Now, out var version, out var error);
        return new FgsErrorAssert(ok, error, version);
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("1.0.3")]
    [InlineData("release_2024-05.rc1")]
    [InlineData("A")]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789-_.ABC")] // 42 characters
    public void Version_names_of_letters_digits_dash_underscore_and_dot_up_to_42_are_accepted(string name)
    {
        var r = Publish(name);

        Assert.True(r.Ok, r.Error.ToString());
        Assert.Equal(name, r.Version!.Name);
    }

    [Theory]
    [InlineData("abcdefghijklmnopqrstuvwxyz0123456789-_.ABCD")] // 43 characters
    [InlineData("v 1")]
    [InlineData("v1!")]
    [InlineData("v/1")]
    [InlineData("v:1")]
    [InlineData("versión")]
    [InlineData("latest")]
    public void Other_version_names_are_refused_with_FSS_1015(string name)
    {
        var r = Publish(name);

        Assert.False(r.Ok);
        Assert.Equal(400, r.Error.HttpStatus);
        Assert.Equal("FSS.1015", r.Error.ErrorCode);
    }

    [Fact]
    public void The_default_name_is_the_publication_time_and_the_version_freezes_latest()
    {
        var latest = Latest();
        Assert.True(VersionValidator.TryPublish(null, latest, FunctionVersionSet.Empty, Now, out var version, out _));

        Assert.Equal("v20240506-070809", version.Name);
        Assert.Equal(latest with { Version = version.Name, LastModified = new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.Zero) }, version.Definition);
        Assert.Equal("latest", latest.Version);
        Assert.Equal(latest.Revision, version.Definition.Revision);
    }

    [Fact]
    public void A_digest_must_be_latest_digest()
    {
        Assert.True(Publish("v1", digest: "ABC123").Ok);
        var r = Publish("v1", digest: "other");
        Assert.False(r.Ok);
        Assert.Equal("FSS.0400", r.Error.ErrorCode);
        Assert.Contains("digest", r.Error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Duplicate_is_409_and_the_21st_version_is_403()
    {
        var dup = Publish("v1", Set("v1"));
        Assert.Equal((409, "FSS.1062"), (dup.Error.HttpStatus, dup.Error.ErrorCode));

        var full = Set([.. Enumerable.Range(1, FunctionLimits.MaxVersions).Select(i => "v" + i)]);
        var quota = Publish("v21", full);
        Assert.Equal((403, "FSS.0403"), (quota.Error.HttpStatus, quota.Error.ErrorCode));
        Assert.Contains("20", quota.Error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void A_description_over_512_characters_is_refused()
    {
        Assert.True(Publish("v1", description: new string('d', 512)).Ok);
        Assert.Equal("FSS.0400", Publish("v1", description: new string('d', 513)).Error.ErrorCode);
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("prod-1_x", true)]
    [InlineData("1prod", false)]
    [InlineData("pro.d", false)]
    [InlineData("latest", false)]
    [InlineData("", false)]
    public void Alias_names_follow_the_alias_rule(string name, bool valid)
    {
        var ok = VersionValidator.TryCreateAlias(new CreateVersionAliasRequestBody { Name = name, Version = "latest" }, Set("v1"), Now, out _, out var error);

        Assert.Equal(valid, ok);
        if (!valid)
        {
            Assert.Equal("FSS.1014", error.ErrorCode);
        }
    }

    [Fact]
    public void Alias_name_length_limit_is_63()
    {
        var set = Set("v1");
        Assert.True(VersionValidator.TryCreateAlias(new() { Name = "a" + new string('b', 62), Version = "v1" }, set, Now, out _, out _));
        Assert.False(VersionValidator.TryCreateAlias(new() { Name = "a" + new string('b', 63), Version = "v1" }, set, Now, out _, out var e));
        Assert.Equal("FSS.1014", e.ErrorCode);
    }

    [Theory]
    [InlineData(null, "FSS.1015", 400)]
    [InlineData("v9", "FSS.1052", 404)]
    public void Alias_version_is_required_and_must_exist(string? version, string code, int status)
    {
        Assert.False(VersionValidator.TryCreateAlias(new() { Name = "prod", Version = version }, Set("v1"), Now, out _, out var error));
        Assert.Equal((status, code), (error.HttpStatus, error.ErrorCode));
    }

    [Fact]
    public void Additional_version_rules_are_checked()
    {
        var set = Set("v1", "v2");
        void Refused(CreateVersionAliasRequestBody body, string code)
        {
            body.Name = "a";
            Assert.False(VersionValidator.TryCreateAlias(body, set, Now, out _, out var error));
            Assert.Equal(code, error.ErrorCode);
        }

        var strategy = new VersionStrategy { CombineType = "and", Rules = [Header("X-A", "=", "1")] };
        Refused(new() { Version = "v1", AdditionalVersionWeights = new() { ["v2"] = 10 }, AdditionalVersionStrategy = new() { ["v2"] = strategy } }, "FSS.1014");
        Refused(new() { Version = "v1", AdditionalVersionWeights = new() { ["latest"] = 10 } }, "FSS.1014");
        Refused(new() { Version = "v1", AdditionalVersionWeights = new() { ["v1"] = 10 } }, "FSS.1014");
        Refused(new() { Version = "v1", AdditionalVersionWeights = new() { ["v2"] = 101 } }, "FSS.1014");
        Refused(new() { Version = "v1", AdditionalVersionWeights = new() { ["v2"] = -1 } }, "FSS.1014");
        Refused(new() { Version = "latest", AdditionalVersionWeights = new() { ["v1"] = 10, ["v2"] = 10 } }, "FSS.1014");
        Refused(new() { Version = "v1", AdditionalVersionWeights = new() { ["v7"] = 10 } }, "FSS.1052");
        Refused(new() { Version = "v1", AdditionalVersionStrategy = new() { ["v2"] = new VersionStrategy { Rules = [] } } }, "FSS.1014");
        Refused(new() { Version = "v1", AdditionalVersionStrategy = new() { ["v2"] = new VersionStrategy { CombineType = "xor", Rules = [Header("X-A", "=", "1")] } } }, "FSS.1014");
        Refused(new() { Version = "v1", AdditionalVersionStrategy = new() { ["v2"] = new VersionStrategy { Rules = [Header("X-A", ">", "1")] } } }, "FSS.1014");
        Refused(new() { Version = "v1", AdditionalVersionStrategy = new() { ["v2"] = new VersionStrategy { Rules = [new() { RuleType = "query", Param = "a", Op = "=", Value = "1" }] } } }, "FSS.1014");
        Refused(new() { Version = "v1", AdditionalVersionStrategy = new() { ["v2"] = new VersionStrategy { Rules = [Header("", "=", "1")] } } }, "FSS.1014");
        Refused(new() { Version = "v1", AdditionalVersionStrategy = new() { ["v2"] = new VersionStrategy { Rules = [Header("X-A", "=", "")] } } }, "FSS.1014");
    }

    [Fact]
    public void Weight_edges_0_and_100_and_normalized_rules_are_accepted()
    {
        var set = Set("v1", "v2");
        Assert.True(VersionValidator.TryCreateAlias(new() { Name = "a", Version = "latest", AdditionalVersionWeights = new() { ["v2"] = 0 } }, set, Now, out var zero, out _));
        Assert.Equal(("v2", 0), (zero.AdditionalVersion, zero.AdditionalWeight));
        Assert.True(VersionValidator.TryCreateAlias(new() { Name = "a", Version = "v1", AdditionalVersionWeights = new() { ["v2"] = 100 } }, set, Now, out var all, out _));
        Assert.Equal(100, all.AdditionalWeight);

        var body = new CreateVersionAliasRequestBody
        {
            Name = "r",
            Version = "v1",
            AdditionalVersionStrategy = new() { ["v2"] = new VersionStrategy { Rules = [new() { RuleType = "Header", Param = " X-A ", Op = "IN", Value = " a,b " }] } },
        };
        Assert.True(VersionValidator.TryCreateAlias(body, set, Now, out var ruled, out var error), error.ToString());
        var rule = Assert.Single(ruled.AdditionalStrategy!.Rules!);
        Assert.Equal(("and", "header", "X-A", "in", "a,b"), (ruled.AdditionalStrategy.CombineType, rule.RuleType, rule.Param, rule.Op, rule.Value));
        Assert.Null(ruled.AdditionalWeight);
    }

    [Fact]
    public void Duplicate_alias_is_409_and_the_11th_alias_is_FSS_1043()
    {
        var set = Set("v1");
        foreach (var i in Enumerable.Range(1, FunctionLimits.MaxAliases))
        {
            Assert.True(VersionValidator.TryCreateAlias(new() { Name = "a" + i, Version = "v1" }, set, Now, out var alias, out _));
            set = set.WithAlias(alias);
        }

        Assert.False(VersionValidator.TryCreateAlias(new() { Name = "a1", Version = "v1" }, set, Now, out _, out var dup));
        Assert.Equal((409, "FSS.1063"), (dup.HttpStatus, dup.ErrorCode));
        Assert.False(VersionValidator.TryCreateAlias(new() { Name = "a11", Version = "v1" }, set, Now, out _, out var quota));
        Assert.Equal((403, "FSS.1043"), (quota.HttpStatus, quota.ErrorCode));
    }

    [Fact]
    public void Update_keeps_what_is_left_out_and_replaces_the_additional_version_when_given()
    {
        var set = Set("v1", "v2", "v3");
        var current = Weighted("a", "v1", "v2", 20) with { Description = "d" };

        Assert.True(VersionValidator.TryUpdateAlias(new() { Version = "v3" }, current, set, Now, out var moved, out _));
        Assert.Equal(("v3", "d", "v2", 20), (moved.Version, moved.Description, moved.AdditionalVersion, moved.AdditionalWeight));

        Assert.True(VersionValidator.TryUpdateAlias(new() { AdditionalVersionWeights = [] }, current, set, Now, out var cleared, out _));
        Assert.Null(cleared.AdditionalVersion);
        Assert.Null(cleared.AdditionalWeight);

        var rules = new VersionStrategy { CombineType = "or", Rules = [Header("X-A", "=", "1")] };
        Assert.True(VersionValidator.TryUpdateAlias(new() { AdditionalVersionStrategy = new() { ["v3"] = rules } }, current, set, Now, out var ruled, out _));
        Assert.Equal(("v3", (int?)null), (ruled.AdditionalVersion, ruled.AdditionalWeight));
        Assert.NotNull(ruled.AdditionalStrategy);

        Assert.False(VersionValidator.TryUpdateAlias(new() { Version = "v2" }, current, set, Now, out _, out var clash));
        Assert.Equal("FSS.1014", clash.ErrorCode);
    }

    private readonly record struct FgsErrorAssert(bool Ok, Fgs.Core.Errors.FgsError Error, FunctionVersion? Version);
}
