using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>The SDK's statistics API (<c>GET .../{func_urn}/statistics/{period}</c>) from real
/// invocations, on a fake clock: per-minute series of counts, errors and durations, per version
/// and across versions, and its bad-input edges.</summary>
public sealed class StatisticsApiTests
{
    private static async Task<(int Status, JsonElement Body)> GetAsync(InvokerFixture fx, string urn, string period)
    {
        using var response = await fx.Client.GetAsync($"{InvokerFixture.FunctionsPath}/{urn}/statistics/{period}");
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    private static double[] Values(JsonElement body, string name) => [.. body.GetProperty(name).EnumerateArray().Select(p => p.GetProperty("value").GetDouble())];

    [Fact]
    public async Task Statistics_give_per_minute_series_per_version_and_for_the_whole_function()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 8, 0, 10, TimeSpan.Zero));
        await using var fx = await InvokerFixture.StartAsync(time: clock);
        await fx.CreateOkAsync("counted", TestRuntimes.Package("curl"));
        Assert.Equal(200, (await fx.InvokeAsync("counted", "{\"echo\":1}")).Status);
        Assert.Equal("FSS.4101", (await fx.InvokeAsync("counted", "{\"error\":\"bad\"}")).ErrorCode);
        using (var published = await fx.Client.PostAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("counted", null)}/versions",
                   new StringContent("{\"version\":\"v1\"}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)published.StatusCode);
        }
        clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(200, (await fx.InvokeAsync("counted", "{\"echo\":2}", qualifier: "v1")).Status);

        var (status, all) = await GetAsync(fx, InvokerFixture.Urn("counted", null), "3");
        Assert.Equal(200, status);
        Assert.Equal([0.0, 2, 1], Values(all, "count"));
        Assert.Equal([0.0, 1, 0], Values(all, "fail_count"));
        Assert.Equal([0.0, 1, 0], Values(all, "function_error_count"));
        Assert.Equal([0.0, 0, 0], Values(all, "reject_count"));
        // Run times are taken on the (fake, standing) clock here: their arithmetic is covered by the core tests.
        Assert.Equal(3, Values(all, "duration").Length);
        Assert.Equal(3, Values(all, "max_duration").Length);
        Assert.Equal([0.0], Values(all, "reserved_instance_num"));
        var stamps = all.GetProperty("count").EnumerateArray().Select(p => p.GetProperty("timestamp").GetInt64()).ToArray();
        Assert.Equal(clock.GetUtcNow().ToUnixTimeSeconds() / 60 * 60_000, stamps[^1]);
        Assert.Equal(60_000, stamps[2] - stamps[1]);

        var (_, latest) = await GetAsync(fx, InvokerFixture.Urn("counted", "latest"), "3");
        Assert.Equal([0.0, 2, 0], Values(latest, "count"));
        var (_, v1) = await GetAsync(fx, InvokerFixture.Urn("counted", "v1"), "3");
        Assert.Equal([0.0, 0, 1], Values(v1, "count"));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("1441")]
    [InlineData("five")]
    [InlineData("-5")]
    public async Task Period_outside_one_minute_to_a_day_is_a_bad_request(string period)
    {
        await using var fx = await InvokerFixture.StartAsync();
        await fx.CreateOkAsync("counted", TestRuntimes.Package("curl"));
        var (status, body) = await GetAsync(fx, InvokerFixture.Urn("counted", null), period);
        Assert.Equal(400, status);
        Assert.Equal("FSS.0400", body.GetProperty("error_code").GetString());
        Assert.Contains("period", body.GetProperty("error_msg").GetString());
    }

    [Fact]
    public async Task Statistics_of_an_unknown_function_are_not_found()
    {
        await using var fx = await InvokerFixture.StartAsync();
        var (status, body) = await GetAsync(fx, InvokerFixture.Urn("missing", null), "5");
        Assert.Equal(404, status);
        Assert.StartsWith("FSS.105", body.GetProperty("error_code").GetString());
    }
}
