using Fgs.Core.Functions;
using Fgs.Core.Versions;
using static Fgs.Core.Tests.Versions.VersionTestData;

namespace Fgs.Core.Tests.Versions;

public sealed class FunctionVersionSetTests
{
    private static FunctionUrn Urn(string? qualifier) => new("cn-north-4", "proj1", "default", "hello", qualifier);

    private static (bool Ok, FunctionDefinition Def, Fgs.Core.Errors.FgsError Error) Resolve(FunctionVersionSet set, string? qualifier,
        Func<string, string?>? headers = null)
    {
        var ok = set.TryResolve(Latest(), Urn(qualifier), headers, new Random(1), out var def, out var error);
        return (ok, def, error);
    }

    [Fact]
    public void Latest_versions_and_aliases_resolve_to_their_definitions()
    {
        var set = Set("v1", "v2").WithAlias(new FunctionAlias { Name = "prod", Version = "v1" })
            .WithAlias(new FunctionAlias { Name = "edge", Version = "latest" });

        Assert.Equal("latest", Resolve(set, null).Def.Version);
        Assert.Equal("latest", Resolve(set, "latest").Def.Version);
        Assert.Equal("digest-v2", Resolve(set, "v2").Def.Digest);
        Assert.Equal("v1", Resolve(set, "!prod").Def.Version);
        Assert.Equal("v1", Resolve(set, "prod").Def.Version);
        Assert.Equal("latest", Resolve(set, "!edge").Def.Version);
    }

    [Fact]
    public void A_bare_qualifier_is_a_version_before_an_alias()
    {
        var set = Set("v1", "v2").WithAlias(new FunctionAlias { Name = "v2", Version = "v1" });

        Assert.Equal("v2", Resolve(set, "v2").Def.Version);
        Assert.Equal("v1", Resolve(set, "!v2").Def.Version);
    }

    [Fact]
    public void Unknown_qualifiers_are_404_version_or_alias()
    {
        var set = Set("v1");

        var version = Resolve(set, "v9");
        Assert.False(version.Ok);
        Assert.Equal((404, "FSS.1052"), (version.Error.HttpStatus, version.Error.ErrorCode));
        var alias = Resolve(set, "!prod");
        Assert.Equal((404, "FSS.1053"), (alias.Error.HttpStatus, alias.Error.ErrorCode));
    }

    [Fact]
    public void Header_routing_applies_only_when_headers_are_given()
    {
        var set = Set("v1", "v2").WithAlias(Ruled("beta", "v1", "v2", "and", Header("X-Beta", "=", "yes")));

        Assert.Equal("v2", Resolve(set, "!beta", Headers(("X-Beta", "yes"))).Def.Version);
        Assert.Equal("v1", Resolve(set, "!beta", Headers(("X-Beta", "no"))).Def.Version);
        Assert.Equal("v1", Resolve(set, "!beta").Def.Version);
    }

    [Fact]
    public void Deleting_a_version_removes_the_aliases_that_point_at_it()
    {
        var set = Set("v1", "v2", "v3")
            .WithAlias(new FunctionAlias { Name = "main", Version = "v2" })
            .WithAlias(Weighted("canary", "v1", "v2", 10))
            .WithAlias(new FunctionAlias { Name = "other", Version = "v3" });

        var after = set.WithoutVersion("v2", out var removed);

        Assert.Equal(["canary", "main"], removed.Select(a => a.Name));
        Assert.Equal(["other"], after.AliasesInOrder().Select(a => a.Name));
        Assert.Equal(["v1", "v3"], after.VersionsInOrder().Select(v => v.Name));
        Assert.Equal(3, set.Versions.Count);
    }
}
