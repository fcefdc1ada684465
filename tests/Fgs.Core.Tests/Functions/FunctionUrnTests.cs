using Fgs.Core.Errors;
using Fgs.Core.Functions;

namespace Fgs.Core.Tests.Functions;

public sealed class FunctionUrnTests
{
    private const string Base = "urn:fss:cn-north-4:0123456789abcdef0123456789abcdef:function:default:hello";

    [Fact]
    public void Urn_without_qualifier_parses_into_its_parts_and_means_latest()
    {
        Assert.True(FunctionUrn.TryParse(Base, out var urn, out var error));

        Assert.True(error.IsEmpty);
        Assert.Equal(new FunctionUrn("cn-north-4", "0123456789abcdef0123456789abcdef", "default", "hello", null), urn);
        Assert.Equal("latest", urn.QualifierOrLatest);
        Assert.True(urn.IsLatest);
    }

    [Theory]
    [InlineData("latest")]
    [InlineData("v1")]
    [InlineData("1.0.2")]
    [InlineData("v20240506-070809")]
    [InlineData("prod")]
    [InlineData("!prod")]
    [InlineData("my_alias-2")]
    public void Urn_with_version_or_alias_parses_the_qualifier(string qualifier)
    {
        Assert.True(FunctionUrn.TryParse($"{Base}:{qualifier}", out var urn, out _));

        Assert.Equal(qualifier, urn.Qualifier);
        Assert.Equal(qualifier, urn.QualifierOrLatest);
    }

    [Theory]
    [InlineData("")]
    [InlineData(":latest")]
    [InlineData(":v1")]
    [InlineData(":!prod")]
    public void Formatting_a_parsed_urn_gives_back_the_same_text(string suffix)
    {
        var text = Base + suffix;

        Assert.Equal(text, FunctionUrn.Parse(text).ToString());
    }

    [Fact]
    public void Formatting_builds_the_FunctionGraph_shape()
    {
        var urn = new FunctionUrn("r1", "p1", "pkg", "fn", "v2");

        Assert.Equal("urn:fss:r1:p1:function:pkg:fn:v2", urn.ToString());
        Assert.Equal("urn:fss:r1:p1:function:pkg:fn", urn.WithoutQualifier().ToString());
    }

    [Fact]
    public void Alias_qualifier_with_bang_is_recognised()
    {
        var urn = FunctionUrn.Parse(Base + ":!prod");

        Assert.True(urn.IsAliasQualifier);
        Assert.Equal("prod", urn.AliasName);
        Assert.False(urn.IsLatest);
    }

    [Fact]
    public void Version_qualifier_is_not_an_alias_qualifier()
    {
        var urn = FunctionUrn.Parse(Base + ":v1");

        Assert.False(urn.IsAliasQualifier);
        Assert.Null(urn.AliasName);
    }

    [Fact]
    public void Latest_qualifier_counts_as_latest()
    {
        Assert.True(FunctionUrn.Parse(Base + ":latest").IsLatest);
    }

    [Fact]
    public void With_qualifier_replaces_or_removes_the_qualifier()
    {
        var urn = FunctionUrn.Parse(Base);

        Assert.Equal(Base + ":v3", urn.WithQualifier("v3").ToString());
        Assert.Equal(Base, urn.WithQualifier("v3").WithQualifier(null).ToString());
    }

    [Fact]
    public void Percent_encoded_urn_is_decoded_before_parsing()
    {
        var encoded = Base.Replace(":", "%3A", StringComparison.Ordinal) + "%3alatest";

        Assert.True(FunctionUrn.TryParse(encoded, out var urn, out _));
        Assert.Equal(Base + ":latest", urn.ToString());
    }

    [Fact]
    public void Span_parse_returns_ranges_of_each_part()
    {
        var text = Base + ":v1";

        Assert.True(FunctionUrn.TryParse(text.AsSpan(), out FunctionUrnRanges ranges));

        Assert.Equal("cn-north-4", text[ranges.Region]);
        Assert.Equal("0123456789abcdef0123456789abcdef", text[ranges.ProjectId]);
        Assert.Equal("default", text[ranges.Package]);
        Assert.Equal("hello", text[ranges.Name]);
        Assert.True(ranges.HasQualifier);
        Assert.Equal("v1", text[ranges.Qualifier]);
        Assert.Equal(FunctionUrn.Parse(text), ranges.ToUrn(text));
    }

    [Fact]
    public void Span_parse_without_qualifier_reports_none()
    {
        Assert.True(FunctionUrn.TryParse(Base.AsSpan(), out FunctionUrnRanges ranges));

        Assert.False(ranges.HasQualifier);
        Assert.Null(ranges.ToUrn(Base).Qualifier);
    }

    [Fact]
    public void Span_parse_does_not_allocate()
    {
        var text = Base + ":v1";
        FunctionUrn.TryParse(text.AsSpan(), out FunctionUrnRanges _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var ok = FunctionUrn.TryParse(text.AsSpan(), out FunctionUrnRanges _);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(ok);
        Assert.Equal(0, allocated);
    }

    public static TheoryData<string, string> Malformed => new()
    {
        { "", "empty" },
        { "urn", "must start with 'urn:fss:'" },
        { "arn:fss:r:p:function:default:f", "must start with 'urn:fss:'" },
        { "urn:fgs:r:p:function:default:f", "must start with 'urn:fss:'" },
        { "URN:FSS:r:p:function:default:f", "must start with 'urn:fss:'" },
        { "urn:fss:r:p:function:default", "6 ':'-separated parts" },
        { "urn:fss:r:p:function:default:f:v1:extra", "more than 8" },
        { "urn:fss:r:p:function:default:f:v1:a:b:c", "more than 8" },
        { "urn:fss::p:function:default:f", "part 3 is empty" },
        { "urn:fss:r::function:default:f", "part 4 is empty" },
        { "urn:fss:r:p::default:f", "part 5 is empty" },
        { "urn:fss:r:p:function::f", "part 6 is empty" },
        { "urn:fss:r:p:function:default:", "part 7 is empty" },
        { "urn:fss:r:p:function:default:f:", "part 8 is empty" },
        { "urn:fss:r:p:func:default:f", "fifth part must be 'function'" },
        { "urn:fss:r:p:Function:default:f", "fifth part must be 'function'" },
        { "urn:fss:cn north:p:function:default:f", "region" },
        { "urn:fss:r:p/1:function:default:f", "project_id" },
        { "urn:fss:r:p:function:de.fault:f", "package" },
        { "urn:fss:r:p:function:default:1abc", "func_name" },
        { "urn:fss:r:p:function:default:abc_", "func_name" },
        { "urn:fss:r:p:function:default:f:v 1", "qualifier" },
        { "urn:fss:r:p:function:default:f:!1abc", "qualifier" },
        { "urn:fss:r:p:function:default:f:!", "qualifier" },
        { "urn:fss:r:p:function:default:f:v/1", "qualifier" },
    };

    [Theory]
    [MemberData(nameof(Malformed))]
    public void Malformed_urn_is_rejected_with_a_400_naming_the_problem(string text, string expected)
    {
        Assert.False(FunctionUrn.TryParse(text, out var urn, out var error));

        Assert.Equal(default, urn);
        Assert.Equal(400, error.HttpStatus);
        Assert.Equal(FgsErrorCodes.InvalidParameter, error.ErrorCode);
        Assert.Contains(expected, error.ErrorMessage, StringComparison.Ordinal);
        Assert.False(FunctionUrn.TryParse(text.AsSpan(), out FunctionUrnRanges _));
    }

    [Fact]
    public void Null_urn_is_rejected()
    {
        Assert.False(FunctionUrn.TryParse((string?)null, out _, out var error));
        Assert.Contains("empty", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Name_of_61_characters_in_urn_is_rejected()
    {
        var name = "a" + new string('b', 60);

        Assert.False(FunctionUrn.TryParse($"urn:fss:r:p:function:default:{name}", out _, out _));
        Assert.True(FunctionUrn.TryParse($"urn:fss:r:p:function:default:{name[..60]}", out _, out _));
    }

    [Fact]
    public void Version_qualifier_of_43_characters_with_dots_is_rejected()
    {
        var version = "1." + new string('0', 41);

        Assert.False(FunctionUrn.TryParse($"{Base}:{version}", out _, out _));
        Assert.True(FunctionUrn.TryParse($"{Base}:{version[..42]}", out _, out _));
    }

    [Fact]
    public void Alias_qualifier_of_63_characters_is_accepted_and_64_rejected()
    {
        var alias = "a" + new string('b', 62);

        Assert.True(FunctionUrn.TryParse($"{Base}:{alias}", out _, out _));
        Assert.False(FunctionUrn.TryParse($"{Base}:{alias}b", out _, out _));
    }

    [Fact]
    public void Region_or_project_of_65_characters_is_rejected()
    {
        var long65 = new string('a', 65);

        Assert.False(FunctionUrn.TryParse($"urn:fss:{long65}:p:function:default:f", out _, out _));
        Assert.False(FunctionUrn.TryParse($"urn:fss:r:{long65}:function:default:f", out _, out _));
        Assert.True(FunctionUrn.TryParse($"urn:fss:{long65[..64]}:{long65[..64]}:function:default:f", out _, out _));
    }

    [Fact]
    public void Error_message_echoes_the_urn()
    {
        FunctionUrn.TryParse("urn:fss:r:p:func:default:f", out _, out var error);

        Assert.Contains("'urn:fss:r:p:func:default:f'", error.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_throws_format_exception_on_malformed_urn()
    {
        Assert.Throws<FormatException>(() => FunctionUrn.Parse("urn:fss:nope"));
    }
}
