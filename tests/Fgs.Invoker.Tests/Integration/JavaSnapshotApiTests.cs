using System.Text;
using System.Text.Json;
using Fgs.Core.Routing;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>The Java snapshot runtime through the REST API: enabling, publishing, the state, two
/// invocations at once served by two restored copies that ran the user's restore hook, and a
/// corrupt image falling back to a cold start (real CRIU; skipped with the reason where it cannot run).</summary>
public sealed class JavaSnapshotApiTests
{
    private static readonly TimeSpan s_readyWithin = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_published_Java_version_serves_two_invocations_at_once_from_two_restored_copies_and_a_corrupt_image_cold_starts()
    {
        await using var fx = await InvokerFixture.StartAsync();
        var snapshots = await fx.Host.Instances!.Snapshots!.Instances;
        if (!snapshots.Service.Capability.Available)
            Assert.Skip("CRIU cannot checkpoint on this host: " + snapshots.Service.Capability.Reason);

        const string name = "snap-java";
        var create = $$$"""
            {"func_name":"{{{name}}}","package":"default","runtime":"Custom","handler":"fgs.examples.SlowInit","memory_size":256,"timeout":30,
             "initializer_handler":"index.init","initializer_timeout":30,"user_data":"{\"INIT_MILLIS\":\"200\"}",
             "code_type":"zip","func_code":{"file":"{{{Convert.ToBase64String(SnapshotRest.JavaPackage())}}}"}}
            """;
        using (var created = await fx.Client.PostAsync(InvokerFixture.FunctionsPath, new StringContent(create, Encoding.UTF8, "application/json")))
            Assert.True(created.IsSuccessStatusCode, await created.Content.ReadAsStringAsync());
        var function = InvokerFixture.Urn(name, null);
        var version1 = InvokerFixture.Urn(name, "1");

        var (status, json) = await SnapshotRest.SendAsync(fx.Client, HttpMethod.Post, function, "enable");
        Assert.Equal(200, status);
        Assert.Equal("enabled", json.GetProperty("state").GetString());
        await SnapshotRest.PublishOkAsync(fx.Client, function, "1");
        var state = await SnapshotRest.WaitWhileMakingAsync(fx.Client, version1, s_readyWithin);
        Assert.True(state.GetProperty("state").GetString() == "ready", state.ToString());
        Assert.Equal("ready", (await SnapshotRest.SendAsync(fx.Client, HttpMethod.Get, function, "state")).Json.GetProperty("state").GetString());

        // No instance yet: each of two invocations at once starts one, and each is a restored copy.
        var answers = await Task.WhenAll(
            SnapshotRest.InvokeOkAsync(fx.Client, version1, """{"to":1}"""),
            SnapshotRest.InvokeOkAsync(fx.Client, version1, """{"to":2}"""));
        var copyIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < 2; i++)
        {
            copyIds.Add(SnapshotRest.AssertRestored(answers[i], "java"));
            Assert.Equal(i + 1, answers[i].GetProperty("event").GetProperty("to").GetInt32());
        }
        Assert.Equal(2, copyIds.Count);
        Assert.Equal(2, fx.Host.Instances.Snapshots!.Live.Length);

        // A warm copy serves the next invocation: no further restore hook.
        var warm = await SnapshotRest.InvokeOkAsync(fx.Client, version1, """{"to":3}""");
        Assert.Contains(warm.GetProperty("copyId").GetString()!, copyIds);
        Assert.Equal(1, warm.GetProperty("restores").GetInt32());

        // Corrupt the image and retire the copies: the next invocation cold starts, and the snapshot is failed.
        Assert.True(snapshots.Service.Images.TryGet($"{InvokerFixture.Project}/default/{name}:1", out var image));
        foreach (var file in Directory.GetFiles(image.Directory, "*.img"))
            await File.WriteAllBytesAsync(file, Encoding.ASCII.GetBytes("not an image"));
        fx.Host.Instances.Retire(new FunctionVersionKey(new FunctionKey(InvokerFixture.Project, "default", name), "1"));

        var cold = await SnapshotRest.InvokeOkAsync(fx.Client, version1, """{"to":4}""");
        Assert.Equal("java", cold.GetProperty("runtime").GetString());
        Assert.True(cold.GetProperty("initialized").GetBoolean());
        Assert.Equal(0, cold.GetProperty("restores").GetInt32());
        Assert.StartsWith("original-", cold.GetProperty("copyId").GetString(), StringComparison.Ordinal);
        var (_, failed) = await SnapshotRest.SendAsync(fx.Client, HttpMethod.Get, version1, "state");
        Assert.Equal("failed", failed.GetProperty("state").GetString());
        Assert.False(string.IsNullOrEmpty(failed.GetProperty("code").GetString()));
        TestContext.Current.SendDiagnosticMessage("failed snapshot: " + failed.GetProperty("code").GetString());
    }
}
