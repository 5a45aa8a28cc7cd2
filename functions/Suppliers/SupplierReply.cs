using System.Net;
using System.Text.Json;
using Fulfilment.Serialization;

namespace Fulfilment.Suppliers;

/// <summary>A supplier's answer as it came: its status, its body (capped by the HTTP client), and its Retry-After hint.</summary>
internal sealed record SupplierReply(HttpStatusCode Status, string Body, TimeSpan? RetryAfter)
{
    public int Code => (int)Status;

    /// <summary>The body as <typeparamref name="T"/>; null when it is not JSON of that shape (a broken or hostile peer).</summary>
    public T? Read<T>()
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize<T>(Body, AppJson.Options);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            return null;
        }
    }
}
