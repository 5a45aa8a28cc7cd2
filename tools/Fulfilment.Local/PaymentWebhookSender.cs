using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Fulfilment.Contract;
using Fulfilment.Webhooks;

namespace Fulfilment.Local;

/// <summary>Sends payment webhooks signed the Standard Webhooks way, as a partner's shop would.</summary>
public sealed class PaymentWebhookSender(HttpClient http)
{
    public static byte[] Body(PaymentData data) =>
        JsonSerializer.SerializeToUtf8Bytes(new PaymentWebhook(PaymentWebhook.PaymentSucceeded, data, DateTimeOffset.UtcNow), ContractJson.Options);

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
