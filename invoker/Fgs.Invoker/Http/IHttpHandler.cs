namespace Fgs.Invoker.Http;

/// <summary>The application behind an <see cref="HttpServer"/>.</summary>
internal interface IHttpHandler
{
    /// <summary>Called once per accepted connection before any request; false refuses (closes) it.</summary>
    ValueTask<bool> OnConnectedAsync(HttpConnectionInfo connection) => ValueTask.FromResult(true);

    /// <summary>The largest request body accepted for this request head (decided before the body is read).</summary>
    long MaxBodyBytes(HttpRequestHead head);

    /// <summary>Handles one request; must write a complete response.</summary>
    ValueTask HandleAsync(HttpExchange exchange);

    /// <summary>Called when a request body is refused for its size, before the 413 is written.</summary>
    void OnBodyTooLarge(HttpRequestHead head)
    {
    }

    /// <summary>Called once when the connection ends.</summary>
    void OnDisconnected(HttpConnectionInfo connection)
    {
    }
}
