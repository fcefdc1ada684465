using System.Diagnostics;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>Timeouts, crashes, initializers, warm reuse and overlapping invocations with real processes
/// (the curl runtime: bash + curl, available wherever the invoker runs).</summary>
public sealed class InvocationLifecycleTests : IAsyncLifetime
{
    private InvokerFixture _fx = null!;

    public async ValueTask InitializeAsync() => _fx = await InvokerFixture.StartAsync();

    public async ValueTask DisposeAsync() => await _fx.DisposeAsync();

    private static byte[] Curl => TestRuntimes.Package("curl");

    [Fact]
    public async Task Warm_instance_is_reused()
    {
        await _fx.CreateOkAsync("warm", Curl);
        var a = await _fx.InvokeAsync("warm", "{\"env\":\"RUNTIME_API_ADDR\"}");
        var b = await _fx.InvokeAsync("warm", "{\"env\":\"RUNTIME_API_ADDR\"}");
        Assert.Equal(a.Result, b.Result);
        Assert.Equal(1, _fx.Host.Instances!.LiveInstances);
    }

    [Fact]
    public async Task Invoke_times_out_and_kills_instance()
    {
        await _fx.CreateOkAsync("slow", Curl, "\"timeout\":3");
        var pidBefore = _fx.Host.Instances!.LiveProcessIds;
        var r = await _fx.InvokeAsync("slow", "{\"sleep_ms\":20000}", tail: true);
        Assert.Equal(200, r.HttpStatus);
        Assert.Equal("FSS.4102", r.ErrorCode);
        Assert.Contains("timed out after 3s", r.ErrorMsg);
        Assert.InRange(r.Elapsed, TimeSpan.FromSeconds(2.9), TimeSpan.FromSeconds(10));
        var pids = _fx.Host.Instances!.LiveProcessIds.Except(pidBefore).ToArray();
        // The timed-out instance is killed: its process is gone shortly after the answer.
        await WaitUntil(() => _fx.Host.Instances!.LiveInstances == 0, TimeSpan.FromSeconds(5));
        foreach (var pid in pids)
        {
            Assert.False(Directory.Exists($"/proc/{pid}"), $"process {pid} still exists");
        }
        // The next invocation gets a fresh instance.
        var next = await _fx.InvokeAsync("slow", "{\"echo\":1}");
        Assert.Equal(200, next.Status);
        Assert.True(next.Headers.Contains("X-Cff-Cold-Start"));
    }

    [Fact]
    public async Task Timeout_counts_from_when_the_runtime_takes_the_event_not_from_process_start()
    {
        // A runtime that needs 4 s to start (a JVM, say) serves a function whose timeout is 3 s.
        var script = """
            #!/bin/bash
            sleep 4
            API="http://${RUNTIME_API_ADDR}/v1/runtime/invocation"
            while true; do
              H=$(mktemp); curl -sS -D "$H" -o /dev/null "$API/request" || { sleep 0.05; continue; }
              ID=$(grep -i '^x-cff-request-id:' "$H" | cut -d: -f2- | tr -d '[:space:]')
              curl -sS -o /dev/null -X POST --data-binary started-late "$API/response/$ID"; rm -f "$H"
            done
            """;
        await _fx.CreateOkAsync("slow-start", InvokerFixture.ZipBootstrap(script), "\"timeout\":3");
        var r = await _fx.InvokeAsync("slow-start", "{}");
        Assert.Equal(200, r.Status);
        Assert.Equal("started-late", r.Result);
        Assert.True(r.Elapsed > TimeSpan.FromSeconds(3.5), $"answered in {r.Elapsed}");
    }

    [Fact]
    public async Task Crash_fails_the_invocation_at_once_with_exit_status_and_stderr()
    {
        await _fx.CreateOkAsync("crash", Curl, "\"timeout\":60");
        var r = await _fx.InvokeAsync("crash", "{\"exit\":7}");
        Assert.Equal("FSS.4105", r.ErrorCode);
        Assert.Contains("exit status 7", r.ErrorMsg);
        Assert.Contains("exiting 7", r.ErrorMsg); // the runtime's last words on stderr
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(10), $"took {r.Elapsed}; must not wait for the 60 s timeout");
    }

    [Fact]
    public async Task Bootstrap_that_exits_at_start_fails_with_its_stderr()
    {
        await _fx.CreateOkAsync("dies", InvokerFixture.ZipBootstrap("#!/bin/sh\necho 'cannot start: missing config' >&2\nexit 3\n"), "\"timeout\":60");
        var r = await _fx.InvokeAsync("dies", "{}");
        Assert.Equal("FSS.4105", r.ErrorCode);
        Assert.Contains("exit status 3", r.ErrorMsg);
        Assert.Contains("cannot start: missing config", r.ErrorMsg);
        Assert.True(r.Elapsed < TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Non_executable_bootstrap_fails_with_load_error()
    {
        await _fx.CreateOkAsync("noexec", InvokerFixture.ZipBootstrap("#!/bin/sh\nexit 0\n", mode: 0x1A4));
        var r = await _fx.InvokeAsync("noexec", "{}");
        Assert.Equal("FSS.4106", r.ErrorCode);
        Assert.Contains("not executable", r.ErrorMsg);
    }

    [Fact]
    public async Task Initializer_runs_once_per_instance_before_requests()
    {
        // A bootstrap that counts init events in a file next to its working folder and answers
        // requests with that count.
        var script = """
            #!/bin/bash
            API="http://${RUNTIME_API_ADDR}/v1/runtime/invocation"
            INITS=0
            while true; do
              H=$(mktemp); B=$(mktemp)
              curl -sS -D "$H" -o "$B" "$API/request" || { sleep 0.05; continue; }
              ID=$(grep -i '^x-cff-request-id:' "$H" | cut -d: -f2- | tr -d '[:space:]')
              TYPE=$(grep -i '^x-cff-invoke-type:' "$H" | cut -d: -f2- | tr -d '[:space:]')
              HANDLER=$(grep -i '^x-cff-initializer-handler:' "$H" | cut -d: -f2- | tr -d '[:space:]')
              if [ "$TYPE" = "init" ]; then
                INITS=$((INITS+1))
                curl -sS -o /dev/null -X POST --data-binary "init:$HANDLER" "$API/response/$ID"
              else
                curl -sS -o /dev/null -X POST --data-binary "inits=$INITS type=$TYPE" "$API/response/$ID"
              fi
              rm -f "$H" "$B"
            done
            """;
        await _fx.CreateOkAsync("init-ok", InvokerFixture.ZipBootstrap(script), "\"initializer_handler\":\"index.init\",\"initializer_timeout\":5");
        var first = await _fx.InvokeAsync("init-ok", "{}");
        var second = await _fx.InvokeAsync("init-ok", "{}");
        Assert.Equal("inits=1 type=sync", first.Result);
        Assert.Equal("inits=1 type=sync", second.Result);
    }

    [Fact]
    public async Task Initializer_failure_fails_the_invocation_with_init_error()
    {
        await _fx.CreateOkAsync("init-fail", Curl,
            "\"initializer_handler\":\"index.init\",\"initializer_timeout\":5,\"user_data\":\"{\\\"FAIL_INIT\\\":\\\"1\\\"}\"");
        var r = await _fx.InvokeAsync("init-fail", "{\"echo\":1}");
        Assert.Equal("FSS.4103", r.ErrorCode);
        Assert.Contains("initialization failed", r.ErrorMsg);
        await WaitUntil(() => _fx.Host.Instances!.LiveInstances == 0, TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Initializer_timeout_fails_after_initializer_timeout()
    {
        await _fx.CreateOkAsync("init-slow", Curl,
            "\"initializer_handler\":\"index.init\",\"initializer_timeout\":1,\"user_data\":\"{\\\"INIT_SLEEP_MS\\\":\\\"10000\\\"}\"");
        var r = await _fx.InvokeAsync("init-slow", "{\"echo\":1}");
        Assert.Equal("FSS.4103", r.ErrorCode);
        Assert.Contains("initialization timed out after 1s", r.ErrorMsg);
        Assert.InRange(r.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(8));
    }

    [Fact]
    public async Task Overlapping_invocations_get_separate_instances()
    {
        await _fx.CreateOkAsync("overlap", Curl);
        var calls = Enumerable.Range(0, 3).Select(_ => _fx.InvokeAsync("overlap", "{\"sleep_ms\":1500}")).ToArray();
        await WaitUntil(() => _fx.Host.Instances!.LiveInstances == 3, TimeSpan.FromSeconds(10));
        var results = await Task.WhenAll(calls);
        Assert.All(results, r => Assert.Equal("slept", r.Result));
        Assert.Equal(3, _fx.Host.Instances!.LiveInstances);
    }

    [Fact]
    public async Task Beyond_max_instances_requests_are_rejected_with_429()
    {
        await _fx.CreateOkAsync("capped", Curl);
        using (var put = await _fx.Client.PutAsync($"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("capped")}/config-max-instance",
            new StringContent("{\"max_instance_num\":1}", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(200, (int)put.StatusCode);
        }
        var busy = _fx.InvokeAsync("capped", "{\"sleep_ms\":2000}");
        await WaitUntil(() => _fx.Host.Instances!.LiveInstances == 1, TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        var rejected = await _fx.InvokeAsync("capped", "{\"echo\":1}");
        Assert.Equal(429, rejected.HttpStatus);
        Assert.Equal("FSS.0429", rejected.Json.GetProperty("error_code").GetString());
        Assert.Equal("Your request has been controlled by overload sdk, please retry later", rejected.Json.GetProperty("error_msg").GetString());
        Assert.Equal("slept", (await busy).Result);
    }

    [Fact]
    public async Task User_guide_shell_bootstrap_runs_as_written()
    {
        // The FunctionGraph user guide's custom runtime example, verbatim in style: #!/bin/sh with
        // `set -o pipefail` (FunctionGraph's /bin/sh is bash), curl -LD for the headers, -d to answer.
        var script = """
            #!/bin/sh
            set -o pipefail

            #Processing requests loop
            while true
            do
              HEADERS="$(mktemp)"
              # Get an event
              EVENT_DATA=$(curl -sS -LD "$HEADERS" -X GET "http://$RUNTIME_API_ADDR/v1/runtime/invocation/request")
              # Get request id from response header
              REQUEST_ID=$(grep -Fi x-cff-request-id "$HEADERS" | tr -d '[:space:]' | cut -d: -f2)
              if [ -z "$REQUEST_ID" ]; then
                continue
              fi
              # Process request data
              RESPONSE="Echoing request: $EVENT_DATA"
              # Put response
              curl -X POST "http://$RUNTIME_API_ADDR/v1/runtime/invocation/response/$REQUEST_ID" -d "$RESPONSE"
            done
            """;
        await _fx.CreateOkAsync("user-guide", InvokerFixture.ZipBootstrap(script));
        var r = await _fx.InvokeAsync("user-guide", "{\"hello\":\"world\"}");
        Assert.Equal(200, r.Status);
        Assert.Equal("Echoing request: {\"hello\":\"world\"}", r.Result);
        Assert.Equal("Echoing request: second", (await _fx.InvokeAsync("user-guide", "second")).Result);
    }

    [Fact]
    public async Task Dynamic_memory_header_picks_the_instance_size_and_sizes_are_pooled_apart()
    {
        await _fx.CreateOkAsync("dynamic", Curl, "\"enable_dynamic_memory\":true");
        async Task<InvokeResult> Invoke(string? memory)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("dynamic")}/invocations")
            {
                Content = new StringContent("{\"env\":\"RUNTIME_MEMORY\"}"),
            };
            if (memory is not null)
            {
                request.Headers.Add("X-Cff-Instance-Memory", memory);
            }
            using var response = await _fx.Client.SendAsync(request);
            return new InvokeResult((int)response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers, TimeSpan.Zero);
        }

        Assert.Equal("128", (await Invoke(null)).Result);
        Assert.Equal("512", (await Invoke("512")).Result);
        Assert.Equal("128", (await Invoke(null)).Result);
        Assert.Equal(2, _fx.Host.Instances!.LiveInstances); // one instance per size
        var bad = await Invoke("500");
        Assert.Equal(400, bad.HttpStatus);
        Assert.Equal("FSS.0406", bad.Json.GetProperty("error_code").GetString());
        Assert.StartsWith("X-Cff-Instance-Memory not in [", bad.Json.GetProperty("error_msg").GetString());
    }

    [Fact]
    public async Task Without_dynamic_memory_the_header_is_ignored()
    {
        await _fx.CreateOkAsync("static-memory", Curl);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("static-memory")}/invocations")
        {
            Content = new StringContent("{\"env\":\"RUNTIME_MEMORY\"}"),
        };
        request.Headers.Add("X-Cff-Instance-Memory", "4096");
        using var response = await _fx.Client.SendAsync(request);
        Assert.Contains("\"result\":\"128\"", await response.Content.ReadAsStringAsync());
    }

    internal static async Task WaitUntil(Func<bool> condition, TimeSpan limit)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > limit)
            {
                Assert.Fail($"condition not met within {limit}");
            }
            await Task.Delay(20);
        }
    }
}
