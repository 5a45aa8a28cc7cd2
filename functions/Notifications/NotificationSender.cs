using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Fulfilment.Egress;
using Fulfilment.Observability;
using Fulfilment.Orders;
using Fulfilment.Partners;
using Fulfilment.Serialization;
using Fulfilment.Storage;
using Fulfilment.Webhooks;
using Microsoft.Extensions.Options;

namespace Fulfilment.Notifications;

/// <summary>
/// POSTs one notification to the partner's callback URL, signed the Standard Webhooks way with the callback secret of
/// every active secret of the partner (so its rotation works; never the webhook secret itself, so a callback replayed
/// to our webhook verifies nothing), with a webhook id fixed per (order, state) so the partner can dedupe.
/// The body says what happened to the order and never carries key material: the partner fetches keys through the API.
/// </summary>
internal sealed class NotificationSender(
    PartnerDirectory partners,
    OrderBook orders,
    NotificationQueue notifications,
    IHttpClientFactory httpClients,
    IOptions<NotificationOptions> options,
    IOptions<EgressOptions> egress,
    TimeProvider clock,
    ILogger<NotificationSender> logger)
{
    public const string HttpClientName = "partner-callbacks";
    public async Task SendAsync(NotificationRequest request, CancellationToken cancellationToken)
    {
        using var span = OrderTracing.Start("partner callback", request.PartnerId, request.OrderId, request.TraceParent);
        var partner = await partners.FindAsync(request.PartnerId, cancellationToken)
            ?? throw new PoisonMessageException($"partner {request.PartnerId} does not exist");
        var order = await orders.GetAsync(request.PartnerId, request.OrderId, cancellationToken)
            ?? throw new PoisonMessageException($"order {request.OrderId} of partner {request.PartnerId} does not exist");
        if (partner.CallbackUrl is null)
        {
            return;
        }

        // What is signed is the order as stored, never what a message claims: a forged message (an invocation claiming
        // "delivered" for an order that never was) sends nothing. A final state the order has moved on from (delivered,
        // then refunded, then disputed) is still told: the partner hears each one.
        if (!order.IsToldToPartner || (order.State != request.State && !WasFinal(order, request.State)))
        {
            throw new PoisonMessageException($"the message says order {order.OrderId} is {request.State}, but it is {order.State}: nothing sent");
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
        var (reasonCode, reason) = PartnerReason.For(order);
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            type = EventTypeOf(order, state),
            timestamp = clock.GetUtcNow(),
            data = new
            {
                order.OrderId, order.Sku, order.Quantity, order.Amount, order.Currency, order.BuyerReference,
                state, reasonCode, reason, order.DeliveredAt,
            },
        }, AppJson.Options);
        var id = "evt_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{order.PartnerId}|{order.OrderId}|{state}")).AsSpan(0, 16));
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, partner.CallbackUrl)
        {
            Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
        };
        request.Headers.Add(StandardWebhook.IdHeader, id);
        request.Headers.Add(StandardWebhook.TimestampHeader, timestamp);
        request.Headers.Add(StandardWebhook.SignatureHeader,
            string.Join(' ', partner.ActiveSecrets(clock.GetUtcNow()).Select(secret =>
                StandardWebhook.SignatureHeaderValue(PartnerCredentials.CallbackSecretOf(secret.Value), id, timestamp, body))));
        if (OutboundHttp.CheckUrl(partner.CallbackUrl!, egress.Value.AllowPrivateNetworks) is { } refused)
        {
            return $"callback URL {refused}";
        }

        try
        {
            using var http = httpClients.CreateClient(HttpClientName);
            http.Timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds);
            // Only the status counts: the body is never read (a partner could answer gigabytes), nor a redirect followed.
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            return response.IsSuccessStatusCode ? null
                : (int)response.StatusCode is >= 300 and < 400 ? $"HTTP {(int)response.StatusCode}: redirects are not followed"
                : $"HTTP {(int)response.StatusCode}";
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            return e.GetType().Name + ": " + e.Message;
        }
    }

    /// <summary>
    /// <c>order.</c> and the state; an order cancelled because its payment came back is <c>order.refunded</c> or
    /// <c>order.disputed</c>, like a delivered one (its state, <c>cancelled</c>, says nothing was delivered).
    /// </summary>
    private static string EventTypeOf(Order order, string state) =>
        state == OrderState.Cancelled ? (order.ReversalKind == ReversalKind.Dispute ? "order.disputed" : "order.refunded") : "order." + state;

    private static bool WasFinal(Order order, string state) =>
        (order with { State = state }).IsToldToPartner && order.StateChanges.Any(change => change.State == state);
}
