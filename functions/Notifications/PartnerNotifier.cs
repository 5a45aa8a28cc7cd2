using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fulfilment.Hosting;
using Fulfilment.Orders;
using Fulfilment.Partners;
using Fulfilment.Webhooks;
using Microsoft.Extensions.Options;

namespace Fulfilment.Notifications;

/// <summary>
/// POSTs one notification to the partner's callback URL, signed the Standard Webhooks way with every active secret
/// of the partner (so its rotation works), with a webhook id fixed per (order, state) so the partner can dedupe.
/// The body says what happened to the order and never carries key material: the partner fetches keys through the API.
/// </summary>
internal sealed class PartnerNotifier(
    PartnerDirectory partners,
    OrderBook orders,
    PartnerNotifications notifications,
    IHttpClientFactory httpClients,
    IOptions<NotificationOptions> options,
    TimeProvider clock,
    ILogger<PartnerNotifier> logger)
{
    public const string HttpClientName = "partner-callbacks";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public async Task SendAsync(NotificationRequest request, CancellationToken cancellationToken)
    {
        var partner = await partners.FindAsync(request.PartnerId, cancellationToken)
            ?? throw new PoisonMessageException($"partner {request.PartnerId} does not exist");
        var order = await orders.GetAsync(request.PartnerId, request.OrderId, cancellationToken)
            ?? throw new PoisonMessageException($"order {request.OrderId} of partner {request.PartnerId} does not exist");
        if (partner.CallbackUrl is null)
        {
            return;
        }

        var error = await PostAsync(partner, order, request.State, cancellationToken);
        if (error is null)
        {
            await orders.RecordNotificationAsync(order.PartnerId, order.OrderId, request.State, "sent", request.Attempt, null, cancellationToken);
            logger.LogInformation("Order {OrderId}: partner {PartnerId} notified that it is {State} (attempt {Attempt})",
                order.OrderId, order.PartnerId, request.State, request.Attempt);
            return;
        }

        if (request.Attempt >= options.Value.MaxAttempts)
        {
            await notifications.DeadLetterAsync(request, error, cancellationToken);
            await orders.RecordNotificationAsync(order.PartnerId, order.OrderId, request.State, "dead-lettered", request.Attempt, error, cancellationToken);
            logger.LogError("Order {OrderId}: notifying partner {PartnerId} failed {Attempt} times and was dead-lettered: {Error}",
                order.OrderId, order.PartnerId, request.Attempt, error);
            return;
        }

        await orders.RecordNotificationAsync(order.PartnerId, order.OrderId, request.State, "retrying", request.Attempt, error, cancellationToken);
        logger.LogWarning("Order {OrderId}: notifying partner {PartnerId} failed (attempt {Attempt}): {Error}; retrying",
            order.OrderId, order.PartnerId, request.Attempt, error);
        await notifications.RetryAsync(request, cancellationToken);
    }

    /// <summary>Null when the partner answered 2xx, else what went wrong.</summary>
    private async Task<string?> PostAsync(Partner partner, Order order, string state, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = "order." + state,
            timestamp = clock.GetUtcNow(),
            data = new
            {
                order.OrderId, order.Sku, order.Quantity, order.Amount, order.Currency, order.BuyerReference,
                state, order.StateReason, order.SupplierReference, order.DeliveredAt,
            },
        }, Json);
        var id = "evt_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{order.PartnerId}|{order.OrderId}|{state}")).AsSpan(0, 16));
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, partner.CallbackUrl)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add(StandardWebhook.IdHeader, id);
        request.Headers.Add(StandardWebhook.TimestampHeader, timestamp);
        request.Headers.Add(StandardWebhook.SignatureHeader,
            string.Join(' ', partner.WebhookSecrets.Select(secret => StandardWebhook.SignatureHeaderValue(secret, id, timestamp, body))));
        try
        {
            using var http = httpClients.CreateClient(HttpClientName);
            http.Timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
            using var response = await http.SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode ? null : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }
}
