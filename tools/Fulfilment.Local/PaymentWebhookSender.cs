using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Fulfilment.Webhooks;

namespace Fulfilment.Local;

/// <summary>A payment notification as a partner's shop sends it.</summary>
public sealed record PaymentData(
    string OrderId, string Sku, int Quantity, decimal Amount, string Currency, string BuyerReference, string? TargetAccount = null);

/// <summary>Sends payment webhooks signed the Standard Webhooks way, as a partner's shop would.</summary>
public sealed class PaymentWebhookSender(HttpClient http)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static byte[] Body(PaymentData data) =>
        JsonSerializer.SerializeToUtf8Bytes(new { type = "payment.succeeded", timestamp = DateTimeOffset.UtcNow, data }, Json);

    public Task<HttpResponseMessage> SendAsync(string partnerId, string secret, PaymentData data, string? webhookId = null, CancellationToken cancellationToken = default) =>
        SendRawAsync(partnerId, secret, Body(data), webhookId ?? "msg_" + Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow, cancellationToken);

    /// <summary>Sends exactly these bytes, signed for this id and time (tests vary each part).</summary>
    public async Task<HttpResponseMessage> SendRawAsync(
        string partnerId, string secret, byte[] body, string webhookId, DateTimeOffset timestamp, CancellationToken cancellationToken = default)
    {
        var seconds = timestamp.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"api/webhooks/{partnerId}/payments")
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add(StandardWebhook.IdHeader, webhookId);
        request.Headers.Add(StandardWebhook.TimestampHeader, seconds);
        request.Headers.Add(StandardWebhook.SignatureHeader, StandardWebhook.SignatureHeaderValue(secret, webhookId, seconds, body));
        return await http.SendAsync(request, cancellationToken);
    }
}
