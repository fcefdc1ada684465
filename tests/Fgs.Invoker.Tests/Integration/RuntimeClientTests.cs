using System.Text;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>The runtime API served to every client stack: echo, errors, logs, environment, the 6 MB
/// response limit at its edge, chunked responses.</summary>
public sealed class RuntimeClientTests : IAsyncLifetime
{
    private InvokerFixture _fx = null!;

    public async ValueTask InitializeAsync() => _fx = await InvokerFixture.StartAsync();

    public async ValueTask DisposeAsync() => await _fx.DisposeAsync();

    [Theory]
    [MemberData(nameof(TestRuntimes.All), MemberType = typeof(TestRuntimes))]
    public async Task Runtime_serves_echo_error_logs_env_and_chunked(string runtime)
    {
        var zip = TestRuntimes.Package(runtime);
        var name = "rt-" + runtime;
        await _fx.CreateOkAsync(name, zip, "\"user_data\":\"{\\\"GREETING\\\":\\\"hello from user data\\\"}\"");

        var echo = await _fx.InvokeAsync(name, "{\"echo\":\"x\",\"n\":1}");
        Assert.Equal(200, echo.HttpStatus);
        Assert.Equal(200, echo.Status);
        Assert.Equal("{\"echo\":\"x\",\"n\":1}", echo.Result);
        Assert.Equal("true", echo.Headers.GetValues("X-Cff-Cold-Start").Single());

        var warm = await _fx.InvokeAsync(name, "{\"echo\":\"again\"}");
        Assert.Equal("{\"echo\":\"again\"}", warm.Result);
        Assert.False(warm.Headers.Contains("X-Cff-Cold-Start"));

        var error = await _fx.InvokeAsync(name, "{\"error\":\"boom\"}");
        Assert.Equal(200, error.HttpStatus);
        Assert.Equal(500, error.Status);
        Assert.Equal("FSS.4101", error.ErrorCode);
        Assert.Contains("boom", error.Result);
        Assert.Equal("true", error.Headers.GetValues("X-Is-Func-Err").Single());

        var printed = await _fx.InvokeAsync(name, "{\"print\":\"line-from-" + runtime + "\"}", tail: true);
        Assert.Equal("ok", printed.Result);
        Assert.Contains("line-from-" + runtime, printed.Log);
        Assert.Contains($"Start invoke request '{printed.Json.GetProperty("request_id").GetString()}', version: latest", printed.Log);
        Assert.Matches(@"Finish invoke request '[0-9a-f-]+', duration: [0-9.]+ms, billing duration: \d+ms, memory used: \d+MB, billing memory: 128MB", printed.Log);
        var header = Encoding.UTF8.GetString(Convert.FromBase64String(printed.Headers.GetValues("X-Cff-Function-Log").Single()));
        Assert.Contains("line-from-" + runtime, header);

        var env = await _fx.InvokeAsync(name, "{\"env\":\"GREETING\"}");
        Assert.Equal("hello from user data", env.Result);
        var fname = await _fx.InvokeAsync(name, "{\"env\":\"RUNTIME_FUNC_NAME\"}");
        Assert.Equal(name, fname.Result);
        var mem = await _fx.InvokeAsync(name, "{\"env\":\"RUNTIME_MEMORY\"}");
        Assert.Equal("128", mem.Result);
        var max = await _fx.InvokeAsync(name, "{\"env\":\"RUNTIME_MAX_RESP_BODY_SIZE\"}");
        Assert.Equal("6291456", max.Result);

        var chunked = await _fx.InvokeAsync(name, "{\"chunked\":\"sent in chunks\"}");
        Assert.Equal("sent in chunks", chunked.Result);
    }

    [Theory]
    [MemberData(nameof(TestRuntimes.All), MemberType = typeof(TestRuntimes))]
    public async Task Response_of_exactly_6_MB_passes_and_one_byte_more_fails_at_once(string runtime)
    {
        var zip = TestRuntimes.Package(runtime);
        var name = "big-" + runtime;
        await _fx.CreateOkAsync(name, zip);

        var atLimit = await _fx.InvokeAsync(name, "{\"big\":6291456}");
        Assert.Equal(200, atLimit.Status);
        Assert.Equal(6291456, atLimit.Result!.Length);

        var over = await _fx.InvokeAsync(name, "{\"big\":6291457}");
        Assert.Equal(200, over.HttpStatus);
        Assert.Equal("FSS.4104", over.ErrorCode);
        Assert.True(over.Elapsed < TimeSpan.FromSeconds(20), $"took {over.Elapsed}, the function timeout is 30 s");

        // The instance keeps serving afterwards (or a new one does).
        var after = await _fx.InvokeAsync(name, "{\"echo\":1}");
        Assert.Equal(200, after.Status);
    }
}
