namespace Fgs.Invoker.Tests.Integration;

/// <summary>The demo functions shipped with the product, preloaded as <c>./run.sh</c> does.</summary>
public sealed class DemoFunctionTests
{
    [Fact]
    public async Task Demo_functions_are_preloaded_and_answer()
    {
        // The C# demo is a Native AOT build staged by ./test.sh (or ./run.sh) into FGS_DEMO_DIR;
        // without it the bash and Python demos are staged here from their sources.
        var staged = Environment.GetEnvironmentVariable("FGS_DEMO_DIR");
        var demoDir = staged is not null && File.Exists(Path.Combine(staged, "echo-csharp", "bootstrap"))
            ? staged
            : StageScriptDemos();
        await using var fx = await InvokerFixture.StartAsync(o =>
        {
            o.DemoDir = demoDir;
            o.DemoProjectId = InvokerFixture.Project;
        });
        Assert.Contains(InvokerFixture.Urn("echo-bash", null), fx.Host.DemoFunctions);
        Assert.Contains(InvokerFixture.Urn("echo-python", null), fx.Host.DemoFunctions);

        var bash = await fx.InvokeAsync("echo-bash", "{\"hello\":\"bash\"}", tail: true);
        Assert.Equal("{\"hello\":\"bash\"}", bash.Result);
        Assert.Contains("echo-bash got 16 bytes", bash.Log);

        var python = await fx.InvokeAsync("echo-python", "{\"hello\":\"python\"}", v1: true);
        Assert.Equal(200, python.Status);
        Assert.Equal("python", python.Json.GetProperty("result").GetProperty("echo").GetProperty("hello").GetString());

        if (!fx.Host.DemoFunctions.Contains(InvokerFixture.Urn("echo-csharp", null)))
        {
            Assert.Skip("the Native AOT C# demo is not built here (run ./test.sh, which stages it into FGS_DEMO_DIR)");
        }
        var csharp = await fx.InvokeAsync("echo-csharp", "{\"hello\":\"csharp\"}");
        Assert.Equal("{\"hello\":\"csharp\"}", csharp.Result);
        var again = await fx.InvokeAsync("echo-csharp", "{\"n\":2}");
        Assert.Equal("{\"n\":2}", again.Result);
    }

    [Fact]
    public async Task The_csharp_demo_serves_with_and_without_pipelining_its_next_request()
    {
        var staged = Environment.GetEnvironmentVariable("FGS_DEMO_DIR");
        if (staged is null || !File.Exists(Path.Combine(staged, "echo-csharp", "bootstrap")))
        {
            Assert.Skip("the Native AOT C# demo is not built here (run ./test.sh, which stages it into FGS_DEMO_DIR)");
        }
        await using var fx = await InvokerFixture.StartAsync();
        var zip = InvokerFixture.ZipFolder(Path.Combine(staged, "echo-csharp"));
        // By default the demo sends its next GET right behind each POST; ECHO_PIPELINE=0 waits for
        // the POST's answer first. Both must frame every invocation's own output in its log.
        await fx.CreateOkAsync("cs-pipelined", zip);
        await fx.CreateOkAsync("cs-classic", zip, "\"user_data\":\"{\\\"ECHO_PIPELINE\\\":\\\"0\\\"}\"");
        foreach (var name in new[] { "cs-pipelined", "cs-classic" })
        {
            for (var i = 0; i < 20; i++)
            {
                var body = "{\"n\":" + new string('7', i + 1) + "}";
                var r = await fx.InvokeAsync(name, body, tail: true);
                Assert.Equal(200, r.Status);
                Assert.Equal(body, r.Result);
                var requestId = r.Json.GetProperty("request_id").GetString();
                Assert.Contains($"Start invoke request '{requestId}'", r.Log);
                Assert.Contains($"echo-csharp got {body.Length} bytes", r.Log);
                Assert.Single(System.Text.RegularExpressions.Regex.Matches(r.Log!, "echo-csharp got"));
            }
            // Two callers at once: two instances, each still answering in order.
            var both = await Task.WhenAll(fx.InvokeAsync(name, "{\"a\":1}"), fx.InvokeAsync(name, "{\"b\":2}"));
            Assert.Equal("{\"a\":1}", both[0].Result);
            Assert.Equal("{\"b\":2}", both[1].Result);
        }
    }

    private static string StageScriptDemos()
    {
        var dir = Path.Combine(Path.GetTempPath(), "fgs-demos-" + Guid.NewGuid().ToString("N")[..8]);
        foreach (var name in new[] { "echo-bash", "echo-python" })
        {
            Directory.CreateDirectory(Path.Combine(dir, name));
            File.Copy(Path.Combine(InvokerFixture.RepoRoot, "invoker", "demo", name, "bootstrap"), Path.Combine(dir, name, "bootstrap"));
        }
        return dir;
    }
}
