using Fgs.Core.Versions;
using static Fgs.Core.Tests.Versions.VersionTestData;

namespace Fgs.Core.Tests.Versions;

public sealed class AliasRouterTests
{
    private static readonly Func<string, string?> NoHeaders = _ => null;

    [Theory]
    [InlineData(30, 2800, 3200)]
    [InlineData(50, 4800, 5200)]
    [InlineData(1, 50, 150)]
    public void Weight_sends_its_percentage_of_requests_to_the_additional_version(int weight, int min, int max)
    {
        var alias = Weighted("canary", "v1", "v2", weight);
        var random = new Random(20240506);

        var onCanary = 0;
        for (var i = 0; i < 10_000; i++)
        {
            if (AliasRouter.Route(alias, NoHeaders, random) == "v2")
            {
                onCanary++;
            }
        }

        Assert.InRange(onCanary, min, max);
    }

    [Fact]
    public void Weight_0_never_and_weight_100_always_picks_the_additional_version()
    {
        var random = new Random(1);
        var never = Weighted("a", "latest", "v2", 0);
        var always = Weighted("a", "latest", "v2", 100);

        for (var i = 0; i < 1_000; i++)
        {
            Assert.Equal("latest", AliasRouter.Route(never, NoHeaders, random));
            Assert.Equal("v2", AliasRouter.Route(always, NoHeaders, random));
        }
    }

    [Fact]
    public void Without_an_additional_version_every_request_goes_to_the_alias_version()
    {
        var alias = new FunctionAlias { Name = "prod", Version = "v3" };
        Assert.Equal("v3", AliasRouter.Route(alias, Headers(("x-user", "a")), new Random(5)));
    }

    [Fact]
    public void Equals_rule_matches_the_exact_header_value_whatever_the_header_name_case()
    {
        var alias = Ruled("beta", "v1", "v2", "and", Header("X-User-Group", "=", "beta"));

        Assert.Equal("v2", AliasRouter.Route(alias, Headers(("x-user-group", "beta")), new Random(1)));
        Assert.Equal("v1", AliasRouter.Route(alias, Headers(("x-user-group", "Beta")), new Random(1)));
        Assert.Equal("v1", AliasRouter.Route(alias, Headers(("x-user-group", "beta2")), new Random(1)));
    }

    [Theory]
    [InlineData("cn", true)]
    [InlineData("de", true)]
    [InlineData("us", false)]
    [InlineData("c", false)]
    public void In_rule_matches_any_item_of_the_comma_list(string region, bool canary)
    {
        var alias = Ruled("geo", "v1", "v2", "and", Header("X-Region", "in", "cn, de,fr"));

        Assert.Equal(canary ? "v2" : "v1", AliasRouter.Route(alias, Headers(("X-Region", region)), new Random(1)));
    }

    [Fact]
    public void A_missing_header_routes_to_the_alias_version()
    {
        var alias = Ruled("beta", "v1", "v2", "or", Header("X-User-Group", "=", "beta"));

        Assert.Equal("v1", AliasRouter.Route(alias, NoHeaders, new Random(1)));
        Assert.Equal("v1", AliasRouter.Route(alias, Headers(("X-Other", "beta")), new Random(1)));
    }

    [Theory]
    [InlineData("beta", "cn", true)]
    [InlineData("beta", "us", false)]
    [InlineData("prod", "cn", false)]
    [InlineData(null, "cn", false)]
    public void And_needs_every_rule(string? group, string region, bool canary)
    {
        var alias = Ruled("x", "v1", "v2", "and", Header("X-Group", "=", "beta"), Header("X-Region", "in", "cn,de"));
        var headers = group is null ? Headers(("X-Region", region)) : Headers(("X-Group", group), ("X-Region", region));

        Assert.Equal(canary ? "v2" : "v1", AliasRouter.Route(alias, headers, new Random(1)));
    }

    [Theory]
    [InlineData("beta", "us", true)]
    [InlineData("prod", "cn", true)]
    [InlineData("prod", "us", false)]
    [InlineData(null, "us", false)]
    public void Or_needs_one_rule(string? group, string region, bool canary)
    {
        var alias = Ruled("x", "v1", "v2", "or", Header("X-Group", "=", "beta"), Header("X-Region", "in", "cn,de"));
        var headers = group is null ? Headers(("X-Region", region)) : Headers(("X-Group", group), ("X-Region", region));

        Assert.Equal(canary ? "v2" : "v1", AliasRouter.Route(alias, headers, new Random(1)));
    }

    [Fact]
    public void Header_rules_are_deterministic_and_ignore_the_random_source()
    {
        var alias = Ruled("beta", "v1", "v2", "and", Header("X-Beta", "=", "1"));
        var random = new Random(7);

        for (var i = 0; i < 200; i++)
        {
            Assert.Equal("v2", AliasRouter.Route(alias, Headers(("X-Beta", "1")), random));
            Assert.Equal("v1", AliasRouter.Route(alias, Headers(("X-Beta", "0")), random));
        }
    }

    [Fact]
    public void Cookie_rules_read_the_cookie_header()
    {
        var alias = Ruled("c", "v1", "v2", "and", new VersionStrategyRule { RuleType = "cookie", Param = "tier", Op = "=", Value = "gold" });

        Assert.Equal("v2", AliasRouter.Route(alias, Headers(("Cookie", "a=1; tier=gold; b=2")), new Random(1)));
        Assert.Equal("v1", AliasRouter.Route(alias, Headers(("Cookie", "a=1; tier=silver")), new Random(1)));
        Assert.Equal("v1", AliasRouter.Route(alias, Headers(("X-Tier", "gold")), new Random(1)));
    }
}
