using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Fgs.Invoker.Auth;

namespace Fgs.Invoker.Tests.Integration;

/// <summary>AK/SK request signing on the front door, and the runtime API refusing connections that
/// do not come from the instance's own processes.</summary>
public sealed class SecurityTests
{
    private const string Ak = "TESTAK0123456789";
    private const string Sk = "test-secret-key-0123456789";

    private static async Task<HttpResponseMessage> SendSignedAsync(InvokerFixture fx, HttpMethod method, string pathAndQuery, string? body, string secret)
    {
        var host = fx.Host.Endpoint!.ToString();
        var bytes = body is null ? [] : Encoding.UTF8.GetBytes(body);
        var q = pathAndQuery.IndexOf('?');
        var path = q < 0 ? pathAndQuery : pathAndQuery[..q];
        var query = q < 0 ? null : pathAndQuery[(q + 1)..];
        var toSign = new List<KeyValuePair<string, string>>
        {
            new("Host", host),
            new("Content-Type", "application/json"),
            new("X-Project-Id", InvokerFixture.Project),
        };
        var added = SdkRequestSigner.Sign(method.Method, path, query, toSign, bytes, Ak, secret, DateTimeOffset.UtcNow);
        using var request = new HttpRequestMessage(method, pathAndQuery);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(bytes);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        }
        else
        {
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/json");
        }
        request.Headers.TryAddWithoutValidation("X-Project-Id", InvokerFixture.Project);
        foreach (var (k, v) in added)
        {
            request.Headers.TryAddWithoutValidation(k, v);
        }
        return await fx.Client.SendAsync(request);
    }

    [Fact]
    public async Task With_keys_every_api_request_needs_a_valid_signature()
    {
        await using var fx = await InvokerFixture.StartAsync(o => o.AccessKeys[Ak] = Sk);

        using (var unsigned = await fx.Client.GetAsync(InvokerFixture.FunctionsPath))
        {
            Assert.Equal(401, (int)unsigned.StatusCode);
            var error = JsonDocument.Parse(await unsigned.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("FSS.0401", error.GetProperty("error_code").GetString());
            Assert.Contains("Authorization", error.GetProperty("error_msg").GetString());
        }

        using (var health = await fx.Client.GetAsync("/healthz"))
        {
            Assert.Equal(200, (int)health.StatusCode); // probes need no signature
        }

        using (var signed = await SendSignedAsync(fx, HttpMethod.Get, InvokerFixture.FunctionsPath + "?maxitems=10", null, Sk))
        {
            Assert.Equal(200, (int)signed.StatusCode);
        }

        using (var wrongSecret = await SendSignedAsync(fx, HttpMethod.Get, InvokerFixture.FunctionsPath, null, Sk + "x"))
        {
            Assert.Equal(401, (int)wrongSecret.StatusCode);
        }

        var zip = TestRuntimes.Package("curl");
        var create = "{\"func_name\":\"signed\",\"runtime\":\"Custom\",\"handler\":\"bootstrap\",\"code_type\":\"zip\",\"func_code\":{\"file\":\""
            + Convert.ToBase64String(zip) + "\"}}";
        using (var created = await SendSignedAsync(fx, HttpMethod.Post, InvokerFixture.FunctionsPath, create, Sk))
        {
            Assert.Equal(200, (int)created.StatusCode);
        }
        using (var invoked = await SendSignedAsync(fx, HttpMethod.Post, $"{InvokerFixture.FunctionsPath}/{InvokerFixture.Urn("signed")}/invocations", "{\"echo\":1}", Sk))
        {
            Assert.Equal(200, (int)invoked.StatusCode);
            Assert.Contains("\\\"echo\\\":1", await invoked.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Runtime_api_refuses_connections_from_other_processes()
    {
        await using var fx = await InvokerFixture.StartAsync();
        await fx.CreateOkAsync("guarded", TestRuntimes.Package("curl"));
        var addr = (await fx.InvokeAsync("guarded", "{\"env\":\"RUNTIME_API_ADDR\"}")).Result!;
        var ep = IPEndPoint.Parse(addr);

        // This test process is not part of the instance: its connection is refused.
        using var socket = new TcpClient();
        await socket.ConnectAsync(ep);
        var stream = socket.GetStream();
        await stream.WriteAsync("GET /v1/runtime/invocation/request HTTP/1.1\r\nHost: x\r\n\r\n"u8.ToArray());
        var buffer = new byte[4096];
        var text = new StringBuilder();
        int n;
        while ((n = await stream.ReadAsync(buffer)) > 0)
        {
            text.Append(Encoding.ASCII.GetString(buffer, 0, n));
        }
        Assert.StartsWith("HTTP/1.1 403", text.ToString());
        Assert.Contains("does not come from a live instance", text.ToString());

        // The instance itself is still served.
        Assert.Equal("{\"echo\":2}", (await fx.InvokeAsync("guarded", "{\"echo\":2}")).Result);
    }

    [Fact]
    public async Task Malformed_runtime_api_request_gets_400_and_close_and_the_instance_is_still_served()
    {
        // The bootstrap first sends a malformed request on its own connection (bash /dev/tcp), reads
        // the status line, then serves normally and answers every event with that status line.
        var script = """
            #!/bin/bash
            API="http://${RUNTIME_API_ADDR}/v1/runtime/invocation"
            exec 3<>"/dev/tcp/${RUNTIME_API_ADDR%:*}/${RUNTIME_API_ADDR##*:}"
            printf 'GET /v1/runtime/invocation/request HTTP/1.1\r\nBad Header Without Colon\r\n\r\n' >&3
            STATUS=$(head -n 1 <&3 | tr -d '\r')
            REST=$(cat <&3)   # returns only once the server has closed the connection
            exec 3>&-
            while true; do
              H=$(mktemp)
              curl -sS -D "$H" -o /dev/null "$API/request" || { sleep 0.05; continue; }
              ID=$(grep -i '^x-cff-request-id:' "$H" | cut -d: -f2- | tr -d '[:space:]')
              curl -sS -o /dev/null -X POST --data-binary "$STATUS" "$API/response/$ID"
              rm -f "$H"
            done
            """;
        await using var fx = await InvokerFixture.StartAsync();
        await fx.CreateOkAsync("malformed", InvokerFixture.ZipBootstrap(script));
        var r = await fx.InvokeAsync("malformed", "{}");
        Assert.Equal(200, r.Status);
        Assert.StartsWith("HTTP/1.1 400", r.Result);
        Assert.Equal("HTTP/1.1 400", (await fx.InvokeAsync("malformed", "{}")).Result![..12]);
    }
}
